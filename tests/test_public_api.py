"""The public API: every exported name exists, is documented, and nothing private leaks."""

from __future__ import annotations

import inspect

import planengine
from planengine import hookspecs


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert planengine.__all__ == sorted(planengine.__all__)
    for name in planengine.__all__:
        assert getattr(planengine, name) is not None, name


def test_type_checkers_see_the_same_names_as_the_lazy_loader() -> None:
    """``__all__``, the lazy ``_EXPORTS`` table and the ``TYPE_CHECKING`` imports list the same
    names from the same modules (type checkers read the imports; run time reads the table)."""
    import ast
    import pathlib

    assert planengine.__all__ == sorted([*planengine._EXPORTS, "__version__"])
    tree = ast.parse(pathlib.Path(planengine.__file__).read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    imported = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == planengine._EXPORTS


def test_every_public_name_has_a_docstring() -> None:
    for name in planengine.__all__:
        value = getattr(planengine, name)
        if name in {"__version__", "hookimpl"}:
            continue
        assert inspect.getdoc(value), f"{name} has no docstring"


def test_errors_subclass_builtins_and_print_one_line() -> None:
    assert issubclass(planengine.InputError, ValueError)
    assert issubclass(planengine.PluginError, RuntimeError)
    assert issubclass(planengine.UnknownNameError, KeyError)
    error = planengine.InputError("bad\nvalue", file="a.yaml", line=3, column=5, path="$.x")
    assert str(error) == "a.yaml:3:5: $.x: bad value"
    assert str(planengine.UnknownNameError("no schema named 'x'")) == "no schema named 'x'"


def test_every_hook_is_documented_with_its_version() -> None:
    specs = [
        function
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if getattr(function, "planengine_spec", None) is not None
    ]
    assert {f.__name__ for f in specs} >= {
        "register_instruments",
        "register_strategies",
        "propose",
        "adjust_plan",
        "register_smart_rules",
        "review_suggestions",
    }
    for function in specs:
        doc = inspect.getdoc(function) or ""
        assert "Called" in doc, f"{function.__name__}: say when it is called"
        assert ":return:" in doc and "versionadded" in doc, function.__name__
        for parameter in inspect.signature(function).parameters:
            assert f":param {parameter}:" in doc, f"{function.__name__}: {parameter} undocumented"


#: Names in public annotations that are not classes a caller could need to import: typing and
#: the standard library, and ``Literal`` aliases (their values are plain strings).
_NOT_CLASSES = {
    "Answers",  # io._assessment: a tuple or a mapping of answers (a type alias)
    "Comparator",  # instruments._parts: Literal[">=", ">", "<=", "<"]
    "Direction",  # instruments._parts: Literal["higher-is-worse", "higher-is-better"]
    "RiskLevel",  # instruments._scoring: Literal["endorsed", "high", "not-endorsed", "unknown"]
    "Kind",  # _references: Literal["source", "design-note", "rule"]
    "Any", "Callable", "ClassVar", "Collection", "Iterable", "Iterator", "Literal", "Mapping",
    "MappingProxyType", "None", "NoneType", "Optional", "Path", "PathLike", "Self", "Sequence",
    "TextIO", "Union",
}


def _public_types(value: object) -> set[str]:
    """The capitalised names in the return annotations of ``value``'s public functions,
    methods and properties and in its attrs fields' types (annotations are strings here)."""
    import re

    import attrs

    annotations: list[object] = []
    if inspect.isclass(value):
        if attrs.has(value):
            annotations.extend(field.type for field in attrs.fields(value) if not field.name.startswith("_"))
        for name, member in inspect.getmembers(value):
            if name.startswith("_"):
                continue
            raw = inspect.getattr_static(value, name)
            if isinstance(raw, property) and raw.fget is not None:
                annotations.append(raw.fget.__annotations__.get("return"))
            elif callable(member) and not inspect.isclass(member):
                annotations.append(getattr(member, "__annotations__", {}).get("return"))
    elif callable(value):
        annotations.append(getattr(value, "__annotations__", {}).get("return"))
    found: set[str] = set()
    for annotation in annotations:
        text = re.sub(r"'[^']*'|\"[^\"]*\"", "", str(annotation or ""))  # Literal values
        for word in re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", text):
            short = word.rsplit(".", 1)[-1]
            if short[:1].isupper() and not word.startswith(("dt.", "datetime.", "os.")):
                found.add(short)
    return found - _NOT_CLASSES


def test_every_type_a_public_name_returns_or_holds_is_exported() -> None:
    """What a public function returns, and what the classes it returns hold (their fields,
    properties and methods' results), can be named from ``planengine`` (issue 16): a caller
    annotating their code never imports a private module."""
    missing = {}
    for name in planengine.__all__:
        for wanted in _public_types(getattr(planengine, name)):
            if wanted not in planengine.__all__:
                missing.setdefault(wanted, name)
    assert not missing, f"not exported (name: where it appears): {missing}"


def test_the_plan_renderers_are_public_and_match_the_command_line() -> None:
    """``render_markdown``/``render_html`` and the patient's copies are the ones ``planengine
    plan --format`` uses."""
    from planengine.render._plan import PATIENT_RENDERERS, RENDERER_BY_NAME

    assert RENDERER_BY_NAME["markdown"] is planengine.render_markdown
    assert RENDERER_BY_NAME["html"] is planengine.render_html
    assert RENDERER_BY_NAME["goals"] is planengine.render_goals
    assert PATIENT_RENDERERS["patient"] is planengine.render_patient
    assert PATIENT_RENDERERS["patient-html"] is planengine.render_patient_html

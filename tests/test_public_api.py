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

"""``planengine new-plugin NAME [--area NEW-AREA]``: write a complete, installable plugin package
(pyproject with the entry point, strategy data, a Python hook, tests with the kit, a README)
whose tests pass as written. The templates are in ``planengine/data/plugin-template/``."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
#: template -> where it goes in the package (``$module``: the import package)
_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "src/$module/__init__.py",
    "strategy.yaml.tmpl": "src/$module/strategy.yaml",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
}
#: the area a plugin without ``--area`` plans for (a built-in one)
DEFAULT_AREA = "wellbeing"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("name", metavar="NAME", help="distribution name, e.g. planengine-anger")
    parser.add_argument(
        "--area",
        metavar="NEW-AREA",
        help="a new problem area the plugin registers (default: content for the built-in "
        f"{DEFAULT_AREA!r} area)",
    )
    parser.add_argument(
        "--output", "-o", default=".", metavar="DIR", help="folder to write NAME/ into"
    )


def write_plugin(name: str, area: str | None, output: str | Path) -> Path:
    """Write the package ``output/name`` and return its folder.

    :raises planengine.ConfigError: for a bad name or area, or a folder that already exists.
    """
    from importlib import resources
    from string import Template

    from planengine._errors import ConfigError
    from planengine._version import __version__

    for label, value in (("NAME", name), ("--area", area or DEFAULT_AREA)):
        if not _NAME.match(value):
            raise ConfigError(f"{label} {value!r}: use lower-case letters, digits and hyphens")
    from planengine._vocabulary import load_vocabulary

    if area is not None and (area in load_vocabulary().areas or area == "safety"):
        raise ConfigError(f"--area {area!r} is a built-in area; leave --area out to plan for it")
    target = Path(output) / name
    if target.exists():
        raise ConfigError(f"{target} already exists")
    plugin = name.removeprefix("planengine-")
    chosen = area or DEFAULT_AREA
    title = chosen.replace("-", " ").capitalize()
    templates = resources.files("planengine") / "data" / "plugin-template"
    values = {
        "dist": name,
        "module": name.replace("-", "_"),
        "plugin": plugin,
        "area": chosen,
        "title": title,
        "title_lower": title.lower(),
        "planengine_version": __version__,
        "hooks_summary": (
            "register_vocabulary (the new area), register_strategies (the content)."
            if area
            else "register_strategies (the content)."
        ),
    }
    # the area's own name links a patient's goal to it, unless another area lists that word
    word = chosen.replace("-", " ")
    values["keywords"] = "" if load_vocabulary().areas_for_goal(word) else f'"{word}",'
    vocabulary = (templates / "vocabulary.py.tmpl").read_text(encoding="utf-8") if area else ""
    values["vocabulary_hook"] = Template(vocabulary).substitute(values)
    for template, where in _FILES.items():
        text = Template((templates / template).read_text(encoding="utf-8")).substitute(values)
        path = target / Template(where).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


def run(args: argparse.Namespace) -> int:
    """Write the package and say what to do next."""
    target = write_plugin(args.name, args.area, args.output)
    sys.stdout.write(
        f"wrote {target}\nnext:\n  cd {target}\n  pip install -e '.[test]'\n"
        "  planengine plugins\n  pytest\n"
    )
    return 0

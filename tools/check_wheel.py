"""Check that a built wheel carries the schemas, the data (instruments, vocabulary, crisis
resources) and every built-in plugin.

Usage: python tools/check_wheel.py dist/planengine-*.whl
"""

from __future__ import annotations

import pathlib
import sys
import zipfile

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


ROOT = pathlib.Path(__file__).resolve().parent.parent


def expected_members() -> set[str]:
    """Every file the wheel must contain, derived from the source tree and pyproject.toml."""
    members = {f"planengine/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.schema.json")}
    members |= {
        f"planengine/data/instruments/{p.name}"
        for p in (ROOT / "src/planengine/data/instruments").glob("*.yaml")
    }
    members |= {  # the vocabulary and the crisis resources
        f"planengine/data/{p.name}" for p in (ROOT / "src/planengine/data").glob("*.yaml")
    }
    members |= {"planengine/py.typed", "planengine/data/vocabulary.yaml"}
    members |= {  # the FHIR code tables
        f"planengine/fhir/data/{p.name}" for p in (ROOT / "src/planengine/fhir/data").glob("*.yaml")
    }
    source = ROOT / "src" / "planengine"
    members |= {
        f"planengine/{path.relative_to(source).as_posix()}"
        for path in source.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for module in project["entry-points"]["planengine"].values():
        package = module.split(":")[0]
        for path in (ROOT / "plugins" / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                members.add(f"{package}/{path.relative_to(ROOT / 'plugins' / package).as_posix()}")
    return members


#: Top-level folders of the wheel that are not packages: only its metadata.
_NOT_SHIPPED = ("tests/", "bench/", "build/", "examples/", "tools/", ".venv/")


def main(wheel: str) -> int:
    """Exit 1 and list what is wrong: an expected file missing, something that must not ship
    (tests, caches, build output), or no licence in the metadata."""
    names = set(zipfile.ZipFile(wheel).namelist())
    problems = [f"missing: {name}" for name in sorted(expected_members() - names)]
    problems += [
        f"must not ship: {name}"
        for name in sorted(names)
        if name.startswith(_NOT_SHIPPED) or "__pycache__" in name or name.endswith(".pyc")
    ]
    if not any(name.endswith("/licenses/LICENSE") for name in names):
        problems.append("missing: the LICENSE file in the .dist-info/licenses folder")
    if problems:
        print(f"{wheel}: {len(problems)} problem(s):", *problems, sep="\n  ")
        return 1
    print(f"{wheel}: all {len(expected_members())} expected files present, nothing extra")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

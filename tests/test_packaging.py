"""What the wheel must carry, checked against the installed package (CI tests the built wheel)."""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import sys
from importlib import metadata, resources

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_wheel  # noqa: E402


def _installed_file(member: str) -> bool:
    package, _, rest = member.partition("/")
    if package == "planengine" and rest.startswith("schemas/"):
        return (resources.files("planengine.schemas") / rest.removeprefix("schemas/")).is_file()
    return (resources.files(package) / rest).is_file()


def test_schemas_data_and_plugins_are_installed() -> None:
    missing = [m for m in sorted(check_wheel.expected_members()) if not _installed_file(m)]
    assert missing == []


def test_builtin_plugins_are_registered_as_entry_points_of_this_distribution() -> None:
    points = {ep.name: ep for ep in metadata.entry_points(group="planengine")}
    assert {"sleep", "cbt"} <= set(points)
    for entry_point in points.values():
        if entry_point.dist is not None and entry_point.dist.metadata["Name"] == "planengine":
            module_name, _, attribute = entry_point.value.partition(":")
            module = importlib.import_module(module_name)
            assert entry_point.name == getattr(module, attribute).PLUGIN_NAME
            strategy = resources.files(module.__name__) / "strategies" / f"{entry_point.name}.yaml"
            assert strategy.is_file()


def test_every_bundled_schema_is_a_valid_2020_12_schema() -> None:
    import jsonschema

    from planengine import schemas

    assert {"assessment", "plan", "strategy", "instrument", "goal"} <= set(schemas.names())
    for name in schemas.names():
        schema = schemas.load(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.schema.json")
        jsonschema.Draft202012Validator.check_schema(schema)

"""planengine.testing: the conformance check passes good plugins and fails bad ones naming the
plugin, the hook and the rule; ``planengine new-plugin`` writes a package whose tests pass; the
example plugin in examples/plugins installs, is listed, plans and conforms."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import types

import pytest

import planengine
from planengine.testing import check_plugin

ROOT = pathlib.Path(__file__).resolve().parent.parent
GRIEF = ROOT / "examples" / "plugins" / "planengine-grief"


def _grief_module() -> types.ModuleType:
    sys.path.insert(0, str(GRIEF / "src"))
    try:
        import planengine_grief

        return planengine_grief
    finally:
        sys.path.remove(str(GRIEF / "src"))


def _bad(name: str, **hooks: object) -> types.SimpleNamespace:
    grief = _grief_module()
    return types.SimpleNamespace(
        PLUGIN_NAME=name,
        __version__="1.0",
        register_vocabulary=grief.register_vocabulary,
        register_strategies=grief.register_strategies,
        **{hook: planengine.hookimpl(function) for hook, function in hooks.items()},
    )


def _remove_safety(plan, context):  # type: ignore[no-untyped-def]
    for problem in plan.problems:
        if problem.area == "safety":
            problem.interventions.clear()


def _write_file(problem, context):  # type: ignore[no-untyped-def]
    with open("/tmp/planengine-conformance-should-not-exist.txt", "w") as out:
        out.write("x")


def _nan(problem, context):  # type: ignore[no-untyped-def]
    measure = planengine.Measure("m", "u", "method", float("nan"), ">=", 0.0, None)
    objective = planengine.Objective(
        f"{problem.area}-nan", problem.area, "s", measure, context.as_of, context.as_of, 7, [],
        planengine.Provenance("plugin:nan", "r"),
    )
    return planengine.Proposal(objectives=(objective,))


_CALLS = [0]


def _random(plan, context):  # type: ignore[no-untyped-def]
    _CALLS[0] += 1
    plan.notices.append(planengine.Notice("x.call", f"call {_CALLS[0]}"))


def test_the_example_plugin_conforms() -> None:
    report = check_plugin(_grief_module(), max_examples=8)
    assert report.ok, str(report)
    assert report.examples == 9


@pytest.mark.parametrize(
    ("name", "hooks", "hook", "rule"),
    [
        ("saboteur", {"adjust_plan": _remove_safety}, "adjust_plan", "safety"),
        ("writer", {"propose": _write_file}, "propose", "no-io"),
        ("nan", {"propose": _nan}, "propose", "finite-numbers"),
        ("dice", {"adjust_plan": _random}, "adjust_plan", "deterministic"),
    ],
)
def test_a_bad_plugin_fails_naming_plugin_hook_and_rule(name, hooks, hook, rule) -> None:
    report = check_plugin(_bad(name, **hooks), max_examples=8)
    assert not report.ok
    wanted = f"plugin {name!r}, hook {hook!r}, rule {rule!r}"
    assert any(str(breach).startswith(wanted) for breach in report.breaches), str(report)
    with pytest.raises(planengine.testing.ConformanceError, match=f"rule {rule!r}"):
        planengine.testing.assert_conformant(_bad(name, **hooks), max_examples=8)
    assert not pathlib.Path("/tmp/planengine-conformance-should-not-exist.txt").exists()


def _pip_install(source: pathlib.Path, target: pathlib.Path) -> None:
    """``pip install --no-deps --target`` (planengine itself is on the path already); skip the
    test when pip cannot build offline."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
         "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"pip cannot install {source.name} here: {done.stderr.strip()[-300:]}")


def _run(args: list[str], cwd: pathlib.Path, site: pathlib.Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
                          check=False)


@pytest.mark.parametrize("kind", ["example", "generated"])
def test_a_plugin_package_installs_is_listed_plans_and_its_tests_pass(
    kind: str, tmp_path: pathlib.Path
) -> None:
    import shutil

    from planengine.cli._new_plugin import write_plugin

    if kind == "example":
        package = tmp_path / "planengine-grief"
        shutil.copytree(GRIEF, package)
        name, area = "grief", "grief"
    else:
        package = write_plugin("planengine-anger", "anger", tmp_path)
        name, area = "anger", "anger"
    site = tmp_path / "site"
    _pip_install(package, site)
    listed = _run([sys.executable, "-m", "planengine", "plugins", "--format", "json"], package, site)
    assert listed.returncode == 0 and f'"name": "{name}"' in listed.stdout, listed.stderr
    areas = _run([sys.executable, "-m", "planengine", "areas"], package, site)
    assert f"plugin:{name}" in areas.stdout
    assessment = tmp_path / "assessment.yaml"
    assessment.write_text(f"planengine: 1\ncontext:\n  concerns: [{area}]\n", encoding="utf-8")
    plan = _run([sys.executable, "-m", "planengine", "plan", str(assessment), "--as-of",
                 "2026-11-25", "--format", "json"], package, site)
    assert plan.returncode == 0 and f'"area": "{area}"' in plan.stdout, plan.stderr
    strategy = next((package / "src").glob("*/strategy.yaml"))
    checked = _run([sys.executable, "-m", "planengine", "validate", "--schema", "strategy",
                    str(strategy)], package, site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                  "no:randomly"], package, site)
    assert tests.returncode == 0, tests.stdout[-2000:] + tests.stderr[-2000:]


def test_new_plugin_refuses_a_built_in_area_and_an_existing_folder(tmp_path: pathlib.Path) -> None:
    from planengine.cli._main import main

    assert main(["new-plugin", "my-plugin", "--area", "sleep", "-o", str(tmp_path)]) == 2
    assert main(["new-plugin", "my-plugin", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "my-plugin" / "src" / "my_plugin" / "strategy.yaml").is_file()
    assert main(["new-plugin", "my-plugin", "-o", str(tmp_path)]) == 2

"""``planengine import -o DIR``: one assessment file per patient, each of which ``planengine
plan`` reads as it is; never over an existing file unless ``--force``; nothing written when one
file would be refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from planengine import Engine, load_assessment, write_synthetic_cohort
from planengine.cli._import import file_name
from planengine.cli._main import main
from planengine.fhir import assessments_from_fhir, read_fhir_file

AS_OF = dt.date(2026, 11, 25)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("export")
    write_synthetic_cohort(str(folder), 5, seed=3, as_of=AS_OF)
    return sorted(str(p) for p in folder.glob("*.ndjson"))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_every_imported_file_plans(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, export: list[str], fmt: str
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "import", *export, "-o", str(out), "--format", fmt)
    assert code == 0, err
    assert stdout == ""
    expected = assessments_from_fhir([r for name in export for r in read_fhir_file(name)])
    files = sorted(out.iterdir())
    assert [f.name for f in files] == sorted(f"{p.patient_id}.{fmt}" for p in expected)
    by_name = {f"{p.patient_id}.{fmt}": p.document for p in expected}
    engine = Engine()
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert (json.loads(text) if fmt == "json" else yaml.safe_load(text)) == by_name[path.name]
        engine.plan(load_assessment(path), as_of=AS_OF)  # the library reads it
    code, _, err = run(capsys, "plan", *map(str, files), "--as-of", AS_OF.isoformat())
    assert code == 0, err  # and so does the command


def test_an_existing_file_is_never_replaced_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, export: list[str]
) -> None:
    out = tmp_path / "out"
    assert run(capsys, "import", *export, "-o", str(out))[0] == 0
    first = sorted(out.iterdir())
    for path in first[1:]:
        path.unlink()
    first[0].write_text("# the clinician's edit\n", encoding="utf-8")
    code, stdout, err = run(capsys, "import", *export, "-o", str(out))
    assert code == 2
    assert stdout == ""
    assert err.splitlines() == [
        f"planengine: error: {first[0]}: exists; import never replaces a file (--force replaces "
        "it); nothing was written"
    ]
    assert [p.name for p in out.iterdir()] == [first[0].name]  # nothing else was written
    assert first[0].read_text(encoding="utf-8") == "# the clinician's edit\n"
    assert run(capsys, "import", *export, "-o", str(out), "--force")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in first]
    assert first[0].read_text(encoding="utf-8") != "# the clinician's edit\n"


def test_an_output_that_is_a_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, export: list[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "import", *export, "-o", str(taken))
    assert code == 2
    assert err == f"planengine: error: --output-dir {taken}: is a file, not a folder\n"


@pytest.mark.parametrize(
    ("patient", "index", "expected"),
    [
        ("p-1", 1, "p-1.yaml"),
        ("../etc/passwd", 1, "_._etc_passwd.yaml"),
        (".hidden", 2, "_hidden.yaml"),
        (None, 3, "patient-3.yaml"),
    ],
)
def test_file_names_stay_in_the_folder(patient: str | None, index: int, expected: str) -> None:
    assert file_name(patient, index, "yaml") == expected

"""Scenario tests for clinician read 13, S3: the glance's contact cells say where each contact
is held, so "(1 a week referred)" can no longer be read as "1 a week if referred". Each fails
without its fix.
"""

from __future__ import annotations

import pytest

from plan_helpers import example_plan
from planengine.render._plan import render_markdown


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("all-instruments.yaml", "| Now | 1 | 2 a week (1 here, 1 at the referred service) |"),
        (
            "psychosis-depression-apnoea.yaml",
            "| Next | 1 | 2 a week (1 here, 1 at the referred service) |",
        ),
        (
            "moderate-phq9-gad7-isi.yaml",
            "| Now | 1 | 1 to 2 a week (up to 1 here, 1 at the referred service) |",
        ),
    ],
)
def test_a_split_row_names_both_places(engine, name, row) -> None:
    text = render_markdown(example_plan(engine, name))
    assert row in text
    assert " referred) |" not in text
    # the note no longer has to explain the word
    assert "('referred': at another service)" not in text


def test_the_parts_add_up_to_the_total(engine) -> None:
    plan = example_plan(engine, "all-instruments.yaml")
    load = plan.to_dict()["burden"]["now"]
    here = load["clinician_contacts_per_week"] - load["referred_contacts_per_week"]
    assert (here, load["referred_contacts_per_week"]) == (1, 1)

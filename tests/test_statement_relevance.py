"""R404 (issue 20): a statement about another problem area than the one the goal is filed under.
The cases are data; engine-generated goals never draw it."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest

from planengine._vocabulary import load_vocabulary
from planengine.smart import check_goals
from planengine.smart._rules_relevant import served_areas

AS_OF = dt.date(2026, 12, 15)
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"

#: area, statement, addresses -> whether R404 fires
CASES = [
    ("depression", "Drink no more than 14 units a week by 2027-02-01.", ["phq9"], True),
    ("anxiety", "Drink no more than 2 drinks on any day by 2027-02-01.", ["gad7"], True),
    ("sleep", "Make two new friends by the end of next month.", ["isi"], True),
    ("alcohol", "Go to the gym three times a week for the next month.", ["audit-c"], True),
    ("trauma", "Cut down to 14 units of wine a week by 2027-02-01.", ["pcl5"], True),
    # another area's words, and that area serves this one
    (
        "depression",
        "Take a 20-minute walk outdoors four days a week for one month.",
        ["phq9"],
        False,
    ),
    (
        "sleep",
        "No alcohol within 3 hours of bedtime, 6 nights a week, for 4 weeks.",
        ["isi"],
        False,
    ),
    ("stress", "Practise calm breathing for 10 minutes a day for the next month.", [], False),
    ("alcohol", "Learn anger management skills.", ["audit-c"], False),
    # the goal's own area's words, or none at all
    ("alcohol", "Drink no more than 14 units a week by 2027-02-01.", ["audit-c"], False),
    ("anxiety", "Attend three support group meetings by week 8.", ["gad7"], False),
    # the goal says in addresses which other problem it answers to
    ("depression", "Drink no more than 14 units a week by 2027-02-01.", ["alcohol"], False),
    # areas the table does not judge: safety, a plugin's
    ("safety", "Drink no more than 14 units a week by 2027-02-01.", [], False),
]


def _r404(area: str, statement: str, addresses: list[str]) -> bool:
    goal: dict[str, Any] = {"id": "g", "area": area, "statement": statement, "addresses": addresses}
    document = {"planengine": 1, "review_interval_days": 90, "goals": [goal]}
    return any(v.code == "R404" for v in check_goals(document, as_of=AS_OF))


@pytest.mark.parametrize(("area", "statement", "addresses", "fires"), CASES)
def test_r404_cases(area: str, statement: str, addresses: list[str], fires: bool) -> None:
    assert _r404(area, statement, addresses) is fires


def test_the_table_covers_every_area_and_names_only_others() -> None:
    areas = set(load_vocabulary().areas)
    served = served_areas()
    assert set(served) == areas
    for area, others in served.items():
        assert others <= areas, area
        assert area not in others, area


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_engine_generated_goals_never_draw_r404(example: pathlib.Path) -> None:
    from planengine import Engine, load_assessment
    from planengine._errors import InputError
    from planengine.render._plan import plan_to_goal_document

    try:
        assessment = load_assessment(example)
    except InputError:
        pytest.skip("not an assessment file")
    engine = Engine()
    document = plan_to_goal_document(engine.plan(assessment, as_of=AS_OF))
    found = check_goals(document, as_of=AS_OF, instruments=engine.instruments)
    assert not [(v.goal_id, v.message) for v in found if v.code == "R404"]

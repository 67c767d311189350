"""The risk item is named from the instrument's data everywhere (review of session 30, findings
9 and 10): one pass in ``screens`` builds each instrument's risk question, and the step that asks
a risk question says that item and its threshold, never "PHQ-9 item 9" for another instrument."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from planengine._model import Provenance, RiskFlag
from planengine.plan._risk_flags import RiskQuestion
from planengine.plan._safety import screens
from planengine.plan._safety_today import ask_today_description, record_and_replan

DAY = dt.date(2026, 11, 25)


def _instrument(name: str, area: str, *items: tuple[int, str, int]) -> SimpleNamespace:
    risk = [SimpleNamespace(item=i, kind=kind, endorsed_at=at) for i, kind, at in items]
    return SimpleNamespace(name=name, area=area, risk_items=risk)


def test_screens_reads_each_risk_item_once_from_the_data() -> None:
    instruments = {
        "phq9": _instrument("PHQ-9", "depression", (9, "suicidal-ideation", 1)),
        "other": _instrument("Other-7", "mood", (3, "suicidal-ideation", 2)),
        "pcl5": _instrument("PCL-5", "trauma", (16, "risky-behaviour", 2)),
        "auditc": _instrument("AUDIT-C", "alcohol"),
    }
    found = screens(["auditc"], instruments)
    assert found == {
        "alcohol_measured": True,
        "risk_items": {"other": RiskQuestion("Other-7", 3, 2), "phq9": RiskQuestion("PHQ-9", 9, 1)},
    }
    assert found["risk_items"]["other"].endorsed_when == "item 3 is 2 or more"
    assert found["risk_items"]["other"].not_endorsed == "below 2"


def _blank(instrument: str, item: int) -> RiskFlag:
    return RiskFlag("risk-1", "risk-unknown", "unknown", 1, instrument, item, None, DAY,
                    f"{instrument} item {item} left blank", Provenance("rule:test", ()))


def test_the_asking_step_names_the_flagged_item_and_its_threshold() -> None:
    flags = (_blank("other", 3),)
    items = {"phq9": RiskQuestion("PHQ-9", 9, 1), "other": RiskQuestion("Other-7", 3, 2)}
    text = record_and_replan(flags, items)
    assert "a Other-7 with item 3 answered" in text
    assert "If item 3 is below 2," in text and "If it is 2 or more," in text
    assert "item 9" not in text and "PHQ-9" not in text
    _, then = ask_today_description(flags, "", items)
    assert text in then


def test_the_phq9_wording_is_unchanged() -> None:
    text = record_and_replan((_blank("phq9", 9),), {"phq9": RiskQuestion("PHQ-9", 9, 1)})
    assert text.startswith(
        "Record the answer today, whatever it is, and make the plan again with it: a PHQ-9 with "
        "item 9 answered, or the clinician's disposition of this flag. If item 9 is 0, or the "
        "direct question is not endorsed"
    )
    assert "If it is 1 or more, or the clinician is concerned" in text

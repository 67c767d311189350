"""The goal file contract beyond the schema: what ``planengine review`` refuses, as E-codes.

The schema (E002) cannot say that a PHQ-9 value must be 0-27, that a progress date may not be
after the review date, or that a repeat questionnaire must name a known instrument. The review's
reader (``planengine.review._parse``) says so; this module runs that same reader and reports each
of its input errors under an E-code, so that ``validate`` and ``review`` give one verdict for one
file (``docs/goal-files.md``). Nothing here judges a value itself: one reader, one answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from planengine.io._document import Document
from planengine.io._json_path import parse_json_path
from planengine.review._inputs import ParsedFile
from planengine.smart._model import SmartRule

__all__ = [
    "CONTRACT_CODES",
    "CONTRACT_RULES",
    "INPUT_CONTRACT_CODES",
    "ContractError",
    "contract_errors",
    "read_with_contract",
]

_SOURCE = "docs/goal-files.md"

#: The review's code for an input error -> the E-code ``validate`` reports it under. The schema's
#: own errors are E002 and the format version E003, checked by ``validate`` itself.
CONTRACT_CODES: Mapping[str, str] = {
    "input.date-invalid": "E004",
    "input.duplicate-id": "E005",
    "input.after-as-of": "E010",
    "input.unknown-instrument": "E011",
    "input.out-of-range": "E012",
    "input.target-out-of-range": "E012",
    "input.before-baseline": "E013",
    "input.duplicate-date": "E013",
    "input.unit-mismatch": "E013",
    "input.target-direction": "E014",
    "input.due-before-start": "E015",
    "input.answers": "E016",
    "input.disposition": "E017",
}


def _rule(code: str, name: str, message: str, fix: str, docs: str) -> SmartRule:
    return SmartRule(
        code=code,
        name=name,
        letter="E",
        severity="error",
        message=message,
        fix=fix,
        source=_SOURCE,
        docs=docs.strip(),
    )


#: The contract's E-codes beyond E002-E005 (the checker raises them; they cannot be suppressed).
CONTRACT_RULES: tuple[SmartRule, ...] = (
    _rule(
        "E010",
        "date-after-review-date",
        "a date after the review date",
        "Correct the date, or check again with the right --as-of.",
        """
What it does: reports a baseline, progress entry, repeat questionnaire or disposition dated after
the date the check is made for (--as-of, default today). Why: `planengine review` leaves such a
value out (it has not happened yet), so the file says something the review does not read.""",
    ),
    _rule(
        "E011",
        "unknown-assessment-instrument",
        "a repeat questionnaire names no known instrument",
        "Use an instrument id listed by `planengine instruments`, or load the plugin that has it.",
        """
What it does: reports an entry of `assessments` whose instrument is not known. Why: its total
cannot be placed and its answers cannot be checked for risk items; the review leaves it out.""",
    ),
    _rule(
        "E012",
        "value-out-of-range",
        "a value outside its instrument's range",
        "Correct the value; a percent score needs the measure's unit to be 'percent'.",
        """
What it does: reports a baseline, target, progress value or repeat-questionnaire total outside
the instrument's range (PHQ-9 0-27). Why: the review leaves such a value out; a typo (31 for 13)
would otherwise move a goal's status. M206, a SMART
rule a configuration may turn off, may say so too; E012 is the input contract.""",
    ),
    _rule(
        "E013",
        "unusable-progress-entry",
        "a progress entry the review cannot use",
        "Remove or correct the entry the message names.",
        """
What it does: reports a progress entry before the baseline, a second entry (or questionnaire) for
the same date, or a value in another unit than the measure's. Why: the review leaves it out.""",
    ),
    _rule(
        "E014",
        "target-wrong-direction",
        "the target asks the instrument to go the worse way",
        "Turn the comparator round (PHQ-9: <=), or measure a free metric instead.",
        """
What it does: reports a comparator that asks an instrument's score to move the worse way (PHQ-9
>= 9). Why: meeting such a target would call a worsening a success; the review leaves the target
out. A302 may say so too;
E014 is the input contract.""",
    ),
    _rule(
        "E015",
        "due-date-before-start-date",
        "due date before the start date",
        "Correct start_date or due_date.",
        """
What it does: reports a due_date before the start_date. Why: the review can draw no trajectory
and leaves the due date out. T502 says so too;
E015 is the input contract.""",
    ),
    _rule(
        "E016",
        "unreadable-answers",
        "item answers the instrument cannot have",
        "Correct the answers (each item's allowed values are in `planengine instruments`).",
        """
What it does: reports item answers of a repeat questionnaire that the instrument cannot have (an
answer of 5 on a 0-3 item, too many items). Why: the questionnaire cannot be scored; its risk
items are still read on their own, and an unreadable risk item is a "risk unknown" flag.""",
    ),
    _rule(
        "E017",
        "unusable-disposition",
        "a risk disposition that cannot be read",
        "Correct the record the message names (docs/review-workflow.md).",
        """
What it does: reports an entry of `risk_dispositions` the review cannot read. Why: it is ignored
and the flag it meant stays open.""",
    ),
)


@attrs.frozen
class ContractError:
    """One input error of the review's reader, as ``validate`` reports it."""

    code: str
    parts: tuple[str | int, ...]
    message: str
    goal_id: str | None


def contract_errors(
    source: Document | Mapping[str, Any],
    *,
    as_of: datetime.date | None,
    instruments: Mapping[str, Any],
) -> list[ContractError]:
    """The input errors ``planengine review`` finds in a goal file, beyond the schema's.

    :param as_of: the review date; ``None``: no date is after it.
    """
    return read_with_contract(source, as_of=as_of, instruments=instruments)[1]


def read_with_contract(
    source: Document | Mapping[str, Any],
    *,
    as_of: datetime.date | None,
    instruments: Mapping[str, Any],
) -> tuple[ParsedFile, list[ContractError]]:
    """A goal file read by the one reader of goal files (its goals' typed records, which the
    SMART rules read), and the input errors ``planengine review`` finds in it beyond the
    schema's.

    :param as_of: the review date; ``None``: no date is after it.
    """
    from planengine.review._flag_workflow import dispositions_from_goal_file
    from planengine.review._parse import parse_goal_file

    day = as_of or datetime.date.max
    parsed = parse_goal_file(source, as_of=day, instruments=instruments)
    answer_findings: tuple[Any, ...] = ()
    if parsed.assessments:  # answers to score (a file with none imports no scoring at all)
        from planengine.review._risk import risk_flags_from_assessments

        _, answer_findings, _ = risk_flags_from_assessments(
            parsed.assessments, instruments, file=None, as_of=day
        )
    _, disposition_findings = dispositions_from_goal_file(source, parsed.record, day)
    found = []
    for finding in (*parsed.findings, *answer_findings, *disposition_findings):
        if finding.severity != "error" or finding.code == "input.format-version":
            continue  # the version is E003 (or E002 when missing), checked by validate itself
        found.append(
            ContractError(
                CONTRACT_CODES.get(finding.code, "E002"),
                tuple(parse_json_path(finding.json_path)),
                finding.message,
                finding.goal_id,
            )
        )
    return parsed, found


#: The codes that make ``validate`` refuse a goal file as input, as ``review`` does (exit 2):
#: the file cannot be read (E001), breaks the schema (E002), has another format version (E003),
#: a date that is no day (E004), a goal id twice (E005), or an error of E010-E017. The other
#: codes judge the goals (SMART rules) or the linter's own directives (E006-E009).
INPUT_CONTRACT_CODES: frozenset[str] = frozenset(
    {"E001", "E002", "E003", "E004", "E005", *(rule.code for rule in CONTRACT_RULES)}
)

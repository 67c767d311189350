"""The patient's copy: plain words, their own words first, what to do each week and when, who to
contact, the crisis lines, and a sign-off.

It shows no scores unless the clinic chooses to (:class:`DocumentSettings`), nothing a private
flag concerns, and no sentence that names a sensitive condition (R-SC20): every
text of the plan passes :class:`_Filter` before it is shown. The clinician's own checks (a
sub-step that starts "Before starting, the clinician ...") stay in the clinician's plan.
"""

from __future__ import annotations

import re
from typing import Any

from planengine._model import Plan
from planengine.plan._depression_measure import MEASURED_INSTRUMENT
from planengine.plan._next_steps import QUESTIONNAIRE_TODAY
from planengine.plan._perinatal_route import PERINATAL_ROUTE
from planengine.plan._safety_goals import CONFIRM_FOLLOW_UP_TITLE
from planengine.plan._safety_today import URGENT_CONTACT, met_later
from planengine.plan.stepped_care._order import SUICIDE_RISK
from planengine.render._blocks import (
    Block,
    Document,
    Item,
    ItemList,
    Paragraph,
    Section,
    Signatures,
    Table,
)
from planengine.render._clinician import is_clinician_task, step_titles
from planengine.render._patient_parts import (
    drinking_warning,
    held_key,
    help_section,
    later_section,
    monitoring_sections,
    risk_asked_today,
    safety_section,
    step_held_key,
    urgent_referral,
    waiting_on_copy,
    week_section,
)
from planengine.render._patient_words import (
    contact_rows,
    hidden,
    hidden_objective,
    measured_meanwhile,
    plain_objective,
    plain_phrases,
    plain_rule_step,
    plain_step,
    plain_title,
    questionnaire_topic,
    self_help_support,
)
from planengine.render._words import (
    DocumentSettings,
    clean,
    hosts_running,
    instrument_area,
    instrument_name,
    label,
    long_date,
    long_dates,
    one_line,
    patient_text,
    sensitive_pattern,
    sensitive_words,
)

__all__ = ["patient_document"]

_P = "patient"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(])")
_HOMEWORK = ("self-guided",)
#: the plan speaks of "the patient"; the patient's copy speaks to them
_YOU = {"the patient's": "your", "The patient's": "Your", "the patient": "you", "The patient": "You"}
_SECOND_PERSON = re.compile(r"\b[Tt]he patient(?:'s)?\b")
#: the follow-up contact after a safety plan, and the time frame its text may carry
_FOLLOW_UP_STEP = "safety-follow-up-contact"
_WITHIN = re.compile(r"\bwithin (?:\d+|one|two|three) (?:hours?|days?|working days?)\b")


class _Filter:
    """Keeps what the patient may read: drops every sentence that names a sensitive condition,
    and writes dates in words."""

    def __init__(self, settings: DocumentSettings, titles: dict[str, str]) -> None:
        self.pattern = sensitive_pattern(sensitive_words(settings.sensitive_conditions))
        self.titles = titles

    def allows(self, text: str) -> bool:
        """True when ``text`` names no sensitive condition."""
        return not self.pattern.search(text)

    def __call__(self, text: str) -> str:
        """``text`` cleaned of internals, without its sentences that name a sensitive condition
        (empty when none is left)."""
        sentences = _SENTENCE.split(plain_phrases(clean(text, self.titles)))
        kept = long_dates(" ".join(s for s in sentences if self.allows(s)))
        return _SECOND_PERSON.sub(lambda m: _YOU[m.group(0)], kept)


def _next_review(data: dict[str, Any]) -> str | None:
    """The earliest review date after the planning day, among the objectives of the problems
    with a step that starts now (a problem on active monitoring has its review now). A safety
    task checked each day until done (review every day) is the clinician's check, not a review
    with the patient: the follow-up contact has its own line (read 7: two promises)."""
    dates = sorted(
        o["review_date"]
        for p in data["problems"]
        if any(s["phase"] == "now" for s in p["interventions"])
        for o in p["objectives"]
        if o["review_date"] > data["as_of"] and o["review_interval_days"] > 1
    )
    return dates[0] if dates else None


def _follow_up(data: dict[str, Any]) -> str | None:
    """The follow-up contact after a safety plan, when the plan has one: its time frame from the
    step's own text ("within 72 hours"), otherwise before the next session."""
    step = next(
        (s for p in data["problems"] for s in p["interventions"] if s["id"] == _FOLLOW_UP_STEP), None
    )
    if step is None:
        return None
    if step["title"] == CONFIRM_FOLLOW_UP_TITLE:  # due before this visit: checked today (s30, 7)
        return patient_text("next_follow_up_confirm")
    due = next(  # the dated objective the step serves: a date the patient can hold on to
        (o["due_date"] for p in data["problems"] for o in p["objectives"] if o["id"] == _FOLLOW_UP_STEP),
        None,
    )
    frame = _WITHIN.search(one_line(step.get("description")))
    when = frame.group(0) if frame else patient_text("next_follow_up_default")
    if due is not None:
        when = patient_text("next_follow_up_by", date=long_date(due), within=when)
    condition = next(
        (o.get("condition") for p in data["problems"] for o in p["objectives"] if o["id"] == _FOLLOW_UP_STEP),
        None,
    )
    if met_later(condition):  # no date: a safety plan made later starts its own 72 hours (read 20, S5)
        return patient_text("next_follow_up_if_later")
    return patient_text("next_follow_up_if" if condition else "next_follow_up", when=when)


def _appointments(data: dict[str, Any]) -> Section:
    items = [Item(patient_text("next_today"))]
    if urgent_referral(data) is not None:  # clinician read 19, M1
        due = next(  # the dated check the plan makes (clinician read 20, S3: the same date)
            (o["due_date"] for p in data["problems"] for o in p["objectives"] if o["id"] == URGENT_CONTACT),
            None,
        )
        by = long_date(due) if due is not None else "________"
        items.append(Item(patient_text("next_urgent", date=by)))
    today = _questionnaires_today(data)
    if today is not None:
        items.append(today)
    follow_up = _follow_up(data)
    if follow_up is not None:
        items.append(Item(follow_up))
    review = _next_review(data)
    if review is not None:
        items.append(Item(patient_text("next_review", date=long_date(review))))
    return Section(patient_text("next_heading"), (ItemList(tuple(items)),), kind="appointments")


def _questionnaires_today(data: dict[str, Any]) -> Item | None:
    """The full questionnaires positive screens ask for, the PHQ-9 of a plan with no
    depression measure, and any other questionnaire a task at this visit gives (the ISI when
    none is on file), whatever the phase of their problem: one sentence under the appointments
    that names each (clinician read 9, S1; read 12, S3 and S4), or ``None``."""
    today = _tasks_at_this_visit(data)
    screened: dict[tuple[str | None, str], str] = {}
    for problem in data["problems"]:
        for step in problem["interventions"]:
            if not _gives_questionnaire_today(step, today):
                continue
            # named by the questionnaire the step gives, and about what that measures: a PHQ-9
            # given today is about mood, whichever problem lists it
            given = step.get("administers")
            area = (instrument_area(given) if given else None) or step["area"]
            screened[(given, area)] = problem["phase"]
    if not screened:
        return None
    # a problem a screen points to waits behind another: which comes first is agreed once the
    # questionnaires are scored (read 10, S1), not at a later review; not while a suicide-risk
    # flag puts depression first (read 12, S3): then what help fits is agreed
    waits = any(phase != "now" for phase in screened.values()) and not any(
        (problem.get("ordering") or {}).get("rule") == SUICIDE_RISK for problem in data["problems"]
    )
    order = list(_TOPIC_ORDER)  # mood first, then any other area
    about = [
        f"about {questionnaire_topic(area) or area}" + (f" ({instrument_name(name)})" if name else "")
        for name, area in sorted(screened, key=lambda s: order.index(s[1]) if s[1] in order else 99)
    ]
    count = len(about)
    return Item(patient_text(
        "questionnaires_today_order" if waits else "questionnaires_today",
        scored=_SCORED.get(count, "all the questionnaires are"),
        questionnaires="a short questionnaire" if count == 1
        else f"{_COUNT_WORDS.get(count, str(count))} short questionnaires",
        topics=" and ".join([", ".join(about[:-1]), about[-1]] if count > 1 else about),
    ))


def _tasks_at_this_visit(data: dict[str, Any]) -> set[str]:
    """The ids of the plan's tasks at this visit."""
    return {o["id"] for p in data["problems"] for o in p["objectives"] if o.get("at_this_visit")}


def _gives_questionnaire_today(step: dict[str, Any], today: set[str]) -> bool:
    """Whether ``step`` gives a questionnaire at this visit (said once, with the appointments):
    a rule's full questionnaire for a screen or the core's PHQ-9, or an assessment serving one
    of the tasks at this visit (``today``: their ids)."""
    if (step.get("provenance") or {}).get("source") in QUESTIONNAIRE_TODAY:
        return True
    return step["category"] == "assessment" and not today.isdisjoint(step.get("objectives", ()))


#: the order the questionnaires given today are named in
_TOPIC_ORDER = ("depression", "trauma", "anxiety")
_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
_SCORED = {1: "it is", 2: "both questionnaires are"}


def _sessions(data: dict[str, Any], keep: _Filter) -> Section | None:
    """The sessions and referrals that start now, with who and how often (the questionnaires
    given at this visit are said with the appointments)."""
    items: list[Item] = []
    # the perinatal route, said last whatever the phase of the problem listing it (read 11, S4)
    route = [
        Item(sentence)
        for sentence in dict.fromkeys(
            plain_rule_step(step)
            for problem in data["problems"]
            for step in problem["interventions"]
            if (step.get("provenance") or {}).get("source") == PERINATAL_ROUTE
            and step["phase"] == "now"
        )
        if sentence is not None and keep.allows(sentence)  # pregnancy may be kept off the copy
    ]
    running = hosts_running(data)
    today = _tasks_at_this_visit(data)
    # a course is not committed before today's risk questions decide the step (read 9, S4):
    # one line for it, and nothing said to be part of it
    undecided = (
        {s["id"] for p in data["problems"] for s in p["interventions"]
         if s.get("intensity") == "high" and s["delivery"] != "referral"}
        if risk_asked_today(data) else set()
    )
    for problem in data["problems"]:
        if problem["phase"] != "now" or problem["area"] == "safety":
            continue
        for step in problem["interventions"]:
            if step["phase"] != "now" or step["delivery"] in _HOMEWORK:
                continue
            if (step.get("phasing") or {}).get("rule") == "stepped-care.R-SC5":
                continue  # kept for a step up, not started now
            if not keep.allows(step["title"]) or hidden(step["id"]):
                continue
            if _gives_questionnaire_today(step, today) or (
                (step.get("provenance") or {}).get("source") == PERINATAL_ROUTE
            ):  # said once, above (clinician read 15, S2: not again under the sessions)
                continue
            if step["id"] in undecided:
                agreed_today = Item(patient_text("course_agreed_today"))
                if agreed_today not in items:
                    items.append(agreed_today)
                continue
            if undecided.intersection(step.get("in_sessions_of", ())):
                continue  # part of the course whose shape is agreed today
            sentence = plain_step(step["id"]) or plain_rule_step(step)
            if sentence is not None:  # a step the patient takes no part in: said in one sentence
                if Item(sentence) not in items:
                    items.append(Item(sentence))
                continue
            hosted_by = next((h for h in step.get("in_sessions_of", ()) if h in running), None)
            if hosted_by is not None:  # part of another session: not one more appointment
                host = running[hosted_by]
                if host.get("intensity") == "high" and self_help_support(step["title"]):
                    continue  # self-help's check-ins, inside a course: its sessions replace them (read 9, S4)
                start = (step.get("phasing") or {}).get("start_week")
                text = (
                    patient_text("in_area_talks", area=plain_title(host["title"]).lower())
                    if hosted_by.startswith("area:")
                    else patient_text("in_sessions_of", host=plain_title(host["title"]))
                )
                if start:
                    text += ", " + patient_text("from_week", week=start)
                items.append(Item(_held(step, text), lead=plain_title(step["title"]) + ":"))
                continue
            text = label(_P, "delivery", step["delivery"])
            when = _when(step)
            items.append(Item(_held(step, f"{text}{'; ' + when if when else ''}"), lead=plain_title(step["title"]) + ":"))
    items += route
    if not items:
        return None
    blocks: tuple[Block, ...] = (ItemList(tuple(items)),)
    return Section(patient_text("sessions_heading"), blocks, kind="sessions")


def _held(step: dict[str, Any], text: str) -> str:
    """A session's line, ending with what it waits for when it is held, as a held goal says it
    (clinician read 20, S1: a step held in the plan is never a settled session in the copy)."""
    if step["status"] != "held":
        return f"{text}."
    return f"{text} {patient_text(step_held_key(step, 'goal_held'))}"


def _when(step: dict[str, Any]) -> str:
    from planengine.render._words import dose

    amount = dose(step, _P)
    start = (step.get("phasing") or {}).get("start_week")
    return ", ".join(x for x in (amount, patient_text("from_week", week=start) if start else "") if x)


#: a statement's due date ("... by 2027-03-29"), dropped where the goal starts later: at the
#: end, or before a clause that follows it ("... by 18 January 2027; gentle muscle relaxation
#: is added ...": clinician read 18, S2(d), where only the date at the end was dropped)
_DUE = re.compile(r",? by (\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4})(?=[;,.]|$)")


def _goals(data: dict[str, Any], keep: _Filter, settings: DocumentSettings, *, private: bool) -> Section | None:
    items = []
    checks: dict[str, tuple[int, str]] = {}  # instrument -> (days, area)
    # the objectives whose step gives the PHQ-9 at this visit (the core's for a plan with no
    # depression measure, trauma's before trauma-focused therapy): repeated if it is given
    mood_today = {
        objective_id
        for problem in data["problems"]
        for step in problem["interventions"]
        if step.get("administers") == MEASURED_INSTRUMENT
        for objective_id in step.get("objectives", ())
    }

    def check(instrument: str, days: int, area: str) -> None:
        days = min(checks[instrument][0], days) if instrument in checks else days
        checks[instrument] = (days, checks[instrument][1] if instrument in checks else area)

    for problem in data["problems"]:
        if problem["area"] == "safety":
            continue
        for objective in problem["objectives"]:
            if problem["phase"] != "now" and (
                objective.get("phase") != "now" or not plain_objective(objective["id"])
            ):  # of a waiting problem, only a goal that starts now and is written for the patient
                continue
            if objective.get("at_this_visit") and objective["id"] in mood_today:
                # the PHQ-9 given today is repeated every recall window if it is given (read 11)
                check(MEASURED_INSTRUMENT, objective["review_interval_days"], "depression")
            instrument = objective["measure"].get("instrument")
            if instrument and not settings.patient_scores:
                # 0: at every contact while a suicide-risk flag is open (measured_each_contact)
                days = 0 if objective.get("measured_each_contact") else objective["review_interval_days"]
                check(instrument, days, problem["area"])
                continue
            if (
                is_clinician_task(objective)
                or hidden_objective(objective["id"])
                or not keep(objective["statement"])
            ):
                continue
            plain = plain_objective(objective["id"])
            if plain and not keep.allows(plain):
                continue  # its plain words name a sensitive condition ("heart team"): not said at all
            text = plain or keep(objective["statement"])
            if objective.get("held") or objective.get("phase", "now") != "now":
                # it starts later (its steps wait, or are held): no date the patient can hold on to
                held = held_key(data, "goal_held") if objective.get("held") else "goal_later"
                text = _DUE.sub("", text.rstrip(".")) + " " + patient_text(held)
            items.append(Item(text))
    # a problem that waits is still measured: its "Meanwhile" questionnaire (clinician read 10, S1)
    for problem in waiting_on_copy(data, keep.allows, private=private):
        measure = measured_meanwhile(problem)
        if measure is not None:
            check(*measure, problem["area"])
    blocks: list[Block] = []
    if items:
        blocks.append(ItemList(tuple(items)))
    blocks += _questionnaires(checks)
    if not blocks:
        return None
    return Section(patient_text("goals_plan_heading"), tuple(blocks), kind="goals")


def _questionnaires(checks: dict[str, tuple[int, str]]) -> list[Block]:
    """The questionnaires the patient fills in and how often (``checks``: instrument -> (days,
    area); 0 days: at every contact): one sentence, or a list when there are several."""
    lines = []
    for instrument, (days, area) in checks.items():
        topic = questionnaire_topic(area)
        about = f" {patient_text('questionnaire_about', topic=topic)}" if topic else ""
        lines.append((instrument_name(instrument), days, about))
    if len(lines) == 1:
        name, days, about = lines[0]
        key = "questionnaire_each_contact" if days == 0 else "questionnaire"
        return [Paragraph(patient_text(key, instrument=name, days=days, about=about))]
    items = tuple(
        Item(patient_text(
            "questionnaire_item_each_contact" if days == 0 else "questionnaire_item",
            instrument=name, days=days, about=about,
        ))
        for name, days, about in lines
    )  # fmt: skip
    return [Paragraph(patient_text("questionnaires_intro")), ItemList(items)] if items else []


def patient_document(plan: Plan, settings: DocumentSettings) -> Document:
    """The patient's copy as a :class:`Document` (see the module docstring)."""
    data = plan.to_dict()
    keep = _Filter(settings, step_titles(data))
    private = any(f["private"] for f in data["risk"]["flags"])
    safety = safety_section(data, keep)
    # every copy says where to get help directly under the patient's own words; with a flag,
    # keeping safe follows before anything else
    sections: list[Section | None] = [
        _words(data, keep, private=private),
        help_section(plan, flagged=safety is not None, private=private),
        safety,
        drinking_warning(data, keep.allows),
        _appointments(data),
    ]
    if urgent_referral(data) is not None:
        # waiting for the urgent service, the copy holds what keeps the person safe until then;
        # the routine plan is agreed once that service has seen them (clinician read 23, S3)
        sections.append(
            Section(patient_text("next_steps_heading"), (Paragraph(patient_text("next_steps_urgent")),))
        )
    else:
        sections += [
            _goals(data, keep, settings, private=private),
            week_section(data, keep, keep.allows),
            _sessions(data, keep),
            *monitoring_sections(data, keep.allows, private=private),
            later_section(data, keep.allows, private=private),
        ]
    # steps that start now, also those watching a condition in a problem that waits (the
    # bipolar early-warning plan while depression is on active monitoring)
    on_copy = {
        s["id"] for p in data["problems"] for s in p["interventions"] if s["phase"] == "now" and keep.allows(s["title"])
    }
    contacts = Table(
        (patient_text("contacts_clinician").rstrip(":"), patient_text("contacts_phone").rstrip(":")),
        (("", ""), *((row, "") for row in contact_rows(on_copy))),
    )
    sections.append(Section(patient_text("contacts_heading"), (contacts,), kind="contacts"))
    sign = Signatures(
        ("", patient_text("name_column"), patient_text("signature_column"), patient_text("date_column")),
        (patient_text("role_patient"), patient_text("role_clinician")),
    )
    sections.append(
        Section(patient_text("signoff_heading"), (Paragraph(patient_text("signoff_intro")), sign), kind="signatures")
    )
    patient = f" ({one_line(data['patient']['id'])})" if data.get("patient") else ""
    return Document(
        title=patient_text("title") + patient,
        audience="patient",
        subtitle=f"{long_date(data['as_of'])}. {patient_text('draft')}",
        sections=tuple(s for s in sections if s is not None),
    )


def _words(data: dict[str, Any], keep: _Filter, *, private: bool) -> Section | None:
    """The patient's own words; with a private flag, none (the copy may be found at home, and
    words such as "say no without being afraid" tell a partner that help is being sought: they
    stay in the clinician's plan)."""
    if private:
        return None
    # words that opened a risk flag ("stop wanting to kill myself") stay in the clinician's plan
    # and the record: a copy may be found at home (clinician read 7); the copy says so
    opened = {w for f in data["risk"]["flags"] for w in f["evidence"]}
    words = [g["text"] for g in data["patient_goals"] if keep.allows(g["text"]) and g["text"] not in opened]
    held_back = any(g["text"] in opened for g in data["patient_goals"])
    blocks: list[Block] = []
    if words:
        blocks += [Paragraph(patient_text("goals_intro")), ItemList(tuple(Item(f"“{one_line(w)}”") for w in words))]
    if held_back:
        blocks.append(Paragraph(patient_text("goals_kept_in_record")))
    if not blocks:
        return None
    return Section(patient_text("goals_heading"), tuple(blocks), kind="words")

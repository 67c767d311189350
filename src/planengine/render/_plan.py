"""Rendering a :class:`~planengine.Plan` for people and programs: JSON, Markdown and goal files.

Each renderer is a pure function ``Plan -> str``, chosen by name from :data:`RENDERER_BY_NAME`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from planengine._model import Plan
from planengine.plan._crisis import (
    CRISIS_HEADING,
    NO_ABUSE_RESOURCES_MESSAGE,
    NO_RESOURCES_MESSAGE,
    RULE_NO_ABUSE_RESOURCES,
    RULE_NO_RESOURCES,
    RULE_UNCONFIRMED,
    CrisisResources,
)

__all__ = ["RENDERER_BY_NAME", "crisis_block", "render_goals", "render_json", "render_markdown"]


def render_json(plan: Plan) -> str:
    """The plan as deterministic JSON (validates against ``plan.schema.json``)."""
    return plan.to_json()


def plan_to_goal_document(plan: Plan) -> dict[str, Any]:
    """The plan's objectives as a goal document (``goal.schema.json``), with the answers of the
    questionnaires that have a risk item and the patient's words that opened a flag, so that a
    review of the file sees the same risk signals as the plan."""
    goals: list[dict[str, Any]] = []
    findings = {f.id: f for f in plan.findings}
    # the file may be shared, and shows no words about abuse; its private flag is kept open by
    # x-private-flags below
    private_words = {text for flag in plan.risk_flags if flag.private for text in flag.evidence}
    words = " / ".join(
        text
        for flag in plan.risk_flags
        if flag.kind == "suicidal-language"
        for text in flag.evidence
        if text not in private_words
    )
    for problem in plan.problems:
        for objective in problem.objectives:
            data = objective.to_dict()
            addresses: list[str] = []
            for ref in objective.addresses:
                finding = findings.get(ref)
                if (
                    finding is not None
                    and finding.instrument
                    and finding.instrument not in addresses
                ):
                    addresses.append(finding.instrument)
                if ref not in addresses:
                    addresses.append(ref)
            goal: dict[str, Any] = {
                "id": data["id"],
                "area": data["area"],
                "statement": data["statement"],
            }
            if objective.patient_words and objective.patient_words not in private_words:
                goal["patient_words"] = objective.patient_words  # never words of abuse (R-SC20)
            elif objective.id == "safety-plan-completed" and words:
                goal["patient_words"] = words  # so that the review screens them again
            goal["addresses"] = addresses
            goal["measure"] = data["measure"]
            if objective.frequency:
                goal["frequency"] = dict(objective.frequency)
            goal["start_date"] = data["start_date"]
            goal["due_date"] = data["due_date"]
            goal["review_interval_days"] = data["review_interval_days"]
            if "gas" in data:
                goal["gas"] = data["gas"]
            if data.get("citations"):
                goal["x-citations"] = data["citations"]
            goal["x-provenance"] = data["provenance"]
            goals.append(goal)
    document: dict[str, Any] = {"planengine": 1}
    if plan.patient_id:
        document["patient"] = {"id": plan.patient_id}
    document["as_of"] = plan.as_of.isoformat()
    document["goals"] = goals
    if plan.risk_answers:  # the review reads the same risk items again (PHQ-9 item 9, ...)
        document["assessments"] = [dict(a) for a in plan.risk_answers]
    private = [f for f in plan.risk_flags if f.private]
    if private:  # kept open in the review, in neutral words (the file may be shared, R-SC20)
        document["x-private-flags"] = [
            {"id": f.id, "kind": "private-safety", "opened": plan.as_of.isoformat()}
            for f in private
        ]
    recorded = _dispositions(plan.risk_flags)
    if recorded:  # the review honours the same clinician's records as the plan did
        document["risk_dispositions"] = recorded
    return document


def _dispositions(flags: Any) -> list[dict[str, Any]]:
    """The clinicians' dispositions the plan read, as goal-file records (a private flag's under
    its neutral signal, ``private-safety``, as ``x-private-flags`` names it)."""
    out: list[dict[str, Any]] = []
    for flag in flags:
        if flag.disposition is None:
            continue
        record = {k: v for k, v in flag.disposition.to_dict().items() if k != "json_path"}
        if flag.private:
            record["signal"] = "private-safety"
        if record not in out:
            out.append(record)
    return out


def render_goals(plan: Plan) -> str:
    """The plan's objectives as a YAML goal file that ``planengine validate`` accepts."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    header = "# Goal file generated by planengine from a DRAFT plan; review with the patient before use.\n"
    return header + yaml.dump(
        plan_to_goal_document(plan), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100
    )


#: ``<`` that could open an HTML tag or comment (``<b``, ``</``, ``<!``, ``<?``); comparators
#: such as ``<= 4`` are left alone.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


#: A link reference definition (``[1]: http://...``) at a line start, also inside list items and
#: quotes: it would turn ``[text][1]`` anywhere in the document into a live link.
_LINK_DEFINITION = re.compile(r"^([ \t>*+\-\d.)]*)\[(?=[^\]\n]*\]:)", re.M)


def neutralise_markup(markdown: str) -> str:
    """Markdown with every would-be HTML tag written as text (``&lt;``), every link or image
    target escaped (``]\\(``) and every link reference definition escaped (``\\[1]:``), so
    that text from a file or a plugin (a patient's words, say) cannot inject markup or links
    where the Markdown is shown. The engine's own Markdown uses none of them."""
    text = _TAG_START.sub("&lt;", markdown).replace("](", "]\\(")
    return _LINK_DEFINITION.sub(r"\1\\[", text)


def _cell(value: Any) -> str:
    return _one_line(("" if value is None else str(value)).replace("|", "\\|"))


def _one_line(text: str) -> str:
    """Free text on one line: a line break in what a patient wrote (or a plugin) can never start
    a heading, a list or a section of its own in the document a clinician signs."""
    return " ".join(text.split())


def _frequency(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return f"{value.get('times', '?')}× per {value.get('per', '?')}"


def _days(count: int) -> str:
    return "day" if count == 1 else f"{count} days"


def _serving(problem: dict[str, Any], problems: list[dict[str, Any]]) -> str:
    """The titles of the other problems whose objectives address this problem's findings (an
    objective shared by two problems is listed once, under the first)."""
    evidence = set(problem["evidence"])
    titles = [
        other["title"]
        for other in problems
        if other is not problem
        and any(evidence.intersection(o.get("addresses", ())) for o in other["objectives"])
    ]
    return " and ".join(titles)


def crisis_block(
    crisis: CrisisResources | None, *, open_flag: bool, abuse_flag: bool = False
) -> list[str]:
    """The patient-facing crisis block (Markdown lines): the clinic's crisis lines, or, with an
    open flag and none configured, a loud line saying so (never another country's number).
    With documented intimate-partner violence, the domestic-abuse services follow, marked for
    the clinician to give privately (they never go on a copy the patient takes home). Empty when
    there is neither a flag nor a resource."""
    resources = crisis.for_crisis if crisis is not None else ()
    if not resources and not open_flag:
        return []
    lines = [f"### {CRISIS_HEADING}", ""]
    if not resources:
        lines += [f"> **{NO_RESOURCES_MESSAGE}** (`{RULE_NO_RESOURCES}`)", ""]
    else:
        lines += ["Contact one of these:", ""]
        lines += [_resource_line(resource) for resource in resources]
        lines.append("")
    if abuse_flag:
        abuse = crisis.for_abuse if crisis is not None else ()
        lines += [
            "For the clinician to give privately, in the one-to-one safety assessment (never on a "
            "copy the patient takes home):",
            "",
        ]
        if abuse:
            lines += [_resource_line(resource) for resource in abuse]
        else:
            lines.append(f"> **{NO_ABUSE_RESOURCES_MESSAGE}** (`{RULE_NO_ABUSE_RESOURCES}`)")
        lines.append("")
    return lines


def _resource_line(resource: Any) -> str:
    line = f"- {resource.patient_line()}"
    if not resource.confirmed:
        line += f" *(For the clinician: not confirmed, check it first; see `{RULE_UNCONFIRMED}`.)*"
    return line


def _heading_severity(
    problem: dict[str, Any], evidence: dict[str, dict[str, Any]], scores: dict[str, dict[str, Any]]
) -> str:
    """The problem heading's severity: the band of its severity finding (even when a screen from
    another instrument, such as a PHQ-2 beside the PHQ-9, ranks first), or, when that instrument
    has unanswered items and no total, the totals still possible instead of a band."""
    findings = [evidence[ref] for ref in problem["evidence"] if ref in evidence]
    graded = [f for f in findings if f["kind"] == "severity" and f["severity"]]
    if not graded:
        return f" ({problem['severity']})" if problem["severity"] else ""
    # the finding that gave the problem its severity, else the first graded one
    top = next((f for f in graded if f["severity"] == problem["severity"]), graded[0])
    row = scores.get(top["instrument"] or "")
    if row is not None and row["total"] is None and row.get("total_range"):
        low, high = row["total_range"]
        missing = row["missing_items"]
        items = f"item {missing[0]}" if len(missing) == 1 else "items " + ", ".join(map(str, missing))
        return f" ({row['instrument']} total {low} to {high}: {items} unanswered)"
    return f" ({top['severity']})"


_PHASE_TITLES = {"now": "Now", "next": "Next", "later": "Later (monitor)"}


def _phasing_text(phasing: dict[str, Any] | None) -> str:
    """A phasing record in words: why, when it starts, what is watched meanwhile."""
    if not phasing:
        return ""
    text = _one_line(phasing["reason"])
    if phasing.get("entry"):
        text += f" {_one_line(phasing['entry'])}"
    if phasing.get("review"):
        text += f" Meanwhile: {_one_line(phasing['review'])}."
    return text


def _glance(data: dict[str, Any], add: Any) -> None:
    """The order of the problems, their phases and why, and what each phase asks each week."""
    add("## The plan at a glance")
    add("")
    add("| # | Problem | Phase | Why here |")
    add("|---|---|---|---|")
    for number, problem in enumerate(data["problems"], start=1):
        ordering = problem.get("ordering") or {}
        primary = " (treated first)" if ordering.get("primary") else ""
        add(
            f"| {number} | {_cell(problem['title'])}{primary} | "
            f"{_PHASE_TITLES[problem['phase']]} | {_cell(ordering.get('reason', ''))} |"
        )
    add("")
    burden = data.get("burden")
    if burden:
        limits = burden["limits"]
        courses = limits["max_courses_now"]
        add(
            f"Limits: {courses} course{'s' if courses != 1 else ''} of therapy at a time (a course "
            f"for insomnia may run beside it); self-help for at most "
            f"{limits['max_self_guided_modules']} problems at once; up to "
            f"{limits['homework_minutes_per_week']} minutes of self-help a week."
        )
        add("")
        add("| Phase | Courses | Clinician contacts a week | Self-help minutes in its busiest week |")
        add("|---|---|---|---|")
        for phase, title in _PHASE_TITLES.items():
            load = burden[phase]
            add(
                f"| {title} | {load['courses']} | {load['clinician_contacts_per_week']:g} | "
                f"{load['homework_minutes_per_week']} |"
            )
        add("")
        add(
            "Next and later list what may start, each when its criterion is met: their courses "
            "and contacts do not all run at once."
        )
        add("")


def _options(choice: dict[str, Any], add: Any) -> None:
    """A problem's treatment options, the one followed marked, with the reason."""
    how = "chosen" if choice["chosen_by"] == "input" else "the default"
    add(f"**Options** (the plan follows {how}, marked ✔): {_one_line(choice['reason'])}")
    add("")
    for option in choice["options"]:
        mark = "✔ " if option["id"] == choice["chosen"] else ""
        sessions = f"; {option['sessions']}" if option["sessions"] else ""
        add(
            f"- {mark}**{_one_line(option['title'])}** (`{option['id']}`, {option['delivery']}"
            f"{sessions}; self-help {option['homework_minutes_per_week']} min a week): "
            f"{_one_line(option['involves'])}"
        )
    add("")


def render_markdown(plan: Plan) -> str:
    """A plan a clinician can read: risk first, then each problem with goals and steps."""
    data = plan.to_dict()
    out: list[str] = []
    add = out.append
    patient = f" for {_one_line(data['patient']['id'])}" if data.get("patient") else ""
    add(f"# Treatment plan{patient} — DRAFT")
    add("")
    add(f"> **Status: draft.** {data['sign_off']['note']}")
    add("")
    add(f"Prepared as of {data['as_of']} by planengine {data['generated_by']['version']}.")
    add("")
    add("## Risk")
    add("")
    add(_one_line(data["risk"]["statement"]))
    add("")
    for flag in data["risk"]["flags"]:
        # priority orders the queue; no low/medium/high label of risk is shown (R-SC22)
        kind = flag["kind"].replace("-", " ")
        add(f"- **{flag['id']}** ({kind}, priority {flag['rank']}): {_one_line(flag['message'])}")
    if data["risk"]["flags"]:
        add("")
    out.extend(
        crisis_block(
            plan.crisis,
            open_flag=bool(data["risk"]["flags"]),
            abuse_flag=any(f["private"] for f in data["risk"]["flags"]),
        )
    )
    if data["scores"]:
        add("## Scores")
        add("")
        add("| Instrument | Date | Total | Band | Notes |")
        add("|---|---|---|---|---|")
        for row in data["scores"]:
            notes = []
            if not row["complete"]:
                notes.append("missing items " + ", ".join(str(i) for i in row["missing_items"]))
            notes.extend(f"{k} {v}" for k, v in row["derived"].items())
            notes.extend(row["cutoffs_met"])
            if row.get("stale"):
                notes.append("stale: measure again before relying on it")
            total = "—" if row["total"] is None else row["total"]
            if row["total"] is None and row.get("total_range"):
                total = "— ({} to {})".format(*row["total_range"])
            if row.get("prorated"):
                total = f"{total} (prorated)"
            add(
                f"| {row['instrument']} | {row['date']} | {total} | {_cell(row['band'])} | {_cell('; '.join(notes))} |"
            )
        add("")
    if data["patient_goals"]:
        add("## In the patient's words")
        add("")
        for goal in data["patient_goals"]:
            linked = ", ".join(goal["linked_areas"]) or "not linked to a problem: see the notices"
            add(f"- “{_one_line(goal['text'])}” ({linked})")
        add("")
    if not data["problems"]:
        add("## Problems")
        add("")
        nothing = [n for n in data["notices"] if n["code"] == "plan.nothing-above-threshold"]
        add(
            nothing[0]["message"]
            if nothing
            else "No problems are listed; see the notices for why. No goals were generated."
        )
        add("")
    if data["problems"]:
        _glance(data, add)
    evidence = {f["id"]: f for f in data["findings"]}
    latest = {row["instrument"]: row for row in data["scores"]}
    choices = {c["problem"]: c for c in data["choices"]}
    for number, problem in enumerate(data["problems"], start=1):
        severity = _heading_severity(problem, evidence, latest)
        add(f"## {number}. {problem['title']}{severity}")
        add("")
        add(f"- **{_PHASE_TITLES[problem['phase']]}.** {_phasing_text(problem.get('phasing'))}")
        for ref in problem["evidence"]:
            finding = evidence.get(ref)
            if finding:
                add(f"- Evidence: {_one_line(finding['summary'])}")
        for words in problem["patient_words"]:
            add(f"- Patient's words: “{_one_line(words)}”")
        if problem["long_term_goal"]:
            add(f"- **Long-term goal:** {_one_line(problem['long_term_goal'])}")
        add("")
        if not problem["objectives"] and not problem["interventions"]:
            serving = _serving(problem, data["problems"])
            if serving:
                add(
                    f"Its objectives and steps are the same as those under {serving}, and are "
                    "listed there once."
                )
                add("")
        if problem["objectives"]:
            add("**Objectives**")
            add("")
            for objective in problem["objectives"]:
                measure = objective["measure"]
                what = measure.get("instrument") or measure.get("metric")
                target = measure["target"]
                baseline = measure["baseline"]
                start = (
                    f"baseline {baseline['pending']}, by {baseline['by']}"
                    if baseline.get("pending")
                    else baseline["value"]
                )
                add(
                    f"- {_one_line(objective['statement'])}  \n"
                    f"  Measure: {what}, {start} → {target['comparator']} "
                    f"{target['value']} {measure['unit']}; due {objective['due_date']}, "
                    f"review every {_days(objective['review_interval_days'])} (first {objective['review_date']})."
                )
                for note in objective.get("notes", ()):
                    add(f"  *{_one_line(note)}*")
            add("")
        if problem["interventions"]:
            add("**Steps**")
            add("")
            add("| # | Step | Who | How often | When | Status |")
            add("|---|---|---|---|---|---|")
            for step in problem["interventions"]:
                how = _frequency(step.get("frequency"))
                if step.get("duration_minutes"):
                    how += f", {step['duration_minutes']} min"
                if step.get("course_weeks"):
                    weeks = step["course_weeks"]
                    how += f", {weeks} week{'s' if weeks != 1 else ''}"
                phasing = step.get("phasing", {})
                # a step up is a course kept for non-response, not monitoring or a queue
                when = "Step up" if phasing.get("rule") == "stepped-care.R-SC5" else (
                    _PHASE_TITLES[step["phase"]]
                )
                if phasing.get("start_week"):
                    when += f", from week {phasing['start_week']}"
                if step["phase"] != "now" and phasing.get("entry"):
                    when += f": {phasing['entry']}"
                add(
                    f"| {step['order']} | **{_cell(step['title'])}**: {_cell(step['description'])} | "
                    f"{step['delivery']} | {_cell(how.strip(', '))} | {_cell(when)} | "
                    f"{step['status']} |"
                )
            add("")
            for step in problem["interventions"]:  # safety details live in the sub-steps
                if step.get("steps"):
                    parts = "; ".join(
                        f"({n}) {_one_line(part)}" for n, part in enumerate(step["steps"], start=1)
                    )
                    add(f"- {_one_line(step['title'])}, step by step: {parts}")
            for step in problem["interventions"]:
                for note in step.get("notes", []):
                    add(f"- {_one_line(step['title'])}: {_one_line(note)}")
            add("")
        if problem["id"] in choices:
            _options(choices[problem["id"]], add)
    if data["excluded"]:
        add("## Left out, and why")
        add("")
        for item in data["excluded"]:
            add(
                f"- **{_one_line(item['title'])}** ({item['id']}): {_one_line(item['reason'])} "
                f"[{item['rule']}]"
            )
        add("")
    if data["notices"]:
        add("## Notes on how this plan was made")
        add("")
        for notice in data["notices"]:
            add(f"- `{notice['code']}` {_one_line(notice['message'])}")
        add("")
    add("## Provenance")
    add("")
    add(f"- Input SHA-256: `{data['generated_by']['input_sha256']}`")
    for plugin in data["generated_by"]["plugins"]:
        add(f"- {plugin['kind']} {plugin['name']} {plugin['version']}")
    add("")
    add("## Sign-off")
    add("")
    add("| Role | Name | Signature | Date |")
    add("|---|---|---|---|")
    add("| Clinician |  |  |  |")
    add("| Patient |  |  |  |")
    add("")
    return neutralise_markup("\n".join(out))


RENDERER_BY_NAME: dict[str, Callable[[Plan], str]] = {
    "json": render_json,
    "markdown": render_markdown,
    "goals": render_goals,
}

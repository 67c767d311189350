"""The engine's input, :class:`Assessment` (with its :class:`Response` and :class:`Context`), and
turning an assessment file (or parsed mapping) into one, validated.

Every problem is an :class:`~planengine.InputError` naming the file, the line where known, the
JSON path and what is allowed, on one line. Unknown areas and conditions are errors, never ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from planengine._errors import DocumentSchemaError, InputError
from planengine._read_only import read_only
from planengine._values import parse_date
from planengine.io._disposition import Disposition, read_dispositions
from planengine.io._json_path import format_json_path

__all__ = ["Assessment", "Context", "Response", "assessment_from_mapping", "load_assessment"]

FORMAT_VERSION = 1
_TOP_KEYS = frozenset({"planengine", "kind", "patient", "responses", "context", "risk_dispositions"})
_CONTEXT_KEYS = frozenset({"concerns", "conditions", "patient_goals", "sex"})
_PATIENT_KEYS = frozenset({"id"})
_RESPONSE_KEYS = frozenset({"instrument", "date", "answers"})
_SEXES = ("female", "male")



Answers = tuple["int | None", ...] | Mapping[str, "int | None"]


def _wrong_type(path: str, wanted: str, value: Any) -> None:
    """Raise the input error for a value of the wrong type in an assessment built in code."""
    shown = repr(value) if len(repr(value)) <= 60 else f"{type(value).__name__}"
    raise InputError(f"must be {wanted}, not {shown}", path=path)


@attrs.frozen
class Response:
    """One completed (or partly completed) questionnaire.

    :ivar instrument: instrument id, e.g. ``"phq9"``.
    :ivar date: the day it was answered.
    :ivar answers: item values in item order (``None`` = unanswered), or a mapping item id -> value.
    :ivar index: its position in the assessment's ``responses`` list (used in error paths).
    """

    instrument: str
    date: dt.date
    #: read-only (a tuple, or a read-only mapping): no plugin can change what was answered
    answers: Answers = attrs.field(converter=read_only)
    index: int = 0

    def __attrs_post_init__(self) -> None:
        where = f"$.responses[{self.index}]"
        if not isinstance(self.instrument, str):
            _wrong_type(f"{where}.instrument", "an instrument id string", self.instrument)
        if isinstance(self.answers, (str, bytes)) or not isinstance(
            self.answers, (list, tuple, Mapping)
        ):
            _wrong_type(f"{where}.answers", "a list in item order or a mapping", self.answers)
        if isinstance(self.index, bool) or not isinstance(self.index, int):
            _wrong_type(f"{where}.index", "a whole number", self.index)


@attrs.frozen
class Context:
    """What the clinician adds: concerns, documented conditions and the patient's own words."""

    concerns: tuple[str, ...] = attrs.field(default=(), converter=read_only)
    conditions: tuple[str, ...] = attrs.field(default=(), converter=read_only)
    patient_goals: tuple[str, ...] = attrs.field(default=(), converter=read_only)
    sex: str | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("concerns", "conditions", "patient_goals"):
            value = getattr(self, name)
            # a bare string would be read letter by letter
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                _wrong_type(f"$.context.{name}", "a list of strings", value)
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    _wrong_type(f"$.context.{name}[{index}]", "a string", item)
        if self.sex not in (None, "female", "male"):
            _wrong_type("$.context.sex", "'female', 'male' or None", self.sex)


@attrs.frozen
class Assessment:
    """The engine's input: questionnaire responses plus the clinician's context.

    Build one with :func:`planengine.load_assessment` (from a file) or
    :meth:`planengine.Assessment.from_mapping` (from parsed YAML/JSON); both validate.
    """

    responses: tuple[Response, ...] = ()
    context: Context = Context()
    patient_id: str | None = None
    source: str | None = None
    #: clinicians' dispositions of earlier risk flags (:mod:`planengine.io._disposition`)
    dispositions: tuple[Disposition, ...] = ()

    def __attrs_post_init__(self) -> None:
        if isinstance(self.responses, (str, bytes)) or not isinstance(
            self.responses, (list, tuple)
        ):
            _wrong_type("$.responses", "a list of Response", self.responses)
        for index, response in enumerate(self.responses):
            if not isinstance(response, Response):
                _wrong_type(f"$.responses[{index}]", "a Response", response)
        if not isinstance(self.context, Context):
            _wrong_type("$.context", "a Context", self.context)
        if self.patient_id is not None and not isinstance(self.patient_id, str):
            _wrong_type("$.patient.id", "a string (or None)", self.patient_id)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str | None = None) -> Assessment:
        """Validate a parsed assessment document (the mapping an assessment file holds, as
        ``schemas/assessment.schema.json`` describes it) and build the model, with the checks
        :func:`planengine.load_assessment` makes::

            Assessment.from_mapping({
                "planengine": 1,
                "responses": [{"instrument": "phq9", "date": "2026-11-20",
                               "answers": [2, 1, 2, 2, 1, 2, 1, 1, 0]}],
                "context": {"concerns": ["sleep"], "patient_goals": ["Sleep through"]},
            })

        Only built-in instruments, areas and conditions are accepted here;
        :func:`planengine.load_assessment` also accepts those the installed plugins register,
        as ``planengine plan`` does.

        :param file: the name messages give the data (default none).
        :raises planengine.InputError: with file, path and the allowed values, on bad input.
        """
        return assessment_from_mapping(data, file=file)

    def normalised(
        self, answers: Sequence[Sequence[int | None]] | None = None
    ) -> dict[str, Any]:
        """A canonical, JSON-ready form used for the input hash (order of lists kept).

        :param answers: each response's answers in item order (``None`` = unanswered), as the
            engine read them, so that the same answers given as a list or as a mapping (with
            keys ``"3"``, ``"item3"`` or ``3``) normalise alike. Without it, a mapping is kept
            as a mapping with sorted keys.
        """
        if answers is None:
            answers = [
                dict(sorted(r.answers.items())) if isinstance(r.answers, Mapping) else r.answers  # type: ignore[misc]
                for r in self.responses
            ]
        recorded = {"risk_dispositions": [d.to_dict() for d in self.dispositions]}
        return ({} if not self.dispositions else recorded) | {
            "planengine": 1,
            "patient": {"id": self.patient_id} if self.patient_id else None,
            "responses": [
                {
                    "instrument": r.instrument,
                    "date": r.date.isoformat(),
                    "answers": dict(given) if isinstance(given, Mapping) else list(given),
                }
                for r, given in zip(self.responses, answers, strict=True)
            ],
            "context": {
                "concerns": list(self.context.concerns),
                "conditions": list(self.context.conditions),
                "patient_goals": list(self.context.patient_goals),
                "sex": self.context.sex,
            },
        }


class _Checker:
    """Raises located errors; ``document`` (when given) supplies line numbers."""

    def __init__(self, file: str | None, document: Any = None) -> None:
        self.file = file
        self.document = document

    def reject(self, parts: Sequence[str | int], message: str) -> None:
        """Raise the error for a disposition record that cannot be used."""
        raise self.fail(parts, message)

    def fail(self, parts: Sequence[str | int], message: str) -> InputError:
        line = column = None
        if self.document is not None:
            where = self.document.locate(list(parts))
            if where is not None:
                line, column = where
        return DocumentSchemaError(
            message, file=self.file, line=line, column=column, path=format_json_path(parts)
        )

    def keys(
        self, value: Mapping[str, Any], allowed: frozenset[str], parts: list[str | int]
    ) -> None:
        for key in value:
            if not isinstance(key, str) or (key not in allowed and not key.startswith("x-")):
                known = ", ".join(sorted(allowed))
                raise self.fail(
                    [*parts, str(key)], f"unknown field {key!r}; allowed: {known} (or x-*)"
                )

    def string_list(
        self, value: Any, parts: list[str | int], vocabulary: Mapping[str, Any] | None
    ) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(parts, "must be a list of strings")
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail([*parts, index], "must be a non-empty string")
            if vocabulary is not None and item not in vocabulary:
                known = ", ".join(sorted(vocabulary))
                raise self.fail([*parts, index], f"unknown id {item!r}; known: {known}")
            out.append(item.strip())
        return tuple(out)


def _parse_date(value: Any, check: _Checker, parts: list[str | int]) -> dt.date:
    date = parse_date(value)
    if date is None:
        raise check.fail(parts, f"must be a date as YYYY-MM-DD, got {value!r}")
    return date


def assessment_from_mapping(
    data: Any,
    *,
    file: str | None = None,
    document: Any = None,
    instruments: Mapping[str, Any] | None = None,
    vocabulary: Any = None,
) -> Assessment:
    """Validate parsed assessment data and build an :class:`Assessment`.

    :param data: the parsed document (mapping).
    :param file: file name for messages.
    :param document: a loaded :class:`planengine.io._document.Document`, to add line numbers.
    :param instruments: the instruments that may appear (default: the built-in ones; pass
        ``engine.instruments`` to accept plugin instruments too).
    :param vocabulary: the area and condition ids that may appear (default: the built-in ones;
        pass ``engine.vocabulary`` to accept those plugins register too).
    :raises InputError: on the first problem found.
    """
    # Long: the top level of an assessment document read key by key, in the schema's order, each
    # with its own error naming the path; the parts that repeat (a response, the context) are
    # functions of their own.
    from planengine._vocabulary import load_vocabulary
    from planengine.instruments._data_files import load_builtin_instruments

    check = _Checker(file, document)
    if not isinstance(data, Mapping):
        raise check.fail([], "an assessment must be a mapping with 'planengine' and 'responses'")
    check.keys(data, _TOP_KEYS, [])
    version = data.get("planengine")
    if "planengine" not in data:
        raise check.fail(
            [],
            f"the format version is missing: add 'planengine: {FORMAT_VERSION}' at the top "
            "(every assessment file starts with it)",
        )
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise check.fail(
            ["planengine"],
            f"unsupported format version {version!r}; this engine reads version {FORMAT_VERSION}",
        )
    kind = data.get("kind", "assessment")
    if kind != "assessment":
        raise check.fail(["kind"], f"expected kind 'assessment', got {kind!r}")
    if vocabulary is None:
        vocabulary = load_vocabulary()

    patient_id = None
    if "patient" in data:
        patient = data["patient"]
        if not isinstance(patient, Mapping):
            raise check.fail(["patient"], "must be a mapping such as {id: P-001}")
        check.keys(patient, _PATIENT_KEYS, ["patient"])
        raw_id = patient.get("id", "")
        if type(raw_id) is float and raw_id.is_integer():  # 7.0 is the integer 7 in JSON Schema
            raw_id = int(raw_id)
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
            raise check.fail(["patient", "id"], "must be a string (or a whole number)")
        patient_id = str(raw_id) or None

    raw_responses = data.get("responses", [])
    if not isinstance(raw_responses, list):
        raise check.fail(["responses"], "must be a list of questionnaire responses")
    if instruments is None:
        instruments = load_builtin_instruments()
    responses: list[Response] = []
    for index, raw in enumerate(raw_responses):
        parts: list[str | int] = ["responses", index]
        if not isinstance(raw, Mapping):
            raise check.fail(
                parts, "each response must be a mapping with instrument, date, answers"
            )
        check.keys(raw, _RESPONSE_KEYS, parts)
        for key in ("instrument", "date", "answers"):
            if key not in raw:
                raise check.fail(parts, f"missing required field {key!r}")
        instrument = raw["instrument"]
        if not isinstance(instrument, str):
            raise check.fail([*parts, "instrument"], "must be an instrument id string")
        if instrument not in instruments:
            known = ", ".join(sorted(instruments))
            raise check.fail(
                [*parts, "instrument"], f"unknown instrument {instrument!r}; known: {known}"
            )
        date = _parse_date(raw["date"], check, [*parts, "date"])
        answers = raw["answers"]
        if isinstance(answers, list):
            answers_value: Any = tuple(answers)
        elif isinstance(answers, Mapping):
            answers_value = {str(k): v for k, v in answers.items()}
        else:
            raise check.fail(
                [*parts, "answers"], "must be a list in item order or a mapping item -> value"
            )
        responses.append(
            Response(instrument=instrument, date=date, answers=answers_value, index=index)
        )

    raw_context = data.get("context", {})
    if not isinstance(raw_context, Mapping):
        raise check.fail(["context"], "must be a mapping")
    check.keys(raw_context, _CONTEXT_KEYS, ["context"])
    sex = raw_context.get("sex")
    if sex is not None and sex not in _SEXES:
        raise check.fail(["context", "sex"], f"must be one of {', '.join(_SEXES)} or absent")
    context = Context(
        concerns=check.string_list(
            raw_context.get("concerns", []), ["context", "concerns"], vocabulary.areas
        ),
        conditions=check.string_list(
            raw_context.get("conditions", []), ["context", "conditions"], vocabulary.conditions
        ),
        patient_goals=check.string_list(
            raw_context.get("patient_goals", []), ["context", "patient_goals"], None
        ),
        sex=sex,
    )
    assessment = Assessment(
        responses=tuple(responses),
        context=context,
        patient_id=patient_id,
        source=file,
        dispositions=tuple(
            read_dispositions(
                data.get("risk_dispositions"),
                check.reject,
                locate=None if check.document is None else check.document.locate,
            )
        ),
    )
    _check_answers(assessment, instruments, check)
    return assessment


def _check_answers(assessment: Assessment, instruments: Mapping[str, Any], check: _Checker) -> None:
    """Score once to surface bad answers with their exact path (wrong length, out of range)."""
    from planengine.instruments._scoring import score_response

    for response in assessment.responses:
        base: list[str | int] = ["responses", response.index, "answers"]
        try:
            score_response(
                instruments[response.instrument],
                response.answers,
                sex=assessment.context.sex,
                path=format_json_path(base),
                file=check.file,
            )
        except InputError as error:
            if error.line is None and check.document is not None and error.path:
                located = _locate_path(check.document, error.path)
                if located is not None:
                    line, column = located
                    error.location = attrs.evolve(error.location, line=line, column=column)
            raise


def _locate_path(document: Any, path: str) -> tuple[int, int] | None:
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    result: tuple[int, int] | None = document.locate(parts)
    return result


def load_assessment(
    path: str | os.PathLike[str],
    *,
    instruments: Mapping[str, Any] | None = None,
    vocabulary: Any = None,
) -> Assessment:
    """Read and validate an assessment file (YAML or JSON).

    :param instruments: the instruments that may appear (default: the built-in ones; pass
        ``engine.instruments`` to accept instruments that plugins registered).
    :param vocabulary: the areas and conditions that may appear (default: the built-in ones;
        pass ``engine.vocabulary`` to accept those plugins registered).
    :raises planengine.InputError: (or a subclass) naming the file, line and path of the problem.
    """
    from planengine.io._loader import load_document

    document = load_document(path)
    return assessment_from_mapping(
        document.data,
        file=document.path,
        document=document,
        instruments=instruments,
        vocabulary=vocabulary,
    )

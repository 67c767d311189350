"""Reading a goal statement: tokens and lemmas, the main clause, negation, comparators, coordinated
behaviours, timeframes, counts and absolute targets.

The statement rules (S101, S102, A304, A305, M201/M208, T501/T507) ask :func:`analyse` what a
statement says; the word lists are data (``data/statement-patterns.yaml``, each with its rationale,
source and examples). Lemmas come from lemminflect's table (:mod:`._statement_words`), read on the
first statement, so that a run selecting no statement rule never loads it.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

import attrs

from planengine.smart._statement_measures import absolutes, done_task, quitting
from planengine.smart._statement_measures import quantity as statement_quantity
from planengine.smart._statement_phrases import (
    concrete_head,
    coordinated_between,
    counted_means,
    named_examples,
    names_a_purpose,
    negated_state,
    negations,
    no_events,
    one_act,
    to_number,
)
from planengine.smart._statement_time import timeframe as statement_timeframe
from planengine.smart._statement_words import (
    CLAUSE_BREAK,
    Token,
    is_base_verb,
    is_number_token,
    lemma,
    patterns,
    readings,
    tokens_of,
)
from planengine.smart._statement_words import (
    find as find_spans,
)
from planengine.smart._statement_words import (
    lemmas as lemma_words,
)
from planengine.smart._statement_words import (
    lists as pattern_lists,
)
from planengine.smart._statement_words import (
    number as parse_number,
)
from planengine.smart._statement_words import (
    surface as surface_words,
)

__all__ = ["Statement", "analyse", "lemma", "patterns"]

_SUBJECTS = frozenset({"i", "client", "patient", "participant", "participants", "you", "we",
                       "he", "she", "they", "the"})  # fmt: skip
_MODALS = frozenset({"will", "shall", "would", "can", "could", "should", "want", "wants", "aim",
                     "plan", "going", "'ll", "ll", "must"})  # fmt: skip
#: Modals that are one only before "to" ("plan to", "want to"; not "a sleep plan").
_TO_MODALS = frozenset({"want", "wants", "aim", "plan", "going"})
#: Verbs whose "to" starts their complement, not a purpose: "continue to build", "want to feel".
_TO_COMPLEMENT = frozenset({"want", "how", "able", "try", "need", "aim", "plan", "going", "like", "way",
                            "ways", "continue", "begin", "start", "strive", "seek", "decide", "agree",
                            "remember", "attempt", "commit", "work"})  # fmt: skip


@attrs.frozen
class Statement:
    """What a statement says, as the statement rules read it.

    :ivar vague: vague wording in the main clause, as written ("lower my anxiety").
    :ivar anchored: the statement names a real metric and a target (a rating or an instrument with
        a number, a count moving "from 5 to 2"); a percentage of an abstract noun is not one.
    :ivar behaviours: the coordinated behaviours of one sentence, or of several sentences.
    :ivar absolutes: absolute or perfectionist wording ("100%", "free of outbursts").
    :ivar timeframe: the statement's deadline or span as written ("within 12 weeks"), and
        ``timeframe_days`` when it is a number of days, weeks or months.
    :ivar quantity: a count, frequency, rating or clock time as written ("3 times per week").
    :ivar done_task: the verb of a discrete task that is done or not done ("complete").
    :ivar negated_behaviour: a behaviour the goal asks to stop ("not drink", "without yelling").
    :ivar change: ``(from, to, weeks)`` when the statement asks for a numeric change in a time.
    """

    text: str
    vague: tuple[str, ...] = ()
    anchored: bool = False
    behaviours: tuple[str, ...] = ()
    absolutes: tuple[str, ...] = ()
    timeframe: str | None = None
    timeframe_days: int | None = None
    quantity: str | None = None
    done_task: str | None = None
    negated_behaviour: str | None = None
    change: tuple[float, float, float] | None = None

    @property
    def measurable(self) -> bool:
        """Whether the statement can be counted or checked as it stands."""
        return bool(self.quantity or self.done_task or self.negated_behaviour or self.anchored)


def _main_verb(tokens: Sequence[Token], begin: int) -> int:
    """Index of the main verb: after a subject and a modal ("Client will reduce"), or the first word
    of an imperative or infinitive ("Reduce ...", "To fall asleep ...")."""
    words = surface_words(tokens)
    index = begin
    if index < len(words) and words[index] == "to":
        return index + 1
    for position in range(begin, min(len(words), begin + 6)):
        if words[position : position + 3] in (["are", "able", "to"], ["is", "able", "to"], ["am", "able", "to"]):
            return position + 3  # "Clients are able to identify ..."
        if words[position] in _TO_MODALS and words[position + 1 : position + 2] != ["to"]:
            continue  # "form a sleep plan": a noun, not "plan to"
        if words[position] in _MODALS or words[position].endswith("'ll"):
            index = position + 1
            while index < len(words) and words[index] in ("to", "be", "able", "not", "try"):
                if words[index] == "be" and index + 1 < len(words) and words[index + 1] != "able":
                    return index
                index += 1
            return index
    return begin


def _main_clause(tokens: Sequence[Token]) -> tuple[int, int]:
    """``(begin, end)`` token span of the main clause: a leading "When ..., " clause skipped, cut
    at the first purpose, means, relative or subordinate marker after the main verb."""
    lists = pattern_lists()
    words = lemma_words(tokens)
    surface = surface_words(tokens)
    begin = 0
    comma = next((i for i, w in enumerate(surface) if w == ","), None)
    if surface and surface[0] in ("when", "whenever", "if", "while", "after", "before", "once",
                                  "within", "by", "over", "during", "given"):  # fmt: skip
        if comma is not None:
            begin = comma + 1
    elif surface[:1] == ["to"] and comma is not None and surface[comma + 1 : comma + 2] and (
        surface[comma + 1] in _SUBJECTS
    ):
        begin = comma + 1  # "To enhance my sleep quality, I will limit ...": the purpose comes first
    verb = _main_verb(tokens, begin)
    end = len(tokens)
    for start, _stop in find_spans(words, lists["purpose"], verb + 1):
        previous = surface[start - 1] if start > 0 else ""
        # "want to feel", "learn how to", "ways to manage": the "to" completes the verb or noun
        if surface[start] == "to" and previous in _TO_COMPLEMENT:
            continue
        end = min(end, start)
        break
    return begin, end


def _vague(tokens: Sequence[Token], begin: int, end: int) -> list[str]:
    lists = pattern_lists()
    words = lemma_words(tokens)
    surface = surface_words(tokens)
    found: list[str] = []
    masked: set[int] = set()
    for start, stop in find_spans(words, lists["comparators"], begin, end) + find_spans(
        surface, lists["comparators"], begin, end
    ):
        masked.update(range(start, stop))
    verb = _main_verb(tokens, begin)
    counted = next(
        (i for i in range(verb, min(end, verb + 3)) if is_number_token(tokens[i])), None
    )
    stated_frequency = any(
        token.lemma in lists["frequency"] or token.lower in ("times", "per", "every", "each")
        for token in tokens
    )
    if verb < end and tokens[verb].lemma in lists["unobservable_verbs"]:
        counted = None  # "learn five triggers": a count of what nobody sees learnt pins nothing
    for start, stop in find_spans(words, lists["vague"], begin, end) + find_spans(
        surface, lists["vague"], begin, end
    ):
        if masked.intersection(range(start, stop)) or names_a_purpose(surface, start):
            continue
        if words[start] == "understand" and lists["saying_verbs"].intersection(words[max(begin, start - 3) : start]):
            continue  # "verbalize an understanding of the components of anxiety": what is said
        if surface[start:stop] == ["try", "to"] and stop == verb and any(
            is_number_token(token) for token in tokens[verb:end]
        ):
            continue  # "should try to cut back to five cigarettes": a hedge on a counted behaviour
        if counted is not None and start > counted and not coordinated_between(surface, counted, start):
            continue  # "learn two ways of coping with stress": the count pins the object down
        if (surface[start] in ("more", "less") or surface[start] in lists["comparatives"]) and stop < len(surface) and (
            surface[stop] == "than" or is_number_token(tokens[stop])
        ):
            continue
        if words[start] in lists["frequency_adverbs"] and stated_frequency:
            continue  # "exercise regularly, 3 times a week": the frequency is stated
        if surface[start] in lists["comparatives"] and named_examples(surface, stop, end):
            continue  # "healthier options such as exercising or talking to a friend"
        found.append(_quote_span(tokens, start, stop))
    for start, stop in find_spans(words, lists["change_verbs"], begin, end):
        if names_a_purpose(surface, start):
            continue  # "techniques for controlling anxiety": what the techniques are for
        obj = _object(tokens, stop, end)
        if obj is None:
            continue
        head, numbered, last = obj
        numbered = numbered and words[start] not in lists["unobservable_verbs"]
        if head in lists["measure_nouns"] and last > 0 and _abstract(tokens[last - 1]):
            head = tokens[last - 1].lemma  # "my anxiety level": the anxiety is measured
        elif head in lists["measure_nouns"]:
            # "the frequency of the anxiety" is as vague as the anxiety; "the frequency of negative
            # self-statements" names a count (with no target: M201's, not vague)
            measured = _measured_object(tokens, last + 1, end)
            if measured is None:
                continue
            head, last = measured
        if head not in lists["abstract"] or numbered or counted_means(tokens, last + 1, end):
            continue
        if named_examples(surface, last + 1, end):
            continue  # "a daily communication ritual, such as sharing highs and lows over dinner"
        if concrete_head(tokens, last + 1, end) or to_number(tokens, last + 1, end):
            continue  # "reduce my anxiety attacks", "reduce drinking to 2 drinks a day"
        if _relative_target(tokens, stop, last, end):
            continue  # "reduce the amount of tobacco used by 50%": a share of a counted behaviour
        found.append(_quote_span(tokens, start, last + 1))
    found.extend(_clinician_action(tokens, verb, end))
    found.extend(_feelings(tokens, begin, end))
    return list(dict.fromkeys(found))


def _measured_object(tokens: Sequence[Token], index: int, end: int) -> tuple[str, int] | None:
    """After a measure noun ("frequency", "amount"), the abstract head of what it measures ("of
    the anxiety") and its index, or a judged measure joined to it ("the frequency and intensity
    of"); ``None`` when it counts something countable ("the frequency of panic attacks")."""
    lists = pattern_lists()
    position = index
    while position < end and (tokens[position].lower in (",", "and", "or") or _abstract(tokens[position])):
        if _abstract(tokens[position]) and tokens[position].lemma not in lists["measure_nouns"]:
            return tokens[position].lemma, position  # "intensity": a judgement, not a count
        position += 1
    if position >= end or tokens[position].lower != "of":
        return None
    found = _object(tokens, position + 1, end)
    if found is None or found[0] in lists["measure_nouns"]:
        return None
    return found[0], found[2]


def _clinician_action(tokens: Sequence[Token], verb: int, end: int) -> list[str]:
    """A main verb naming what the clinician does ("Help the client express emotions",
    "Facilitate reintegration into daily activities"): no behaviour of the person's."""
    if verb < end and tokens[verb].lemma in pattern_lists()["clinician_verbs"]:
        return [_quote_span(tokens, verb, min(end, verb + 3))]
    return []


def _relative_target(tokens: Sequence[Token], start: int, last: int, end: int) -> bool:
    """Whether a change's object names a behaviour counted in amounts and is followed by "by" and
    a number or a share ("reduce the amount of tobacco used by 50%"): a relative target."""
    behaviours = pattern_lists()["counted_behaviours"]
    if not any(token.lemma in behaviours or token.lower in behaviours for token in tokens[start : last + 1]):
        return False
    surface = surface_words(tokens)
    return any(
        surface[position] == "by" and is_number_token(tokens[position + 1])
        for position in range(last + 1, min(end, last + 4) - 1)
    )


def _quote_span(tokens: Sequence[Token], start: int, stop: int) -> str:
    """The words of a span as written, one space apart."""
    return " ".join(token.text for token in tokens[start:stop])


def _object(tokens: Sequence[Token], index: int, end: int) -> tuple[str, bool, int] | None:
    """The head lemma of the noun phrase after a verb (within four words), whether a number counts
    it, and the head's index."""
    lists = pattern_lists()
    counted = False
    for position in range(index, min(end, index + 5)):
        token = tokens[position]
        if token.lower in CLAUSE_BREAK:
            return None
        if is_number_token(token):
            counted = True
            continue
        if _abstract(token):
            # "negative thinking", "coping skills": the last abstract word of the phrase is the head
            last = position
            while last + 1 < end and _abstract(tokens[last + 1]):
                last += 1
            return tokens[last].lemma if tokens[last].lemma in lists["abstract"] else tokens[last].lower, counted, last
    return None


def _abstract(token: Token) -> bool:
    """An abstract noun of the list; a verb form ending in -ing only as written ("drinking",
    "coping"), so that "using a machine" is not "use"."""
    words = pattern_lists()["abstract"]
    if token.lower.endswith("ing"):
        return token.lower in words
    return token.lemma in words or token.lower in words


def _feelings(tokens: Sequence[Token], begin: int, end: int) -> list[str]:
    lists = pattern_lists()
    surface = surface_words(tokens)
    found = []
    for index in range(begin, end):
        if tokens[index].lemma not in lists["linking"] and surface[index] not in ("feeling", "getting", "being"):
            continue
        # "be" only as a linking verb to a feeling: "be less anxious", not "be able to"
        position = index + 1
        while position < end and (
            surface[position] in ("more", "less", "so", "too", "very", "any", "at", "all", "calmer")
            or _adverb(surface[position])
        ):
            if surface[position] == "calmer":
                break
            position += 1
        if position < end and surface[position] in lists["feelings"]:
            if surface[index] in ("be", "being") and surface[position] in ("able",):
                continue
            if tokens[index].lemma == "get" and surface[position] in ("down", "low"):
                continue  # "get down to", "get low" are not feelings here
            found.append(" ".join(t.text for t in tokens[index : position + 1]))
    return found


def _adverb(word: str) -> bool:
    """A word ending in -ly that reads as an adverb and not as a verb ("perfectly", "consistently";
    not "apply", "reply")."""
    if not word.endswith("ly"):
        return False
    found = readings(word)
    return "ADV" in found and "VERB" not in found


def _coordinated(tokens: Sequence[Token], text: str) -> list[str]:
    """Behaviours joined after one subject: sentences, then segments split on commas, "and", "or"
    and semicolons that open with a base-form verb and carry a complement."""
    lists = pattern_lists()
    tokens = _without_asides(tokens)
    surface = surface_words(tokens)
    behaviours: list[tuple[str, str]] = []
    sentence_start = 0
    for index in range(len(tokens) + 1):
        if index < len(tokens) and not (surface[index] in (".", ";", "!", "?") and index > sentence_start):
            continue
        sentence = tokens[sentence_start:index]
        sentence_start = index + 1
        if not sentence:
            continue
        begin, end = _main_clause(sentence)
        verb = _main_verb(sentence, begin)
        end = _means_clause(sentence, verb, end)
        segments: list[list[Token]] = [[]]
        sequenced: set[int] = set()  # segments after "then": the next step of one exercise
        for position in range(verb, end):
            token = sentence[position]
            if token.lower in (",", "and", "then") or (token.lower == "also" and not segments[-1]):
                if segments[-1]:
                    segments.append([])
                if token.lower == "then":
                    sequenced.add(len(segments) - 1)
                continue
            segments[-1].append(token)
        sentence_behaviours: list[tuple[str, str]] = []
        participles = _participle_list(segments)
        for number, segment in enumerate(segments):
            if not segment or (number > 0 and number in sequenced):
                continue
            while len(segment) > 1 and _adverb(segment[0].lower) and segment[0].lower != "only":
                segment = segment[1:]  # "consistently go to bed": the verb is "go"
            head = segment[0]
            base = is_base_verb(head.lower) and head.lower not in ("be", "have", "am", "pm")
            if number == 0 and verb < len(sentence) and segment[0] is sentence[verb]:
                base = base or head.lower in ("be", "have")
            elif not base and number not in participles:
                continue
            if number > 0 and len(segment) < 2 and head.lower not in ("relax",):
                continue  # a lone verb shares the next one's object: "recognize and plan for"
            if number > 0 and _noun_compound(sentence, segment):
                continue  # "a daily mood and sleep chart": "sleep" is a noun here
            words = " ".join(token.text for token in segment)
            sentence_behaviours.append((head.lemma, words))
        # "recognize and plan for ...": a first verb with nothing after it shares the second's object
        if len(sentence_behaviours) >= 2 and len(segments[0]) == 1:
            sentence_behaviours = sentence_behaviours[1:]
        behaviours.extend(one_act(sentence_behaviours))
    verbs = [verb for verb, _ in behaviours]
    for first, second in itertools.pairwise(verbs):
        if (first, second) in lists["pairs"] and len(verbs) == 2:
            return [words for _, words in behaviours[:1]]
    return [words for _, words in behaviours]


def _means_clause(sentence: Sequence[Token], verb: int, end: int) -> int:
    """Where a means clause starts ("attend 30 AA meetings ... by attending my home group on
    Mondays, group B on Tuesdays"): how the behaviour is done, not a further behaviour."""
    for position in range(verb + 1, end - 1):
        if sentence[position].lower == "by" and _participle(sentence[position + 1].lower):
            return position
    return end


def _participle_list(segments: Sequence[Sequence[Token]]) -> set[int]:
    """The segments after the first that open with a participle ("take medication as prescribed,
    keeping follow-up appointments and reporting side effects"), when there are two or more: a
    list of further behaviours. One participle alone is a detail of the first ("walk for 20
    minutes, listening to music")."""
    found = {
        number
        for number, segment in enumerate(segments)
        if number > 0 and len(segment) > 1 and _participle(segment[0].lower)
        # "..., improving initiation skills from 0/10 to 8/10": the outcome, not a behaviour
        and segment[0].lemma not in pattern_lists()["change_verb_words"]
    }
    return found if len(found) >= 2 else set()


def _participle(word: str) -> bool:
    """A verb's -ing form ("keeping", "reporting"; not "evening" or "something")."""
    if not word.endswith("ing"):
        return False
    verbs = readings(word).get("VERB", ())
    return bool(verbs) and word not in verbs


#: Abbreviations whose full stop ends no sentence ("e.g.", "ex.", "etc.").
_ABBREVIATIONS = frozenset({"e", "g", "i", "ex", "eg", "ie", "etc", "vs", "approx", "dr", "mr", "mrs", "ms"})


def _without_asides(tokens: Sequence[Token]) -> list[Token]:
    """The tokens without words in round brackets (examples or details of one behaviour:
    "(e.g., deep breathing, taking a break)"), square brackets themselves ("[Student Name]") and
    the full stops of abbreviations."""
    kept: list[Token] = []
    depth = 0
    for token in tokens:
        if token.lower == "(":
            depth += 1
        elif token.lower == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and token.lower not in ("[", "]"):
            if token.lower == "." and kept and kept[-1].lower in _ABBREVIATIONS:
                continue
            kept.append(token)
    return kept


def _noun_compound(sentence: Sequence[Token], segment: Sequence[Token]) -> bool:
    """Whether a segment after a bare "and" reads as the second noun of a noun phrase ("mood and
    sleep chart"): its head and the next word both have a noun reading."""
    position = next(i for i, token in enumerate(sentence) if token is segment[0])
    if position == 0 or sentence[position - 1].lower != "and":
        return False
    if position > 1 and sentence[position - 2].lower == ",":
        return False
    head, following = segment[0].lower, segment[1].lower if len(segment) > 1 else ""
    return "NOUN" in readings(head) and following[:1].isalpha() and "NOUN" in readings(
        following
    ) and following not in ("it", "them", "up", "down", "back", "out", "off")


def _anchored(tokens: Sequence[Token], text: str) -> bool:
    """A real metric with a target in the statement: an instrument or a rating with a number, or
    a count that moves between two numbers ("from five to two times a week")."""
    lists = pattern_lists()
    surface = surface_words(tokens)
    named = any(word in lists["instruments"] for word in surface) or bool(
        find_spans(surface, lists["instrument_names"])
    )
    if named and any(is_number_token(t) for t in tokens):
        return True
    if any(re.fullmatch(r"\d+/\d+", word) for word in surface):
        return True
    if "out" in surface and "of" in surface and sum(is_number_token(t) for t in tokens) >= 2:
        return True
    if "by" in surface:
        for _start, stop in find_spans(surface, _MEASURED_BY):
            if any(is_number_token(t) for t in tokens[stop:]):
                return True  # "as measured by ... at least one alternative method": a stated count
    return _from_to(tokens) is not None


#: A clause naming how the goal is measured; with a number in it, it is the goal's criterion.
_MEASURED_BY = (("measured", "by"), ("evidenced", "by"))


#: Words naming the starting level of a change: "from an average of 3", "from a baseline of 8".
_LEVEL_WORDS = frozenset({"a", "an", "the", "average", "baseline", "mean", "score", "of"})


def _from_to(tokens: Sequence[Token]) -> tuple[float, float] | None:
    surface = surface_words(tokens)
    for index, word in enumerate(surface):
        if word == "from" and index + 3 < len(tokens):
            start = index + 1
            # "from an average of 3 instances per day to 1": the starting level, named
            while start < min(len(surface), index + 4) and surface[start] in _LEVEL_WORDS:
                start += 1
            first = parse_number(surface[start]) if start < len(surface) else None
            reach = 11 if start > index + 1 else 6  # "from a score of 3 on the <scale's name> to ..."
            try:
                to = surface.index("to", start + 1, start + reach)
            except ValueError:
                continue
            target = to + 1
            while target < min(len(surface), to + 4) and surface[target] in _LEVEL_WORDS:
                target += 1  # "to a score of 5"
            second = parse_number(surface[target]) if target < len(surface) else None
            if first is not None and second is not None and surface[start] not in ("a", "an"):
                return first, second
    return None


@functools.lru_cache(maxsize=4096)
def analyse(text: str) -> Statement:
    """What ``text`` says (cached: the same statement is read once per process)."""
    tokens = tokens_of(text)
    if not tokens:
        return Statement(text)
    begin, end = _main_clause(tokens)
    vague = _vague(tokens, begin, end)
    timeframe, days = statement_timeframe(tokens, text)
    surface = surface_words(tokens)
    negated = None
    lists = pattern_lists()
    for start, scope in negations(tokens, begin, end):
        inside = tokens[start + 1 : scope]
        feeling = [t for t in inside if t.lower in lists["feelings"]]
        linked = any(t.lemma in lists["linking"] or t.lower in ("getting", "feeling", "being") for t in inside[:3])
        # "I'm not so awkward", "is not anxious": a state after a linking verb, no behaviour to count
        # ("be free of outbursts" is a count of zero, as "without yelling" is)
        state = surface[start] == "not" and start > 0 and (
            tokens[start - 1].lemma in lists["linking"] or surface[start - 1].endswith(("'m", "'re"))
        )
        if (feeling and (linked or state)) or (surface[start] in ("free", "without") and negated_state(inside)):
            vague.append(" ".join(t.text for t in tokens[start:scope]))
        elif inside and surface[start] in lists["zero_triggers"] and not state:
            # "never", "free of", "no longer": a count of zero. "Not" and "without" ask to avoid
            # something from now on ("will not drink on weekdays", "without yelling"): a standing
            # habit, whose adherence needs a stated criterion (the corpus README's M rule)
            negated = " ".join(t.text for t in tokens[start:scope])
    if negated is None:
        negated = quitting(tokens, _main_verb(tokens, begin), end)
    if negated is None and "no" in surface:
        negated = no_events(tokens, begin, end)
    change = None
    pair = _from_to(tokens)
    if pair is not None and days:
        change = (pair[0], pair[1], days / 7)
    return Statement(
        text=text,
        vague=tuple(dict.fromkeys(vague)),
        anchored=_anchored(tokens, text),
        behaviours=tuple(_coordinated(tokens, text)),
        absolutes=tuple(absolutes(tokens, begin, end)),
        timeframe=timeframe,
        timeframe_days=days,
        quantity=statement_quantity(tokens, text),
        done_task=done_task(tokens, _main_verb(tokens, begin), end),
        negated_behaviour=negated,
        change=change,
    )

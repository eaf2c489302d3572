"""Spans of text that simplification must leave exactly as written.

Safety rule 1: numbers with their units, dates, times, doses, drug names, lab
names and negation cues survive unchanged.  We find them first; a glossary
match that overlaps one is dropped, and no sentence is split inside one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .glossary import load_drug_names, load_glossary, trie_regex
from .language_rules import rules_for

_UNITS = r"""
    mg|mcg|µg|ug|g|kg|gm|lb|lbs|oz|ml|mL|cc|l|L|dl|dL|mmHg|mm\s?Hg|cm|mm|m|in|inch|inches|ft
    |units?|IU|mEq|meq|mmol|mol|°\s?[FC]|F|C|bpm|hours?|hrs?|h|minutes?|mins?|min|seconds?|sec
    |days?|d|weeks?|wks?|months?|mos?|years?|yrs?|y|o'clock|French|Fr|gauge|G|cc's
    |horas?|días?|semanas?|meses|mes|años?|latidos|lpm|rpm
"""
# A "number token" is any run of non-spaces holding a digit (5, 7.2%, 120/80,
# 01/02/2024, 4-0, #3, q.4h., C5-C6, A1c, O2, x3), with the unit word after it
# ("5 mg", "120/80 mmHg", "2 x 3 cm") and a "per" unit ("mg/kg").  Trailing
# sentence punctuation is left outside so sentences still end there.
_NUMBER_TOKEN = re.compile(
    r"""
    (?<![^\s(\[])(?![(\[])(?=[^\s]*\d)                     # at the start of a token holding a digit
    [^\s]*?                                        # the token
    (?:\s*(?:x|×|-|–|to|a)\s*[^\s]*\d[^\s]*?)*       # 2 x 3, 5 to 10, 5 a 10
    (?:\s*(?:%s)(?:/(?:kg|day|d|hr|h|min|L|dL|mL|m2))?(?![\w]))?   # unit
    (?=[.,;:!?)\]]*(?:\s|$))                        # stop before trailing punctuation
    """ % _UNITS,
    re.VERBOSE,
)

_DIGIT = re.compile(r"\d")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    "|noviembre|diciembre"
)
_DATE_WORDS = re.compile(
    r"(?<!\w)(?:(?:%s)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+de\s+(?:%s)(?:\s+de\s+\d{4})?)(?!\w)"
    % (_MONTHS, _MONTHS),
    re.IGNORECASE,
)

# What every date above holds: a letter (a month's last), maybe ".", space, digit -
# or digit, space, "de", space.  Far cheaper to look for than the month names.
_DATE_HINT = re.compile(r"[^\W\d_]\.?\s+\d|\d\s+de\s", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str   # number, date, drug, lab, negation
    text: str


class Protected:
    """Sorted, merged protected spans of one text, with fast overlap tests."""

    def __init__(self, spans: list[Span]):
        spans = sorted(spans, key=lambda s: (s.start, -s.end))
        self.spans = spans
        self._starts = [s.start for s in spans]
        self._max_end: list[int] = []
        furthest = -1
        for span in spans:
            furthest = max(furthest, span.end)
            self._max_end.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1   # last span starting before `end`
        return i >= 0 and self._max_end[i] > start

    def contains(self, position: int) -> bool:
        """True when `position` falls strictly inside a protected span."""
        i = bisect_right(self._starts, position - 1) - 1
        return i >= 0 and self._max_end[i] > position

    def of_kind(self, kind: str) -> list[Span]:
        return [s for s in self.spans if s.kind == kind]


@lru_cache(maxsize=None)
def _named_things(lang: str):
    """Drug names, lab names and negation cues in ONE trie regex (one scan, not three)."""
    glossary = load_glossary(lang)
    kinds: dict[str, str] = {}
    for cue in rules_for(lang).negations:
        kinds[cue] = "negation"
    for lab in _names(glossary.lab_re):
        kinds.setdefault(lab, "lab")
    for drug in load_drug_names():
        kinds[drug.lower()] = "drug"            # a drug that is also a lab ("albumin") is a drug
    return trie_regex(kinds, ignore_case=True), kinds


def _names(pattern) -> list[str]:
    return list(getattr(pattern, "phrases", ()))


_CONTRACTED_NOT = re.compile(r"(?<!\w)\w+n't(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4096)   # the splitter asks about the same sentence many times
def find_protected(text: str, lang: str) -> Protected:
    spans: list[Span] = []
    if _DIGIT.search(text):                  # numbers and dates all hold a digit
        for pattern, kind in ((_NUMBER_TOKEN, "number"), (_DATE_WORDS, "date")):
            if kind == "date" and not _DATE_HINT.search(text):
                continue
            spans.extend(Span(m.start(), m.end(), kind, m.group())
                         for m in pattern.finditer(text) if m.end() > m.start())
    pattern, kinds = _named_things(lang)
    for m in pattern.finditer(text):
        phrase = m.group()
        spans.append(Span(m.start(), m.end(), kinds.get(" ".join(phrase.lower().split()), "drug"), phrase))
    if lang == "en" and "n't" in text:
        spans.extend(Span(m.start(), m.end(), "negation", m.group()) for m in _CONTRACTED_NOT.finditer(text))
    return Protected(spans)

"""simplify(): reword, split and define, sentence by sentence, safely.

For every sentence of the note:

1. find the protected spans (numbers+units, dates, drugs, labs, negations);
2. find glossary matches (abbreviations, jargon) that touch no protected span
   and fit their context (e.g. "bilateral" before a noun -> "left and right");
3. rewrite, then split the result if it is long (see sentences.py);
4. keep the rewrite only if its grade is not above the original sentence's
   grade and it made no new fragment; otherwise try the pieces (replacements
   one by one, or the split alone) and keep the best, or the original.

Steps 1-4 are repeated on the sentence's new text until nothing changes, so
simplify(simplify(x).text).text == simplify(x).text.  Finally, should the whole
note score higher than before (grades do not add up exactly), the original
note is returned unchanged.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import NamedTuple

from .glossary import ONLY_BEFORE_NOUN, Entry, Glossary, load_glossary
from .language_rules import rules_for
from .protect import Protected, find_protected
from .readability import check_lang, quick_readability
from .sentences import MIN_PIECE_WORDS, sentence_spans, split_long_sentence, word_count

MAX_PASSES = 6


class Replacement(NamedTuple):
    original: str
    replacement: str
    kind: str           # "abbreviation", "jargon" or "split"


class Definition(NamedTuple):
    term: str
    definition: str


class Segment(NamedTuple):
    original: str       # one sentence of the input
    simplified: str     # what it became (may be several sentences)


@dataclass(frozen=True)
class Simplified:
    text: str
    replacements: tuple[Replacement, ...]
    definitions: tuple[Definition, ...]
    grade_before: float
    grade_after: float
    segments: tuple[Segment, ...]
    lang: str = "en"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["replacements"] = [list(r) for r in self.replacements]
        data["definitions"] = [list(d) for d in self.definitions]
        data["segments"] = [list(s) for s in self.segments]
        return data


# --------------------------------------------------------------------------- finding replacements

class _Candidate(NamedTuple):
    start: int
    end: int
    original: str
    plain: str | None   # None: a fixed name that only blocks shorter matches
    kind: str
    entry: Entry


_NON_LETTER = re.compile(r"[^A-Za-zÀ-ÿ]")
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")   # "an MRI", "an x-ray", "an LMP"


def _before_noun(sentence: str, end: int, lang: str) -> bool:
    """Is the matched word followed by a noun-like word ("bilateral hernias")?"""
    m = _NEXT_WORD.match(sentence, end)
    if not m:
        return False
    word = m.group(1).lower()
    rules = rules_for(lang)
    return not (word in rules.function_words or word.endswith("ly") or word in rules.negations)


@lru_cache(maxsize=None)
def _context_re(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _abbreviation_entry(rows: tuple[Entry, ...], sentence: str, start: int, end: int,
                        lang: str) -> Entry | None:
    """The first row whose context rule fits (rows are in file order)."""
    for entry in rows:
        when = entry.when
        if when.startswith("prev:") and not _context_re(when[5:] + r"\Z").search(sentence, 0, start):
            continue
        if when.startswith("next:") and not _context_re(when[5:]).match(sentence, end):
            continue
        if when == "not-before-noun" and _before_noun(sentence, end, lang):
            return None
        return entry
    return None


def _find_candidates(sentence: str, lang: str, glossary: Glossary,
                     protected: Protected) -> list[_Candidate]:
    found: list[_Candidate] = []
    if glossary.abbreviation_re is not None:
        for m in glossary.abbreviation_re.finditer(sentence):
            if protected.overlaps(m.start(), m.end()):
                continue
            entry = _abbreviation_entry(glossary.abbreviation_rows(m.group()), sentence,
                                        m.start(), m.end(), lang)
            if entry is not None:
                plain = None if entry.keeps else entry.plain
                found.append(_Candidate(m.start(), m.end(), m.group(), plain, "abbreviation", entry))
    if glossary.jargon_re is not None:
        for m in glossary.jargon_re.finditer(sentence):
            if protected.overlaps(m.start(), m.end()):
                continue
            entry = glossary.jargon_entry(m.group())
            if entry is None:
                continue
            plain: str | None = None
            if not entry.keeps:
                plain = entry.plain
                if _before_noun(sentence, m.end(), lang) and entry.before_noun:
                    plain = entry.before_noun
                if plain == ONLY_BEFORE_NOUN:
                    continue
            found.append(_Candidate(m.start(), m.end(), m.group(), plain, "jargon", entry))
    # Longest match wins where abbreviations and jargon overlap; fixed names block.
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[_Candidate] = []
    for cand in found:
        if chosen and cand.start < chosen[-1].end:
            continue
        chosen.append(cand)
    return [c for c in chosen if c.plain is not None]


# --------------------------------------------------------------------------- applying them

def _match_case(cand: _Candidate, sentence: str) -> str:
    plain = cand.plain or ""
    letters = _NON_LETTER.sub("", cand.original)
    sentence_letters = _NON_LETTER.sub("", sentence)
    if cand.kind == "jargon" and len(letters) > 1 and letters.isupper():
        return plain.upper()
    if cand.kind == "abbreviation" and len(sentence_letters) > 3 and sentence_letters.isupper():
        return plain.upper()                     # an ALL-CAPS heading stays all caps
    at_start = not re.search(r"\w", sentence[: cand.start])
    if (cand.kind == "jargon" and cand.original[:1].isupper()) or at_start:
        return plain[:1].upper() + plain[1:]
    return plain


def _english_article(word: str) -> str:
    if re.match(r"[A-Z]{2,5}\b", word):                     # initialism: "an MRI", "a CT"
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(("one", "uni", "use", "usu", "ur", "ut", "eu")):
        return "a"
    if lower.startswith(("hour", "honest", "x-")):
        return "an"
    return "an" if lower[:1] in "aeiou" else "a"


_ES_ARTICLES = {
    "el": "def", "la": "def", "los": "def", "las": "def",
    "un": "indef", "una": "indef", "unos": "indef", "unas": "indef",
}
_ES_FORMS = {
    "def": {"m": "el", "f": "la", "mp": "los", "fp": "las"},
    "indef": {"m": "un", "f": "una", "mp": "unos", "fp": "unas"},
}


def _fix_article(sentence: str, cand: _Candidate, text: str, lang: str) -> tuple[int, str]:
    """Agree the article in front of a replacement: "an incision" -> "a cut"."""
    before = sentence[: cand.start]
    if lang == "en":
        m = re.search(r"(?<!\w)(an?)(\s+)\Z", before, re.IGNORECASE)
        if not m:
            return cand.start, text
        article = _english_article(text.split()[0]) if text.split() else m.group(1)
        if article == m.group(1).lower():
            return cand.start, text
        if m.group(1)[0].isupper():
            article = article.capitalize()
        return m.start(), article + m.group(2) + text
    gender = cand.entry.gender
    if lang != "es" or not gender:
        return cand.start, text
    m = re.search(r"(?<!\w)(?:(de|a)\s+)?(el|la|los|las|un|una|unos|unas|del|al)(\s+)\Z",
                  before, re.IGNORECASE)
    if not m:
        return cand.start, text
    prep, article, space = m.group(1), m.group(2), m.group(3)
    lower = article.lower()
    if lower in ("del", "al"):
        prep, lower = ("de" if lower == "del" else "a"), "el"
    new = _ES_FORMS[_ES_ARTICLES[lower]][gender]
    if prep and new == "el":
        phrase = "del" if prep.lower() == "de" else "al"
    elif prep:
        phrase = f"{prep} {new}"
    else:
        phrase = new
    original_phrase = before[m.start():m.end() - len(space)]
    if phrase.lower() == " ".join(original_phrase.lower().split()):
        return cand.start, text
    if original_phrase[:1].isupper():
        phrase = phrase.capitalize()
    return m.start(), phrase + space + text


def _apply(sentence: str, candidates: list[_Candidate], lang: str) -> tuple[str, list[Replacement]]:
    out: list[str] = []
    replacements: list[Replacement] = []
    position = 0
    sentence_end = len(sentence.rstrip())
    for cand in candidates:
        text = _match_case(cand, sentence)
        if cand.original.endswith(".") and cand.end >= sentence_end:
            text += "."                              # "... b.i.d." ended the sentence
        start, text = _fix_article(sentence, cand, text, lang)
        start = max(start, position)
        out.append(sentence[position:start])
        out.append(text)
        position = cand.end
        replacements.append(Replacement(cand.original, cand.plain or "", cand.kind))
    out.append(sentence[position:])
    return "".join(out), replacements


# --------------------------------------------------------------------------- one sentence

def _no_new_fragments(original: str, new: str, lang: str) -> bool:
    if word_count(original) < MIN_PIECE_WORDS:
        return True
    return all(word_count(new[s:e]) >= MIN_PIECE_WORDS for s, e in sentence_spans(new, lang))


def _split(text: str, lang: str) -> tuple[str, list[Replacement]]:
    pieces = split_long_sentence(text, lang)
    if len(pieces) == 1:
        return text, []
    return " ".join(pieces), [Replacement(text, " | ".join(pieces), "split")]


def _simplify_sentence(sentence: str, lang: str) -> tuple[str, list[Replacement]]:
    """One pass over one sentence.  Never returns something that scores higher.

    The sentence is split first (on its own words, so a plain phrase we put in,
    such as "left and right", can never become a split point), then reworded.
    """
    glossary = load_glossary(lang)
    grade_before: float | None = None

    def acceptable(new: str) -> bool:
        nonlocal grade_before
        if grade_before is None:
            grade_before = quick_readability(sentence, lang)
        return new != sentence and _no_new_fragments(sentence, new, lang) and (
            quick_readability(new, lang) <= grade_before + 1e-9
        )

    split_text, split = _split(sentence, lang)
    base, base_replaced = sentence, []
    if split and acceptable(split_text):
        base, base_replaced = split_text, split
    candidates = _find_candidates(base, lang, glossary, find_protected(base, lang))
    if not candidates:
        return base, base_replaced
    full, replaced = _apply(base, candidates, lang)
    if acceptable(full):
        return full, base_replaced + replaced

    # Some replacement raised the grade: keep only those that do not,
    # one at a time in reading order.
    kept: list[_Candidate] = []
    best, best_replaced = base, []
    best_grade = quick_readability(base, lang)
    for cand in candidates:
        trial, trial_replaced = _apply(base, kept + [cand], lang)
        trial_grade = quick_readability(trial, lang)
        if trial_grade <= best_grade + 1e-9 and acceptable(trial):
            kept.append(cand)
            best, best_replaced, best_grade = trial, trial_replaced, trial_grade
    return best, base_replaced + best_replaced


def _simplify_group(text: str, lang: str) -> tuple[str, list[Replacement]]:
    """Simplify each sentence of `text` once; keep the text between sentences."""
    out: list[str] = []
    replacements: list[Replacement] = []
    position = 0
    for start, end in sentence_spans(text, lang):
        out.append(text[position:start])
        new, replaced = _simplify_sentence(text[start:end], lang)
        out.append(new)
        replacements.extend(replaced)
        position = end
    out.append(text[position:])
    return "".join(out), replacements


def _simplify_to_fixpoint(sentence: str, lang: str) -> tuple[str, list[Replacement]]:
    current, replacements = sentence, []
    for _ in range(MAX_PASSES):
        new, replaced = _simplify_group(current, lang)
        if new == current:
            break
        current = new
        replacements.extend(replaced)
    return current, replacements


# --------------------------------------------------------------------------- definitions

def _definitions(text: str, lang: str) -> tuple[Definition, ...]:
    """Plain definitions for medical words still in the text, in reading order."""
    glossary = load_glossary(lang)
    found: dict[str, tuple[int, Definition]] = {}

    def add(position: int, term: str, definition: str) -> None:
        key = term.lower()
        if definition and key not in found:
            found[key] = (position, Definition(term, definition))

    for pattern in (glossary.definition_re, glossary.definition_caps_re):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            add(m.start(), m.group(), glossary.definition(m.group()) or "")
    # Glossary words the rewrite had to leave (before a noun, or the grade rose):
    # still tell the reader what they mean.
    if glossary.jargon_re is not None:
        for m in glossary.jargon_re.finditer(text):
            entry = glossary.jargon_entry(m.group())
            if entry and not entry.keeps:
                meaning = entry.before_noun if entry.plain == ONLY_BEFORE_NOUN else entry.plain
                add(m.start(), m.group(), meaning)
    if glossary.abbreviation_re is not None:
        for m in glossary.abbreviation_re.finditer(text):
            rows = glossary.abbreviation_rows(m.group())
            meaning = next((r.plain for r in rows if not r.keeps), "")
            add(m.start(), m.group(), glossary.definition(m.group()) or meaning)
    return tuple(d for _, d in sorted(found.values(), key=lambda item: item[0]))


# --------------------------------------------------------------------------- public API

def simplify(text: str, lang: str = "en") -> Simplified:
    """Rewrite a clinical note in plainer words and shorter sentences.

    Numbers, units, dates, drug and lab names and negations are kept; no
    sentence is dropped; the grade never goes up; running it twice changes
    nothing more.
    """
    lang = check_lang(lang)
    out: list[str] = []
    replacements: list[Replacement] = []
    segments: list[Segment] = []
    position = 0
    for start, end in sentence_spans(text, lang):
        out.append(text[position:start])
        original = text[start:end]
        new, replaced = _simplify_to_fixpoint(original, lang)
        out.append(new)
        replacements.extend(replaced)
        segments.append(Segment(original, new))
        position = end
    out.append(text[position:])
    simplified = "".join(out)

    # quick_readability gives textstat's exact number (tested) from cached word counts.
    grade_before = quick_readability(text, lang)
    grade_after = quick_readability(simplified, lang)
    if grade_after > grade_before:
        # Sentence grades do not add up exactly to the note's grade; in the rare
        # case the whole got harder, hand back the original untouched.
        simplified, replacements, grade_after = text, [], grade_before
        segments = [Segment(s.original, s.original) for s in segments]
    return Simplified(
        text=simplified,
        replacements=tuple(replacements),
        definitions=_definitions(simplified, lang),
        grade_before=grade_before,
        grade_after=grade_after,
        segments=tuple(segments),
        lang=lang,
    )

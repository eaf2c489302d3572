"""Split a clinical note into translatable pieces and the layout between them.

A note is cut into a flat list of ``Segment``s whose texts, joined, give back the note exactly:
  - ``heading``: a section title ("HISTORY OF PRESENT ILLNESS") or a line label ("Vitals");
    its colon is layout, so it survives translation;
  - ``sentence``: a sentence of a paragraph, a list item or a labelled line;
  - ``layout``: blank lines, indentation, list markers, colons and the spaces between
    sentences; copied unchanged.
Translating the heading and sentence pieces and joining everything again keeps the note's
structure, which is what lets a patient hold the translation next to the original.

When in doubt the splitter does NOT split: a sentence left joined to the next one still
translates fine, while a sentence cut at "Dr." or "b.i.d." translates badly and can lose its
meaning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LAYOUT = "layout"
HEADING = "heading"
SENTENCE = "sentence"


@dataclass(frozen=True)
class Segment:
    text: str  # exactly as in the source note
    kind: str  # LAYOUT, HEADING or SENTENCE

    @property
    def translatable(self) -> bool:
        return self.kind != LAYOUT

    @property
    def normalized(self) -> str:
        """The text sent to the engine and hashed for the cache: one line, single spaces.

        A sentence hard-wrapped over two lines is the same sentence."""
        return " ".join(self.text.split())


# "- ", "* ", "• ", "1. ", "2) ", "(3) ", "a. ", "b) " at the start of a line.
LIST_MARKER = re.compile(r"(\s*(?:[-*•‣◦▪–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+)(?=\S)")
# "Vitals: BP 120/80" or "Plan: ..." : a short label of letters, a colon, a space, content.
LINE_LABEL = re.compile(r"(\s*)([^\W\d_][^\W\d_ /&()'’-]*(?:[ /&-]+[^\W\d_()'’-]+){0,4})([:：]\s+)(?=\S)")
# "HISTORY OF PRESENT ILLNESS:" / "Assessment and plan:" alone on a line.
TITLE_WITH_COLON = re.compile(r"(\s*)([^\W\d_][^:：.!?]{0,60}?)(\s*[:：]\s*)")

SENTENCE_END = re.compile(
    r"[.!?…؟]+[\"'”’)\]]*(?=\s)"  # Latin/Cyrillic/Arabic: punctuation, then whitespace
    r"|[。！？]+[」』”’)）]*"  # CJK: no space follows a full stop
)

# Words ending in a period that do not end a sentence (lower case). Single letters ("J.")
# and dotted forms ("b.i.d.", "e.g.", "a.m.") are recognised by shape, not listed here.
ABBREVIATIONS = frozenset(
    """
    dr. dra. drs. mr. mrs. ms. mx. sr. sra. srta. prof. st. jr. mme. mlle. ud. uds.
    vs. approx. aprox. ca. cf. fig. no. nos. núm. ej. pág. tel. ext. dept.
    mg. mcg. kg. g. ml. cm. mm. lb. lbs. oz. hr. hrs. min. wk. wks. yr. yrs. mo. mos.
    pt. pts. tab. tabs. cap. caps. inj. susp. sol. sig. dx. hx. rx. tx. sx. fx.
    """.split()
)
DOTTED_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?")


def segment(text: str) -> list[Segment]:
    """Cut a note into segments; ``"".join(s.text for s in segment(t)) == t`` always."""
    segments: list[Segment] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        body = line.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        ending = line[len(body):]

        if not body.strip():
            _add(segments, LAYOUT, line)
            i += 1
            continue

        title = TITLE_WITH_COLON.fullmatch(body)
        if title or _is_all_caps_title(body):
            if title:
                indent, words, colon = title.groups()
            else:
                stripped = body.strip()
                indent = body[: len(body) - len(body.lstrip())]
                words, colon = stripped, body[len(indent) + len(stripped):]
            _add(segments, LAYOUT, indent)
            _add(segments, HEADING, words)
            _add(segments, LAYOUT, colon + ending)
            i += 1
            continue

        # A list item or labelled line: its marker/label first, then sentences.
        prefix_end = 0
        marker = LIST_MARKER.match(body)
        label = None if marker else LINE_LABEL.match(body)
        if marker:
            _add(segments, LAYOUT, marker.group(1))
            prefix_end = marker.end()
        elif label:
            _add(segments, LAYOUT, label.group(1))
            _add(segments, HEADING, label.group(2))
            _add(segments, LAYOUT, label.group(3))
            prefix_end = label.end()

        # Join the hard-wrapped continuation lines of the same paragraph or item.
        content = line[prefix_end:]
        i += 1
        while i < len(lines) and _continues(content, lines[i]):
            content += lines[i]
            i += 1
        _add_sentences(segments, content)
    return segments


def reassemble(segments: list[Segment], translations: list[str]) -> str:
    """Join layout segments with the translations of the translatable ones, in order."""
    pending = iter(translations)
    return "".join(next(pending) if s.translatable else s.text for s in segments)


def split_sentences(text: str) -> list[str]:
    """The sentences of one paragraph, without the whitespace between them."""
    return [s.text for s in _sentence_segments(text) if s.kind == SENTENCE]


# --- helpers --------------------------------------------------------------------------------

def _add(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if kind != LAYOUT and not any(ch.isalpha() for ch in text):
        kind = LAYOUT  # "120/80" or "----" alone: nothing to translate, copy it
    if kind == LAYOUT and segments and segments[-1].kind == LAYOUT:
        segments[-1] = Segment(segments[-1].text + text, LAYOUT)  # keep the list short
    else:
        segments.append(Segment(text, kind))


def _add_sentences(segments: list[Segment], text: str) -> None:
    for piece in _sentence_segments(text):
        _add(segments, piece.kind, piece.text)


def _sentence_segments(text: str) -> list[Segment]:
    pieces: list[Segment] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        if not _is_sentence_end(text, match):
            continue
        pieces.extend(_strip_into_segments(text[start:end]))
        start = end
    pieces.extend(_strip_into_segments(text[start:]))
    return pieces


def _strip_into_segments(chunk: str) -> list[Segment]:
    """Leading and trailing whitespace of a sentence is layout."""
    core = chunk.strip()
    if not core:
        return [Segment(chunk, LAYOUT)] if chunk else []
    lead = chunk[: len(chunk) - len(chunk.lstrip())]
    trail = chunk[len(chunk.rstrip()):]
    return [s for s in (Segment(lead, LAYOUT), Segment(core, SENTENCE), Segment(trail, LAYOUT)) if s.text]


def _is_sentence_end(text: str, match: re.Match) -> bool:
    punctuation = match.group(0)
    if punctuation[0] in "。！？":
        return True
    rest = text[match.end():].lstrip()
    if not rest:
        return False  # the end of the text ends the last sentence anyway
    if rest[0].islower():
        return False  # "e.g. the", "approx. two": a lower-case word continues the sentence
    if punctuation.rstrip("\"'”’)]") != ".":
        return True  # "?", "!", "..." before a capital
    word = text[: match.start() + 1].split()[-1].lstrip("([\"'“‘¿¡").lower()
    if word in ABBREVIATIONS:
        return False  # "Dr. Smith", "500 mg. Take"
    if DOTTED_ABBREVIATION.fullmatch(word):
        return False  # "J. Smith", "b.i.d. With", "a.m. Then"
    return True


def _is_all_caps_title(line: str) -> bool:
    """'ASSESSMENT AND PLAN' alone on a line (no digits, so 'BP 120/80' is not a title)."""
    stripped = line.strip()
    letters = [ch for ch in stripped if ch.isalpha()]
    return (
        len(letters) >= 3
        and stripped.isupper()
        and not any(ch.isdigit() for ch in stripped)
        and len(stripped.split()) <= 8
        and stripped[-1] not in ".!?"
    )


def _continues(content_so_far: str, next_line: str) -> bool:
    """Is next_line the hard-wrapped rest of the sentence above? Only when the text above
    stops mid-sentence and the next line starts in lower case; a new capitalised line ("HR 72"
    under "BP 120/80") stays a line of its own."""
    above = content_so_far.rstrip()
    below = next_line.strip()
    if not above or not below or LIST_MARKER.match(next_line):
        return False
    return above[-1] not in ".!?:;。！？" and below[0].islower()

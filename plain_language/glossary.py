"""Glossaries: data files in ``data/<lang>/`` turned into ONE regex each.

Each glossary is compiled into a single regex built from a character trie, so a
1,000-word note is scanned once per glossary, whatever the glossary's size
(an alternation of 800 literal phrases would be retried at every position).

File formats (tab-separated, ``#`` comments, one header line):

* ``abbreviations.tsv``  abbreviation, plain, when[, gender]  - case-sensitive
* ``jargon.tsv``         term, plain, before_noun[, gender]    - case-insensitive
* ``definitions.tsv``    term, definition  (ALL-CAPS terms match case-sensitively)
* ``labs.txt`` and ``../drugs.txt``: one name per line; never changed.

See the header of each file for what the columns mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KEEP = "="          # plain value meaning "leave the words as they are"
ONLY_BEFORE_NOUN = "-"


@dataclass(frozen=True)
class Entry:
    term: str
    plain: str
    kind: str               # "abbreviation" or "jargon"
    when: str = ""          # abbreviations: "", "prev:RE", "next:RE", "not-before-noun"
    before_noun: str = ""   # jargon: "" same as plain, "-" skip before a noun, else the text
    gender: str = ""        # Spanish: m, f, mp, fp of the plain text (to fix the article)

    @property
    def keeps(self) -> bool:
        return self.plain == KEEP


def _read_rows(lang_dir: str, name: str) -> list[list[str]]:
    path = resources.files("plain_language") / "data" / lang_dir / name
    if not path.is_file():
        return []
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows[1:]  # drop the header


def _read_names(*parts: str) -> list[str]:
    """One name per line (``labs.txt``, ``drugs.txt``)."""
    path = resources.files("plain_language") / "data"
    for part in parts:
        path = path / part
    if not path.is_file():
        return []
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def normalize(phrase: str) -> str:
    return " ".join(phrase.split())


class CaselessPattern:
    """A trie regex over lower-case phrases, run on the lower-cased text.

    Python's re.IGNORECASE makes a large trie about 3x slower; lower-casing the
    text once keeps every position the same (we fall back to IGNORECASE in the
    rare case lower() changes the length, e.g. Turkish dotted I).
    """

    def __init__(self, source: str, phrases: tuple[str, ...] = ()):
        self.phrases = phrases
        self.exact = re.compile(source)
        self.ignore_case = re.compile(source, re.IGNORECASE)

    def finditer(self, text: str):
        lowered = text.lower()
        if len(lowered) != len(text):
            return self.ignore_case.finditer(text)
        # All at once: cheaper than a generator resumed for every match.
        return iter([_Match(text, m.start(), m.end()) for m in self.exact.finditer(lowered)])

    def findall(self, text: str) -> list[str]:
        return [m.group() for m in self.finditer(text)]

    def search(self, text: str):
        lowered = text.lower()
        if len(lowered) != len(text):
            return self.ignore_case.search(text)
        m = self.exact.search(lowered)         # no generator for one match
        return _Match(text, m.start(), m.end()) if m else None


class _Match:
    """The bits of re.Match we use, pointing into the original text."""

    __slots__ = ("string", "_start", "_end")

    def __init__(self, string: str, start: int, end: int):
        self.string, self._start, self._end = string, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, index: int = 0) -> str:
        return self.string[self._start:self._end]


def trie_regex(phrases, *, ignore_case: bool):
    """One regex matching any of ``phrases`` as a whole token, longest first.

    Token edges: not next to a letter, digit, hyphen or slash, so "PT/INR",
    "non-tender" or "C5" never yield a shorter match inside them.  A space in a
    phrase matches any run of whitespace.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in (phrase.lower() if ignore_case else phrase):
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return None

    def emit(node: dict) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if optional else group  # greedy: longer phrase first

    source = r"(?<![\w/-])" + emit(trie) + r"(?![\w/-])"
    if ignore_case:
        return CaselessPattern(source, tuple(sorted({p.lower() for p in phrases})))
    return re.compile(source)


@dataclass(frozen=True)
class Glossary:
    lang: str
    abbreviations: dict[str, tuple[Entry, ...]]  # exact text -> rows, in file order
    jargon: dict[str, Entry]                      # lower-case text -> entry
    definitions: dict[str, str]                   # term (lower-case unless ALL-CAPS) -> text
    abbreviation_re: re.Pattern[str] | None
    jargon_re: CaselessPattern | None
    definition_re: CaselessPattern | None         # lower-case terms
    definition_caps_re: re.Pattern[str] | None    # terms with capitals (abbreviations)
    drug_re: CaselessPattern | None
    lab_re: CaselessPattern | None
    # Plain phrases we write in that hold a place a long sentence could be split at
    # ("left and right", "black, tarry stool"): the splitter never cuts inside them.
    joined_plain_re: CaselessPattern | None = None

    def abbreviation_rows(self, matched: str) -> tuple[Entry, ...]:
        return self.abbreviations.get(normalize(matched), ())

    def jargon_entry(self, matched: str) -> Entry | None:
        return self.jargon.get(normalize(matched).lower())

    def definition(self, matched: str) -> str | None:
        key = normalize(matched)
        return self.definitions.get(key) or self.definitions.get(key.lower())


def _has_capital(term: str) -> bool:
    return any(ch.isupper() for ch in term)


_JOINERS = re.compile(r"[,;]|\s(?:and|or|then|but|so|who|which|where|y|o|pero|luego)\s", re.IGNORECASE)


def _joined_plain(abbreviations: dict[str, list[Entry]], jargon: dict[str, Entry]) -> list[str]:
    entries = list(jargon.values()) + [e for rows in abbreviations.values() for e in rows]
    texts = {t for e in entries for t in (e.plain, e.before_noun) if t not in ("", KEEP, ONLY_BEFORE_NOUN)}
    return sorted(normalize(t) for t in texts if _JOINERS.search(t))


@lru_cache(maxsize=None)
def load_glossary(lang: str) -> Glossary:
    abbreviations: dict[str, list[Entry]] = {}
    for row in _read_rows(lang, "abbreviations.tsv"):
        term = normalize(row[0])
        entry = Entry(term, _cell(row, 1), "abbreviation", when=_cell(row, 2), gender=_cell(row, 3))
        abbreviations.setdefault(term, []).append(entry)

    jargon: dict[str, Entry] = {}
    for row in _read_rows(lang, "jargon.tsv"):
        term = normalize(row[0]).lower()
        jargon[term] = Entry(
            term, _cell(row, 1), "jargon", before_noun=_cell(row, 2), gender=_cell(row, 3)
        )

    definitions: dict[str, str] = {}
    for row in _read_rows(lang, "definitions.tsv"):
        term = normalize(row[0])
        definitions[term if _has_capital(term) else term.lower()] = _cell(row, 1)

    return Glossary(
        lang=lang,
        abbreviations={k: tuple(v) for k, v in abbreviations.items()},
        jargon=jargon,
        definitions=definitions,
        abbreviation_re=trie_regex(abbreviations, ignore_case=False),
        jargon_re=trie_regex(jargon, ignore_case=True),
        definition_re=trie_regex([t for t in definitions if not _has_capital(t)], ignore_case=True),
        definition_caps_re=trie_regex([t for t in definitions if _has_capital(t)], ignore_case=False),
        drug_re=trie_regex(load_drug_names(), ignore_case=True),
        lab_re=trie_regex(_read_names(lang, "labs.txt"), ignore_case=True),
        joined_plain_re=trie_regex(_joined_plain(abbreviations, jargon), ignore_case=True),
    )


@lru_cache(maxsize=None)
def load_drug_names() -> tuple[str, ...]:
    """Drug names are the same words in English and Spanish notes."""
    return tuple(_read_names("drugs.txt"))

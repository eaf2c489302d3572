"""Finding sentences, and splitting long ones at safe points.

Splitting is where meaning is easiest to break, so every rule is narrow:

* a semicolon, or ", and" / ", but" / ", so" / ", then" (or a bare comma)
  between two *clauses* - the right-hand part has its own subject and verb:
  "X, and the wound was closed" -> "X. The wound was closed."  "X; however, Y"
  -> "X. However, Y."  A bare " and " (no comma) only when the right-hand part
  opens like a clause ("the ...", "he ...", "no ...", a number) or its verb
  agrees with it alone: "... to the OR and anesthesia was applied" splits, "the
  glans and mucosa were lysed" does not; after a negation only the first kind,
  so "denies fever and chills were ..." keeps its scope.  A dependent clause
  ("When X was done, ...", "if X, then Y") is never left standing alone, and
  ", so that ..." (a purpose) stays;
* "After X was done, Y" / "Once X, Y" -> "X was done. Then Y" (only "after",
  "once" and "as soon as": they just order two events; both parts need a verb);
* ", which was ..." -> ". This was ...", ", where he ..." -> ". There he ...",
  "a 50-year-old male (with ...) who has ..." -> "... male. He has ..." (not
  after a negation, nor when another person is named before "who");
* a list of actions sharing one subject: "The patient was taken to the room,
  placed supine, and prepped." -> one sentence per action, subject repeated
  (a long non-person subject becomes "It"/"They"); a person may be the subject
  of an active verb ("The patient tolerated it well and was taken to ...");
* a long list after a head such as "denies", "no", "negative for",
  "including", "history of", or a verb whose object it is ("He has A, B, C,
  and D"): the head is REPEATED for each chunk, so "Denies A, B, C, D, or E"
  becomes "Denies A, B, or C. Denies D or E." and every item stays negated.

No piece may be shorter than three words (no new fragments), and no split
happens inside a protected span (numbers, drug names...), inside parentheses,
or inside a plain phrase of ours that holds "and"/"or"/a comma ("left and
right", "numbness or tingling").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterator

from .glossary import load_glossary
from .language_rules import LanguageRules, negation_pattern, rules_for
from .protect import find_protected

MIN_PIECE_WORDS = 3         # textstat ignores shorter "sentences"; so do readers
SPLIT_ABOVE_WORDS = 2 * MIN_PIECE_WORDS - 1    # any sentence that could give two such pieces
MAX_LIST_ITEM_WORDS = 6
MAX_HEAD_WORDS = 8
LIST_CHUNK = 3

# A whitespace token holding a \w.  Written "[^\s\w]*\w" rather than "\S*\w" so the
# regex does not run to the end of every token and back (same matches, ~20% faster).
_WORD = re.compile(r"[^\s\w]*\w\S*")
_WORDLIKE = re.compile(r"\w")
_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)+[\w'’/-]*|[\w'’/-]+|[^\w\s]")   # "62.5-mm" is one token
_END_PUNCT = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+\S)")
_LEADING_TOKEN = re.compile(r"\s*(%s)" % _TOKEN.pattern)
_LINE = re.compile(r"[^\n]+")
_SPACES = re.compile(r"\s*")
_TITLE_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "no", "fig", "approx",
                        "e.g", "i.e", "dra", "sr", "sra", "srta", "núm", "aprox", "p.ej"}


def word_count(text: str) -> int:
    """Words as textstat counts them: whitespace tokens holding a letter or digit."""
    return len(_WORD.findall(text))


# --------------------------------------------------------------------------- finding sentences

def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break always ends a sentence."""
    rules = rules_for(lang)
    spans: list[tuple[int, int]] = []
    if "\n" not in text and _END_PUNCT.search(text) is None:
        _add_span(spans, text, 0, 0, len(text))     # one line, no end mark inside: the common case
        return spans
    for line in _LINE.finditer(text):
        offset, body = line.start(), line.group()
        start = 0
        for end_mark in _END_PUNCT.finditer(body):
            if _ends_sentence(body, end_mark, rules):
                _add_span(spans, body, offset, start, end_mark.end())
                start = end_mark.end()
        _add_span(spans, body, offset, start, len(body))
    return spans


def _add_span(spans, body: str, offset: int, start: int, end: int) -> None:
    piece = body[start:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        spans.append((offset + start + lead, offset + end - trail))


def _ends_sentence(body: str, mark: re.Match[str], rules: LanguageRules) -> bool:
    # The first character after the mark and its white space (no copy of the rest of the line).
    after = _SPACES.match(body, mark.end()).end()
    first = body[after:after + 1]
    if not (first.isupper() or first.isdigit() or first in "\"'“(¿¡-•*"):
        return False
    if "." not in mark.group() or mark.group()[0] != ".":
        return True
    token_start = max(body.rfind(" ", 0, mark.start()), body.rfind("\t", 0, mark.start())) + 1
    token = body[token_start:mark.start()]
    bare = token.lower().rstrip(".")
    if bare in _TITLE_ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():          # an initial: "J. Smith"
        return False
    if token.isdigit() and not body[:token_start].strip():      # "1. Hypertension"
        return False
    return True


# --------------------------------------------------------------------------- helpers

# Small regexes the split rules use on every sentence, compiled once.
_SEMICOLON = re.compile(r";\s+")
_PURPOSE_OPENER = re.compile(r"(?:that|as|if|whether)\b", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[,;:]")
_AND_OR = re.compile(r"\s(?:and|or)\s")
_WITH_HINT = re.compile(r"\b(?:with|complaining)\b", re.IGNORECASE)
_COMMA = re.compile(r",\s+")
_SEMICOLON_OR_COLON = re.compile(r"[;:]")
_CONJUNCTION = re.compile(r"\s(?:and|but|or|y|o|pero)\s")
_TRAILING_CONJUNCTION = re.compile(r"\b(?:and|or|but|then|nor)\W*\Z", re.IGNORECASE)
_RELATIVE_WORD = re.compile(r"\b(?:who|whom|whose|that|which)\b", re.IGNORECASE)
_LOWER_START = re.compile(r"[a-z]")


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def _first_tokens(text: str, n: int) -> list[str]:
    """_tokens(text)[:n] without tokenizing the rest of the text."""
    return [m.group().lower() for m in islice(_TOKEN.finditer(text), n)]


def _is_participle(word: str, rules: LanguageRules) -> bool:
    return word in rules.participles or (len(word) > 4 and word.endswith("ed"))


def _has_negation(text: str, lang: str) -> bool:
    return negation_pattern(lang).search(text) is not None


_CLAUSE_STOPS = frozenset("""that which who whom whose where when and or but nor
que quien cuyo donde cuando y o pero ni""".split())


def looks_like_clause(text: str, lang: str) -> bool:
    """Does `text` start with its own subject and verb ("the wound was closed")?

    Subject: a pronoun, or a short noun phrase (it may hold a preposition, a
    number or a "#": "general anesthesia with a breathing tube was induced",
    "a #24 French catheter was placed"); then a finite verb within eleven words
    and before any comma.  A verb phrase that continues the previous subject
    ("placed in the supine position") is not a clause.
    """
    return _looks_like_clause(text[:200], lang)      # only the start matters


@lru_cache(maxsize=4096)    # several rules ask about the same right-hand side
def _looks_like_clause(text: str, lang: str) -> bool:
    rules = rules_for(lang)
    tokens = _first_tokens(text, 14)
    while tokens and lang == "en" and (tokens[0].endswith("ly") or tokens[0] in ("then", "instead", "also")):
        tokens = tokens[1:]                 # "subsequently has opted": look past the adverb
        if tokens and tokens[0] == ",":
            tokens = tokens[1:]
    words = [t for t in tokens if _WORDLIKE.match(t)]
    if len(words) < 2:
        return False
    first = words[0]
    if first in rules.pronouns and not (first in rules.determiners and words[1] not in rules.finite_verbs):
        return first not in ("esto", "este", "esta", "estos", "estas") or words[1] in rules.finite_verbs
    if lang == "es" and first in rules.finite_verbs:
        return True                                   # Spanish drops the subject
    if first in rules.function_words and first not in rules.determiners and first not in _NO_DETERMINER:
        return False
    if first[:1].isdigit() and tokens[0] in ("#", first):
        first = "a"         # "#10 trocar was placed", "2 stitches were placed": a number opens the noun phrase
    if lang == "en" and (_is_participle(first, rules) or first.endswith("ing")):
        return False
    for i, token in enumerate(tokens[1:12], start=1):
        if token == "#":
            continue        # "a #10 blade"
        if not _WORDLIKE.match(token) or token in _CLAUSE_STOPS:
            return False    # a comma, "that", "and"... before any verb: not a plain subject
        if token in rules.finite_verbs:
            if tokens[i - 1] == "to":
                continue    # "continues to have reflux": an infinitive, no subject of its own
            return True
        if lang == "en" and _is_participle(token, rules) and tokens[i - 1] not in rules.function_words:
            if token in _NOUN_TOO:
                continue    # "the inner cut and the outer cut": a noun here, not "the patient cut"
            if tokens[i - 1][:1].isdigit():
                continue    # "a #10 bladed trocar was placed": after a number it describes
            # "the patient tolerated ..." - a past-tense verb right after a noun phrase
            # (after "the"/"a" it is an adjective: "the provided dilator was used")
            return first in rules.determiners
    return False


# Participles that are as often nouns ("cut" is also the plain word for "incision").
_NOUN_TOO = frozenset("cut set cast split spread fit shed".split())
# A clause opened by one of these is not finished at the next comma:
# "..., but because of the swelling he had, it was best to wait".
_OPEN_CLAUSE = re.compile(r"\b(?:because|although|though|since|whereas|unless|until|porque|aunque)\b",
                          re.IGNORECASE)
# A reporting verb and "that" with no verb after it yet: "She says that overall, she is better".
_REPORTED_THAT = re.compile(r"\bthat\b(?:\s+[\w'’-]+){0,2}\s*\Z", re.IGNORECASE)
# An opening phrase led by one of these has no subject: "With the risks discussed, we ...".
_OPENING_PREPOSITIONS = frozenset("""with without after before during upon despite given following
for from by per regarding concerning""".split())

# "no" opens a noun phrase: "... and no bleeding was seen" is a clause of its own.
_NO_DETERMINER = frozenset(("no",))


def _has_verb(text: str, lang: str) -> bool:
    return _first_verb_end(text, lang) is not None


def _first_verb_end(text: str, lang: str) -> int | None:
    """Where the first verb of `text` ends (see _is_verb), or None.

    Stops at that verb: the tokens after it are never looked at.
    """
    rules = rules_for(lang)
    previous = ""
    for m in _TOKEN.finditer(text):
        word = m.group().lower()
        if _is_verb(word, previous, rules, lang):
            return m.end()
        previous = word
    return None


def _is_verb(word: str, previous: str, rules: LanguageRules, lang: str) -> bool:
    """A finite verb, or a participle not used as an adjective ("an informed consent").

    `previous`: the token before `word` ("" at the start of the text).
    """
    if word in rules.finite_verbs:
        return True
    return lang == "en" and _is_participle(word, rules) and previous not in rules.determiners


def _finish(piece: str) -> str:
    piece = piece.strip().rstrip(",;:").rstrip()
    return piece if piece[-1:] in ".!?" else piece + "."


def _capitalize(piece: str) -> str:
    piece = piece.strip()
    first = piece.split(" ", 1)[0]
    # Leave words whose case carries meaning: "pH", "mL", "iPad", "x3".
    if first[:1].islower() and first[1:] == first[1:].lower() and not any(c.isdigit() for c in first):
        return piece[0].upper() + piece[1:]
    return piece


_BRACKET = re.compile(r"[()\[\]]")


@lru_cache(maxsize=2048)
def _sentence_facts(sentence: str, lang: str) -> tuple[bytes, int, int]:
    """Facts every split rule asks about, computed once per sentence.

    (flag per character: inside parentheses or inside a plain phrase of ours such
    as "left and right"; offset where the first negation starts; offset where the
    first verb ends) - so testing a split point is O(1).
    """
    inside = bytearray(len(sentence))
    joined = load_glossary(lang).joined_plain_re
    if joined is not None:
        for m in joined.finditer(sentence):          # "left and right": never split inside
            inside[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    if "(" in sentence or "[" in sentence:
        depth = 0
        opened = 0
        for m in _BRACKET.finditer(sentence):
            if m.group() in "([":
                if not depth:
                    opened = m.start()
                depth += 1
            elif depth:
                depth -= 1
                if not depth:
                    inside[opened:m.start()] = b"\x01" * (m.start() - opened)
        if depth:
            inside[opened:] = b"\x01" * (len(sentence) - opened)
    negation = negation_pattern(lang).search(sentence)
    first_negation = negation.start() if negation else len(sentence) + 1
    first_verb = _first_verb_end(sentence, lang)
    return bytes(inside), first_negation, len(sentence) + 1 if first_verb is None else first_verb


def _safe_point(sentence: str, index: int, lang: str) -> bool:
    """Not inside parentheses and not inside a number, drug name, etc."""
    inside, _, _ = _sentence_facts(sentence, lang)
    in_parentheses = index < len(inside) and inside[index]
    return not in_parentheses and not find_protected(sentence, lang).contains(index)


def _negated_before(sentence: str, index: int, lang: str) -> bool:
    """Does a negation cue start before `index`?"""
    return _sentence_facts(sentence, lang)[1] < index


def _main_clause_before(sentence: str, index: int, lang: str) -> bool:
    """Is sentence[:index] a main clause: a verb, and no "when"/"if"/"after" opening?"""
    if _sentence_facts(sentence, lang)[2] > index:
        return False
    first = _LEADING_TOKEN.match(sentence)          # _TOKEN after any white space (no copy)
    if not first:
        return True
    word, rules = first.group(1).lower(), rules_for(lang)
    if word in rules.subordinators:
        return False
    # "Based on the fluid, we ...", "Using a clamp, the ...": an opening phrase with no subject
    # of its own is not a sentence; it is once a comma has closed the phrase ("Using a clamp,
    # we held X") or a finite verb follows ("Bleeding was controlled": a subject, not a phrase)
    return not (lang == "en" and (_is_participle(word, rules) or word.endswith("ing") or word in _OPENING_PREPOSITIONS)
                and sentence.find(",", 0, index) < 0
                and not any(t in rules.finite_verbs for t in _tokens(sentence[:index])))


# "X; however, Y": the clause after the semicolon may open with a linking word.
_LINK_WORD = re.compile(r"(?:however|therefore|thus|otherwise|instead|furthermore|moreover|nevertheless"
                        r"|consequently|meanwhile|additionally|also|then|sin embargo|además|por lo tanto)"
                        r",?\s+", re.IGNORECASE)


_SIDE_WORDS = frozenset("""proximal distal medial lateral left right upper lower anterior posterior
superior inferior internal external deep superficial inner outer front back""".split())
_PLURAL_VERBS_EN = frozenset("were are have appear show".split())


def _bare_and_clause(left: str, right: str, lang: str) -> bool:
    """Does a bare " and " (no comma) join two clauses, not two subjects of one verb?

    "... was brought to the OR and anesthesia was applied" - yes.
    "the glans and mucosa were lysed", "proximal and distal snares were tightened",
    "electrocautery and blunt dissection and scissor dissection was used" - no.
    A clause that opens with "the", "he", "no", a number ... is taken as it is.
    """
    rules = rules_for(lang)
    tokens = _tokens(right[:120])
    opener = tokens[0] if tokens else ""
    if opener in rules.pronouns or opener in rules.determiners or opener in _NO_DETERMINER \
            or opener[:1].isdigit() or opener == "#":
        return True
    if lang != "en":
        return False
    tail = _LIST_SEPARATOR.split(left)[-1]
    if _AND_OR.search(tail):
        return False        # a third "and": a list of subjects
    if (_tokens(tail) or [""])[-1] in _SIDE_WORDS:
        return False        # "proximal and distal snares"
    for i, token in enumerate(tokens):
        if token in rules.finite_verbs:
            if token in _PLURAL_VERBS_EN:
                return i > 0 and tokens[i - 1].endswith("s")     # "cultures were positive"
            return True
    return False


_TRAILING_LINK = re.compile(r",\s+(however|therefore|thus|sin embargo)\Z", re.IGNORECASE)
_SUBORDINATE = re.compile(r"\b(?:if|when|whenever|unless|once|si|cuando)\b", re.IGNORECASE)


def _split_semicolons(sentence: str, lang: str) -> Iterator[list[str]]:
    for m in _SEMICOLON.finditer(sentence):
        left, right = sentence[: m.start()], sentence[m.end():]
        if not _safe_point(sentence, m.start(), lang):
            continue
        link = _LINK_WORD.match(right)
        clause = right[link.end():] if link else right
        if _negated_before(sentence, m.start(), lang) and not looks_like_clause(clause, lang):
            continue    # "No fever; chills or sweats" - the list may still be negated
        yield [_finish(left), _capitalize(right)]


# ", and using the tissue under the skin, we tacked it ...": a clause behind a short opening phrase.
_INTRO_PHRASE_EN = re.compile(
    r"(?:using|with|at|in|on|under|during|for|from|through|over|after|before|once|following|by|via|next"
    r"|working|holding|taking|keeping)\s[^,;:()\[\]]{2,60}?,\s+", re.IGNORECASE)


def _intro_then_clause(right: str, lang: str) -> bool:
    """Does `right` open with a short phrase (no verb of its own, no negation), then a clause?"""
    if lang != "en":
        return False
    m = _INTRO_PHRASE_EN.match(right)
    if not m:
        return False
    phrase = right[: m.end()]
    if _has_negation(phrase, lang) or any(t in rules_for(lang).finite_verbs for t in _tokens(phrase)):
        return False
    return looks_like_clause(right[m.end():], lang)


def _split_clauses(sentence: str, lang: str) -> Iterator[list[str]]:
    rules = rules_for(lang)
    for m in _patterns(lang)["joiner"].finditer(sentence):
        comma, joiner = m.group(1), " ".join(m.group(2).lower().split())
        left, right = sentence[: m.start()], sentence[m.end():]
        if not comma and joiner not in (rules.and_word, "and then", "but", "pero"):
            continue
        if not (_main_clause_before(sentence, m.start(), lang) and _safe_point(sentence, m.start() + 1, lang)):
            continue
        if _PURPOSE_OPENER.match(right):
            continue    # "..., so that the fluid drains" is a purpose, not a new sentence
        if not looks_like_clause(right, lang) and not (comma and _intro_then_clause(right, lang)):
            continue
        lead = rules.clause_joiners[joiner]
        if comma and not _has_verb(_LIST_SEPARATOR.split(left)[-1], lang):
            continue    # "consent, site, and patient were checked": the last of a list of subjects
        if not comma and joiner == rules.and_word and not _bare_and_clause(left, right, lang):
            continue    # "the glans and mucosa were ...": a bare "and" may join two subjects
        if lead in ("Then", "So", "Luego") and _SUBORDINATE.search(left):
            continue    # "if we could remove it, then ...": the condition and its result stay together
        right = f"{lead} {right}" if lead else right
        yield [_finish(left), _capitalize(right)]


_PERSON_WHO_EN = re.compile(
    r"\b(?P<noun>male|man|gentleman|boy|female|woman|lady|girl)"
    r"(?P<with>\s+with\s+[^,;()]{1,80}?)?(?:,)?\s+who\s+(?P<verb>[\w-]+)",
    re.IGNORECASE)
# "a woman with a sister who has ...": "who" may be the other person; leave it.
_OTHER_PEOPLE = re.compile(
    r"\b(?:mother|father|sister|brother|wife|husband|son|daughter|friend|child|children|family|parents?"
    r"|doctor|physician|surgeon|nurse|people|patients?|partner|grand\w+|aunt|uncle|cousin)\b", re.IGNORECASE)
_SHE_NOUNS = frozenset("female woman lady girl".split())


def _split_person_who(sentence: str, lang: str) -> Iterator[list[str]]:
    """'This is a 50-year-old male who has tried ...' -> '... male. He has tried ...'"""
    if lang != "en" or "who" not in sentence:
        return
    rules = rules_for(lang)
    for m in _PERSON_WHO_EN.finditer(sentence):
        verb = m.group("verb").lower()
        if verb in rules.function_words and verb not in rules.finite_verbs:
            continue    # "who we saw" - the person is the object, not the subject
        if m.group("with") and _OTHER_PEOPLE.search(m.group("with")):
            continue
        left, right = sentence[: m.end("with") if m.group("with") else m.end("noun")], sentence[m.start("verb"):]
        if _negated_before(sentence, m.start(), lang) or not _main_clause_before(sentence, m.start(), lang):
            continue
        pronoun = "She" if m.group("noun").lower() in _SHE_NOUNS else "He"
        yield [_finish(left), f"{pronoun} {right}"]


# "The patient is a 72-year-old female with a history of X" -> "... female. She has a history of X."
_AGE_WORD = r"\d+(?:[-/.]\d+)*[- ](?:year|month|week|day)s?[- ]old"
_PERSON_WITH_EN = re.compile(
    r"\b(?P<cop>is|was)\s+(?P<np>an?\s+(?:[\w'’/-]+\s+){0,5}?"
    r"(?P<noun>male|female|man|woman|boy|girl|gentleman|lady|patient|child|infant|baby|toddler"
    r"|%s))\s+(?P<link>with|presenting\s+with|complaining\s+of)\s+(?=(?P<next>[\w'’-]+))" % _AGE_WORD,
    re.IGNORECASE)
_HEADING_EN = re.compile(r"[A-Z][A-Z /&-]{2,60}[:,]\s*(?=[A-Z])")
_HE_WORDS = frozenset("male man boy gentleman he".split())
_SHE_WORDS = frozenset("female woman girl lady she".split())
_PATIENT_SUBJECTS = frozenset(("the patient", "this patient", "patient", "this", "he", "she"))
_POSSESSIVES = frozenset("his her their its my our your".split())
_WITH_VERBS = {  # the link -> (present, past) words that take its place after the pronoun
    "with": ("has", "had"),
    "presenting with": ("comes in with", "came in with"),
    "complaining of": ("complains of", "complained of"),
}


def _split_person_with(sentence: str, lang: str) -> Iterator[list[str]]:
    """'The patient is a 72-year-old female with a history of X.' -> '... female. She has a history of X.'

    Only "<subject> is/was a ... <person or age> with / presenting with / complaining of ...":
    the subject is the patient (or a pronoun or name, up to five words), the
    pronoun comes from a word of the sentence that states the sex ("male",
    "woman", "he"...), otherwise "The patient" (only when the subject is the
    patient).  Not when a negation comes before the cut, when "with" names a
    person ("with her husband"), when a "who" follows (that is
    _split_person_who's: "female with X who presents ..."), nor inside
    parentheses or a protected span.  A negation after "with" moves with it:
    "with no history of" -> "She has no history of".
    """
    if lang != "en" or not _WITH_HINT.search(sentence):
        return
    m = _PERSON_WITH_EN.search(sentence)
    if not m:
        return
    subject = sentence[: m.start()].strip()
    heading = _HEADING_EN.match(subject)
    if heading:
        subject = subject[heading.end():]      # "HISTORY OF PRESENT ILLNESS: The patient is ..."
    subject_words = _tokens(subject)
    if not subject_words or word_count(subject) > 5 or any(not _WORDLIKE.match(w) and w != "." for w in subject_words):
        return      # "REASONS FOR SURGERY,The patient is ...": no plain subject before "is"
    if _OTHER_PEOPLE.search(subject) and subject.lower() not in _PATIENT_SUBJECTS:
        return      # "Her mother is a 60-year-old woman with ...": another person
    if subject_words[0] in rules_for(lang).subordinators:
        return
    np = _tokens(m.group("np"))
    if any(w in ("and", "or", "who", "that", "which", "with", "in", "of") for w in np):
        return      # "a 61-year-old male in no distress with ...": keep the phrase whole
    link = " ".join(m.group("link").lower().split())
    rest = sentence[m.end():]
    first_after = m.group("next").lower()
    if first_after in _POSSESSIVES or first_after in ("regard", "respect", "regards") \
            or _OTHER_PEOPLE.search(" ".join(rest.split()[:3])):
        return      # "with her husband", "with regard to": "with" does not give what she has
    if re.search(r"\bwho(?:m|se)?\b", rest, re.IGNORECASE):
        return      # "female with X who presents ...": "who" must stay next to its person
    cut = m.start("link")
    if _negated_before(sentence, cut, lang) or not _safe_point(sentence, cut - 1, lang) \
            or not _safe_point(sentence, cut, lang):
        return
    said = set(_tokens(m.group("np"))) | set(subject_words[:1])
    he, she = bool(said & _HE_WORDS), bool(said & _SHE_WORDS)
    if he != she:
        pronoun = "He" if he else "She"
    elif subject.lower() in _PATIENT_SUBJECTS and not (he and she):
        pronoun = "The patient"
    else:
        return
    present, past = _WITH_VERBS[link]
    verb = present if m.group("cop").lower() == "is" else past
    if link == "with" and re.match(r"history\b", rest, re.IGNORECASE):
        rest = "a " + rest      # "with history of X" -> "has a history of X"
    left = sentence[: m.end("np")]
    yield [_finish(left), f"{pronoun} {verb} {rest}"]


def _split_comma_clauses(sentence: str, lang: str) -> Iterator[list[str]]:
    """'The lungs are clear, the heart is regular.' -> two sentences."""
    for m in _COMMA.finditer(sentence):
        left, right = sentence[: m.start()], sentence[m.end():]
        if word_count(left) < 4 or not _main_clause_before(sentence, m.start(), lang):
            continue
        if not looks_like_clause(right, lang):
            continue
        if word_count(_SEMICOLON_OR_COLON.split(left)[-1]) < 3:
            continue    # "X; however, there was Y": "however" opens the clause after the comma
        link = _TRAILING_LINK.search(left)
        if link:        # "X, however, the scope passed" -> "X. However, the scope passed."
            left, right = left[: link.start()], f"{link.group(1)}, {right}"
        tail = _LIST_SEPARATOR.split(left)[-1]
        if not _has_verb(tail, lang) or _SUBORDINATE.search(tail) or _OPEN_CLAUSE.search(tail):
            continue    # "where consent, site, patient were checked" (a list), "if we could, then ...",
            #             "but because of the swelling he had, it was best to wait"
        if _REPORTED_THAT.search(left):
            continue    # "She says that overall, she is better": what she says comes after the comma
        after_and = _CONJUNCTION.split(tail)[-1]
        if after_and != tail and word_count(after_and) <= 4 and not _has_verb(after_and, lang):
            continue    # "he has met his doctor and after discussion, he ...": the phrase leads in
        if _safe_point(sentence, m.start(), lang) and _main_clause_before(sentence, m.start(), lang):
            yield [_finish(left), _capitalize(right)]


_RELATIVE_LEADS_EN = {"followed by": "This was followed by", "after which": "After that,", "at which time": "At that time,",
                      "at which point": "At that point,", "where": "There"}


@lru_cache(maxsize=None)
def _patterns(lang: str) -> dict[str, re.Pattern[str]]:
    """The per-language regexes the split rules use, compiled once."""
    rules = rules_for(lang)

    def alternation(words) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))

    leads = dict(rules.relatives)
    if lang == "en":
        leads.update(_RELATIVE_LEADS_EN)
    return {
        "joiner": re.compile(r"(,?)\s+(%s)\s+" % alternation(rules.clause_joiners), re.IGNORECASE),
        "relative": re.compile(r",\s+(%s)\s+" % alternation(leads), re.IGNORECASE),
        "list_head": re.compile(r"(?<!\w)(?:%s)(?!\w)" % alternation(rules.list_heads), re.IGNORECASE),
        "last_item": re.compile(
            r"(?:,\s+|\s+)(%s|%s)\s+(?=[^,]*$)" % (rules.and_word, rules.or_word)),
    }


# A comma, then a verb: a relative clause closed in the middle of its sentence.
_EMBEDDED_END = re.compile(r",\s+(?:%s)\b" % "|".join(
    "was were is are has have had will would can could should may might must fue fueron es son está están ha han".split()),
    re.IGNORECASE)


def _split_relatives(sentence: str, lang: str) -> Iterator[list[str]]:
    rules = rules_for(lang)
    leads = dict(rules.relatives)
    if lang == "en":
        leads.update(_RELATIVE_LEADS_EN)
    for m in _patterns(lang)["relative"].finditer(sentence):
        relative = " ".join(m.group(1).lower().split())
        left, right = sentence[: m.start()], sentence[m.end():]
        if _negated_before(sentence, m.start(), lang) or not _main_clause_before(sentence, m.start(), lang):
            continue    # "no mass, which ..." - what does "which" point to? leave it
        if not _safe_point(sentence, m.start(), lang):
            continue
        words = _tokens(right[:60]) or [""]
        first = words[0]
        if lang == "en" and len(words) > 1 and (first.endswith("ly") or first in ("then", "also")):
            first = words[1]        # ", which then was closed"
        if _EMBEDDED_END.search(right):
            continue    # "the fusion, which Dr. X will dictate, was done": the main clause goes on after it
        if relative in rules.relatives:
            # ", which was removed" -> ". This was removed"; needs a verb right after.
            if not (first in rules.finite_verbs or (lang == "en" and _is_participle(first, rules))):
                continue
            lead = rules.these_word if first in rules.plural_verbs else leads[relative]
        elif relative == "followed by":
            lead = leads[relative]                    # ", followed by closure" -> ". This was followed by closure"
        else:
            if not looks_like_clause(right, lang):
                continue
            lead = leads[relative]
        yield [_finish(left), f"{lead} {right}"]


_AUX_EN = r"(?:was|were|is|are|has\s+been|have\s+been|had\s+been)"
_VERB_AHEAD = r"(?=(?:then\s+|(?!only\b)\w+ly\s+)?(?P<verb>[\w-]+))"   # "was then placed", "was greatly satisfied"
# "He ...", "We then ..." (active or passive) or "The head of the femur was ..." (passive only).
_SUBJECTS_EN = (
    re.compile(r"^(?P<subject>he|she|they|we|i)\s+(?P<aux>%s\s+)?%s" % (_AUX_EN, _VERB_AHEAD),
               re.IGNORECASE),
    # a person, active or passive: "The patient tolerated the procedure well and was taken ..."
    re.compile(r"^(?P<subject>(?:the|this|our)\s+(?:patient|child|baby|infant|man|woman|boy|girl|gentleman|lady))"
               r"\s+(?P<aux>%s\s+)?%s" % (_AUX_EN, _VERB_AHEAD), re.IGNORECASE),
    re.compile(r"^(?P<subject>(?:(?:the|this|his|her|their|our|a|an|it)\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,5}?)"
               r"\s+(?P<aux>%s\s+)%s" % (_AUX_EN, _VERB_AHEAD), re.IGNORECASE),
)
# ", and then was irrigated" / " and closed" / ", placed": where the next action starts.
_NEXT_ACTION_EN = re.compile(
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:then,?\s+)?(?P<aux>%s\s+)?(?:then\s+|also\s+|\w+ly\s+)?(?P<verb>[\w-]+)"
    r"(?P<after>\W*\s*[\w'-]*))"
    % _AUX_EN, re.IGNORECASE)
# Words that follow a verb but never start a noun phrase ("placed supine on the table").
_NOT_NOUNS = frozenset("""supine prone upright together open closed free intact again back away
out off up down apart aside flat lying""".split())
_OBJECT_OPENERS = frozenset("the a an this that these those his her their its our my your".split())
_ACTION_HINT = re.compile(r"(?:,|\band)\s")    # a second action needs a comma or an "and"
_LEAD_EN = re.compile(r"(?:then|next|finally|subsequently|afterwards?|after (?:this|that)|at this point)"
                      r"\s*,?\s+", re.IGNORECASE)
# Participles that report what others saw ("noted to have", "found to be"): passive without "was".
_REPORTED_PARTICIPLES = frozenset("""noted found thought felt seen said known believed considered reported
scheduled supposed asked told advised instructed deemed expected observed shown used""".split())
# Past participles that name a finding more often than an action: "and enlarged prostate".
_FINDING_ADJECTIVES = frozenset("""enlarged decreased increased elevated reduced impaired limited
diminished depressed altered worsened swollen inflamed infected dilated distended repeated associated
localized generalized advanced prolonged delayed blurred slurred labored sustained continued raised
lowered disordered disturbed fractured herniated ruptured torn bruised strained sprained dislocated
displaced calcified thickened narrowed blocked obstructed occluded curved bent twisted pinched
retained undescended abnormal uncontrolled controlled complicated mixed scattered shortened
weakened stiffened hardened softened tired exhausted confused""".split())
_EMBEDDED_CLAUSE = re.compile(r"\b(?:that|which|who|whom|whose|where|when|whenever|while|if|because|since"
                              r"|although|though|unless|until|whether)\b", re.IGNORECASE)
# Verbs that stay active after a passive one when "to" (or "up") follows:
# "was seen in clinic and decided to have surgery".
_ACTIVE_BEFORE_TO = frozenset("""wanted decided chose agreed elected opted tried needed wished refused declined
continued planned hoped preferred requested failed attempted managed started began seemed appeared learned
promised offered desired intended ended returned went came""".split())
# A person's second verb after " and ": "He has diabetes and takes insulin".
_PERSON_FINITE_VERBS = frozenset("""has had is was are were will would can could should does did
reports takes uses continues wants needs feels lives works smokes drinks notes states says""".split())
_PEOPLE = frozenset("""patient patients he she they we i man woman boy girl child baby infant
gentleman lady male female""".split())


def _split_shared_subject(sentence: str, lang: str) -> Iterator[list[str]]:
    """'The patient was taken to X, placed supine, and prepped.' -> one sentence per action.

    Each new sentence repeats the subject ("The patient was placed supine."); a
    long subject that is not a person becomes "It"/"They".  Only actions that
    start with a past participle count, and not one used as an adjective
    ("a padded and secured position").
    """
    if lang != "en" or not _ACTION_HINT.search(sentence):
        return
    rules = rules_for(lang)
    lead = _LEAD_EN.match(sentence)          # "Then the patient was ...": the subject follows
    lead_text = sentence[: lead.end()] if lead else ""
    sentence = sentence[len(lead_text):]
    m = next((m for m in (p.match(sentence) for p in _SUBJECTS_EN) if m), None)
    if not m:
        return
    subject, aux, verb = m.group("subject"), m.group("aux") or "", m.group("verb").lower()
    subject_words = _tokens(subject)
    if any(w in rules.function_words and w not in rules.determiners and w not in rules.pronouns
           and w != "of" for w in subject_words):
        return      # "Then the patient was ...", "The patient in room 3 ..." - not a plain subject
    if aux and not _is_participle(verb, rules):
        return
    person = subject_words[0] in rules.pronouns or bool(_PEOPLE & set(subject_words))
    human = subject_words[0] in ("he", "she", "we", "i") or bool(_PEOPLE & set(subject_words))
    if not aux and not (person and (verb in ("had", "has") or verb not in rules.function_words)):
        return      # active voice only for a person: "We closed ..., stapled ...", "The patient had ..."
    if not aux and not (verb in ("had", "has") or verb in rules.finite_verbs or _is_participle(verb, rules)):
        return      # "The patient well ...": the word after the subject must be a verb
    head_noun = subject_words[: subject_words.index("of")] if "of" in subject_words else subject_words
    if len(subject_words) > 3 and not _PEOPLE & set(head_noun):
        plural = aux.split()[0].lower() in ("were", "are", "have") if aux else False
        repeat = "They" if plural else "It"
    else:
        repeat = subject[:1].upper() + subject[1:]
    body = sentence[m.end():]
    # (where, repeat the subject's aux?, words of the conjunct's own verb to look past)
    cuts: list[tuple[int, bool, int]] = [(0, False, 0)]
    for c in _NEXT_ACTION_EN.finditer(body):
        action, after = c.group("verb").lower(), c.group("after").strip().lower()
        own = c.group("aux")
        if _EMBEDDED_CLAUSE.search(body, cuts[-1][0], c.start()):
            continue    # "I made sure that it laid flat and covered X": "covered" may be the mesh's
        if body.find(":", 0, c.start()) >= 0 or _TRAILING_CONJUNCTION.search(body, 0, c.start()):
            continue    # "were used: E on the right, cemented" (a list), "and then, used ..." (cut after "then")
        left = _tokens(body[: c.start()])       # after the cheap tests above: it reads all the text before
        if human and "and" in c.group().lower() and _safe_point(body, c.start(), lang) \
                and not _is_participle(action, rules) and len(left) >= 2 \
                and (own or action in _PERSON_FINITE_VERBS) and action not in rules.negations \
                and not _RELATIVE_WORD.search(body, 0, c.start()) \
                and not _OTHER_PEOPLE.search(body[: c.start()]):
            # "He has diabetes and is on insulin", "She had X and also has Y": a person's
            # second verb keeps its own form ("He is on insulin", "She has Y")
            cuts.append((c.start(), False, 1))
            continue
        if not _is_participle(action, rules) or not _safe_point(body, c.start(), lang):
            continue
        if len(left) < 2 or left[-1].endswith("ed"):
            continue    # "in a padded and secured position": adjectives, not actions
        if aux and after in _OBJECT_OPENERS:
            return      # "was carried out ... and identified the vessels": an active verb with an
            #             object after a passive one - not one subject's list of actions
        if after and _LOWER_START.match(after) and not (
                after in rules.function_words or after.endswith("ly") or after in _NOT_NOUNS):
            if aux:     # passive: "and secured position" is not "and secured with tape"
                continue
            if not c.group("aux") and (action in _FINDING_ADJECTIVES or not action.endswith("ed")):
                continue    # active: "He has pain and decreased appetite" - an adjective, not
                #             "He decreased appetite"; "used a block and wound instillation" - a noun
        if not aux and not own and after == "to" and action in _REPORTED_PARTICIPLES:
            continue    # "She has pain, noted to have a mass": "She noted to have" would be wrong
        if aux and not own and (action in _ACTIVE_BEFORE_TO and after in ("to", "up")):
            # "The patient was seen and decided to have surgery": "decided" is active -
            # "The patient decided to ...", never "The patient was decided to ..."
            cuts.append((c.start(), False, 0))
            continue
        if not own and any(not repeat_aux for _, repeat_aux, _ in cuts[1:]):
            continue    # "was moved, will be observed and discharged": "discharged" goes with "will be"
        cuts.append((c.start(), not own, 2 if own else 0))
    if len(cuts) < 2:
        return
    conjuncts: list[list] = []
    bounds = [c[0] for c in cuts[1:]] + [len(body)]
    for (start, repeat_aux, skip), end in zip(cuts, bounds):
        part = re.sub(r"^(?:,\s*)?(?:and\s+)?", "", body[start:end].strip())
        part = re.sub(r"^then,\s+", "then ", part)
        if conjuncts and word_count(part) < 2 and not (
                end == len(body) and _is_participle(_tokens(part)[0] if _tokens(part) else "", rules)):
            conjuncts[-1][0] += body[start:end]       # "padded, and secured" stays together
        else:
            conjuncts.append([part, repeat_aux, skip])
    if len(conjuncts) < 2 or word_count(conjuncts[0][0]) < 2:
        return
    for part, _, skip in conjuncts[1:]:
        words = _tokens(part)
        if words and words[0] in ("then", "also"):
            words = words[1:]
        words = words[skip:]
        if any(w in rules.finite_verbs and (k == 0 or words[k - 1] != "to") for k, w in enumerate(words)):
            return      # "... and cut in the midline was outlined": a clause with its own subject
    if _has_negation(sentence[: m.end()] + conjuncts[0][0], lang):
        return      # "was not intubated, placed supine": does the "not" reach further? leave it
    first_words = _tokens(conjuncts[0][0])
    if verb in first_words and any(w in rules.finite_verbs for w in first_words[first_words.index(verb) + 1:]):
        return      # "X was carried down and the screws were found and removed": the later action
        #             may be the inner subject's ("the screws were removed"), not X's
    pieces = [_capitalize(lead_text + sentence[: m.end()] + conjuncts[0][0])]
    for part, repeat_aux, _ in conjuncts[1:]:
        pieces.append(f"{repeat} {aux}{part}" if repeat_aux else f"{repeat} {part}")
    yield [_finish(p) for p in pieces[:-1]] + [pieces[-1]]


def _split_long_list(sentence: str, lang: str) -> Iterator[list[str]]:
    """Repeat the head ("Denies", "No", "including") for each chunk of a long list."""
    rules = rules_for(lang)
    body = sentence.rstrip()
    end_mark = ""
    while body and body[-1] in ".!?":
        end_mark = body[-1] + end_mark
        body = body[:-1]
    last = _patterns(lang)["last_item"].search(body)
    if not last:
        return
    conj = last.group(1)
    front, final_item = body[: last.start()], body[last.end():]
    parts = re.split(r",\s+", front)
    if len(parts) < 3:
        return          # fewer than four items
    head_match = None
    for head_match in _patterns(lang)["list_head"].finditer(parts[0]):
        pass
    if head_match is None:
        return
    head = parts[0][: head_match.end()].strip()
    items = [parts[0][head_match.end():].strip()] + [p.strip() for p in parts[1:]] + [final_item.strip()]
    if len(items) < 4 or word_count(head) > MAX_HEAD_WORDS or not items[0]:
        return
    if not _safe_point(body, last.start() + 1, lang) or any(
            not _safe_point(body, m.start(), lang) for m in re.finditer(r",\s+", front)):
        return
    negated = _has_negation(head, lang)
    verb_head = head_match.group().lower() in _VERB_HEADS
    for item in items:
        words = _tokens(item)
        if not item or word_count(item) > MAX_LIST_ITEM_WORDS or (lang == "es" and _has_verb(item, lang)):
            return
        if any(w in rules.finite_verbs for w in words) or looks_like_clause(item, lang):
            return      # an item with a verb is a clause, not a list entry
        if negated and words[0] in (rules.pronouns | rules.determiners):
            return      # "No bleeding, swelling, and the patient went home": not one list
        if verb_head and (_is_participle(words[0], rules) or words[0] in rules.function_words
                          or (words[0].endswith("ing") and len(words) > 1)):
            return      # "He has A, used to B": "He has used to B" would change the meaning
        if _MODIFIER_OPENER.match(words[0]) and words[0] not in _LY_NOUNS:
            return      # "many problems, primarily due to X, Y, Z": the item qualifies the one before it
    chunk_count = math.ceil(len(items) / LIST_CHUNK)
    size, extra = divmod(len(items), chunk_count)
    chunks, i = [], 0
    for n in range(chunk_count):
        take = size + (1 if n < extra else 0)
        chunks.append(items[i:i + take])
        i += take
    pieces = []
    for chunk in chunks:
        if len(chunk) == 1:
            listed = chunk[0]
        elif len(chunk) == 2 and not any(re.search(r"\s(?:%s|%s)\s" % (rules.and_word, rules.or_word), c)
                                         for c in chunk):
            listed = f"{chunk[0]} {conj} {chunk[1]}"
        elif len(chunk) == 2:       # "coughing or straining, or cancer": the comma keeps the items apart
            listed = f"{chunk[0]}, {conj} {chunk[1]}" if lang == "en" else f"{chunk[0]}; {conj} {chunk[1]}"
        else:
            comma = "," if lang == "en" else ""
            listed = ", ".join(chunk[:-1]) + f"{comma} {conj} {chunk[-1]}"
        pieces.append(_capitalize(f"{head} {listed}"))
    pieces = [_finish(p) for p in pieces[:-1]] + [pieces[-1] + (end_mark or "")]
    yield pieces


# A list item that opens like this qualifies the item before it rather than adding one.
_MODIFIER_OPENER = re.compile(r"\w+ly\Z|due\Z|secondary\Z|mainly\Z|except\Z|because\Z|debido\Z|principalmente\Z")
_LY_NOUNS = frozenset("belly early family daily weekly monthly yearly nightly hourly jelly ugly holy".split())


_TIME_CLAUSE_EN = re.compile(r"(?:after|once|as soon as)\s+", re.IGNORECASE)


def _split_time_clause(sentence: str, lang: str) -> Iterator[list[str]]:
    """'After the sac was opened, the testis was delivered.' -> 'The sac was opened. Then the testis ...'

    Only "after", "once" and "as soon as" (they only order two events), only when
    both parts are clauses with their own verb, and never "when", "if", "while"...
    (a condition or an overlap in time cannot be told as two steps).
    """
    if lang != "en":
        return
    lead = _TIME_CLAUSE_EN.match(sentence)
    if not lead:
        return
    comma = sentence.find(", ", lead.end())
    if comma < 0 or not _safe_point(sentence, comma, lang):
        return
    first, rest = sentence[lead.end():comma], sentence[comma + 2:]
    if "," in first or ";" in first or word_count(first) < 3:
        return
    rules = rules_for(lang)
    if not (any(t in rules.finite_verbs for t in _tokens(first)) or looks_like_clause(first, lang)):
        return      # "After removing the sac, ..." has no subject of its own
    if not looks_like_clause(rest, lang):
        return
    if "then" in _tokens(rest)[:3]:
        second = _capitalize(rest)                  # "we then removed ..." says it already
    else:
        word = rest.split(" ", 1)[0]
        if word.lower() in rules.function_words and word != "I":
            rest = word.lower() + rest[len(word):]  # "the patient", "he", "we": not a name
        second = "Then " + rest
    yield [_finish(_capitalize(first)), second]


_VERB_HEADS = frozenset("has had have takes took uses reports reported showed shows presenta tiene toma".split()
                        + ["comes in with", "came in with", "diagnosed with", "allergic to", "is on", "was on"])

RULES: tuple[Rule, ...] = (
    _split_time_clause, _split_semicolons, _split_clauses, _split_comma_clauses, _split_relatives, _split_person_who,
    _split_person_with, _split_shared_subject, _split_long_list,
)


# A heading in capitals run into its sentence, as in notes stored on one line.
_LEADING_HEADING = re.compile(r"[A-Z][A-Z0-9 /&,()-]{2,60}:\s+(?=[A-Z])")


def split_long_sentence(sentence: str, lang: str) -> list[str]:
    """Split `sentence` (one line, no line breaks) into shorter sentences, recursively.

    Deterministic and a fixpoint: splitting any returned piece again returns it
    unchanged, which keeps simplify() idempotent.
    """
    if next(islice(_WORD.finditer(sentence), SPLIT_ABOVE_WORDS, None), None) is None:
        return [sentence]       # word_count(sentence) <= SPLIT_ABOVE_WORDS, without counting them all
    heading = _LEADING_HEADING.match(sentence)
    if heading and not _has_negation(heading.group(), lang):
        # "PROCEDURE: After the sac was opened, ...": the rules read the sentence after it (not
        # after "NEGATIVE FOR:": the rules' negation checks must see the heading's negation)
        pieces = split_long_sentence(sentence[heading.end():], lang)
        return [sentence[: heading.end()] + pieces[0], *pieces[1:]]
    best: list[str] | None = None
    best_longest = 0
    for rule in RULES:
        for pieces in rule(sentence, lang):
            counts = [word_count(p) for p in pieces]     # each piece counted once
            if min(counts) < MIN_PIECE_WORDS:
                continue
            if best is None or max(counts) < best_longest:
                best, best_longest = pieces, max(counts)
    if best is None:
        return [sentence]
    return [piece for part in best for piece in split_long_sentence(part, lang)]

"""Finding sentences, and splitting long ones at safe points.

Splitting is where meaning is easiest to break, so every rule is narrow:

* a semicolon, or ", and" / ", but" / ", so" / ", then" (or a bare comma)
  between two *clauses* - the right-hand part has its own subject and verb:
  "X, and the wound was closed" -> "X. The wound was closed."  A bare " and "
  after a negation only when the next clause starts with a pronoun or "the...",
  so "denies fever and chills were ..." keeps its scope.  A dependent clause
  ("When X was done, ...") is never left standing alone;
* ", which was ..." -> ". This was ...", ", where he ..." -> ". There he ...",
  "a 50-year-old male who has ..." -> "... male. He has ..." (not after a negation);
* a list of actions sharing one subject: "The patient was taken to the room,
  placed supine, and prepped." -> one sentence per action, subject repeated
  (a long non-person subject becomes "It"/"They");
* a long list after a head such as "denies", "no", "negative for",
  "including": the head is REPEATED for each chunk, so "Denies A, B, C, D, or E"
  becomes "Denies A, B, or C. Denies D or E." and every item stays negated.

No piece may be shorter than three words (no new fragments), and no split
happens inside a protected span (numbers, drug names...) or inside parentheses.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable, Iterator

from .language_rules import LanguageRules, negation_pattern, rules_for
from .protect import find_protected

SPLIT_ABOVE_WORDS = 8      # only sentences longer than this are split
MIN_PIECE_WORDS = 3         # textstat ignores shorter "sentences"; so do readers
MAX_LIST_ITEM_WORDS = 6
MAX_HEAD_WORDS = 8
LIST_CHUNK = 3

_WORD = re.compile(r"\S*\w\S*")
_WORDLIKE = re.compile(r"\w")
_TOKEN = re.compile(r"[\w'’/-]+|[^\w\s]")
_END_PUNCT = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+\S)")
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
    for line in re.finditer(r"[^\n]+", text):
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
    after = body[mark.end():].lstrip()
    first = after[:1]
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

def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def _is_participle(word: str, rules: LanguageRules) -> bool:
    return word in rules.participles or (len(word) > 4 and word.endswith("ed"))


def _has_negation(text: str, lang: str) -> bool:
    return negation_pattern(lang).search(text) is not None


_CLAUSE_STOPS = frozenset("""that which who whom whose where when and or but nor
que quien cuyo donde cuando y o pero ni""".split())


def looks_like_clause(text: str, lang: str) -> bool:
    """Does `text` start with its own subject and verb ("the wound was closed")?

    Subject: a pronoun, or a short noun phrase (it may hold a preposition:
    "general anesthesia with a breathing tube was induced"); then a finite verb
    within eight words and before any comma.  A verb phrase that continues the
    previous subject ("placed in the supine position") is not a clause.
    """
    rules = rules_for(lang)
    tokens = _tokens(text[:160])[:10]      # only the start matters
    words = [t for t in tokens if _WORDLIKE.match(t)]
    if len(words) < 2:
        return False
    first = words[0]
    if first in rules.pronouns:
        return first not in ("this", "these", "esto", "este", "esta", "estos", "estas") or (
            words[1] in rules.finite_verbs
        )
    if lang == "es" and first in rules.finite_verbs:
        return True                                   # Spanish drops the subject
    if first in rules.function_words and first not in rules.determiners:
        return False
    if lang == "en" and (_is_participle(first, rules) or first.endswith("ing")):
        return False
    for i, token in enumerate(tokens[1:9], start=1):
        if not _WORDLIKE.match(token) or token in _CLAUSE_STOPS:
            return False    # a comma, "that", "and"... before any verb: not a plain subject
        if token in rules.finite_verbs:
            return True
        if lang == "en" and _is_participle(token, rules) and tokens[i - 1] not in rules.function_words:
            # "the patient tolerated ..." - a past-tense verb right after a noun phrase
            # (after "the"/"a" it is an adjective: "the provided dilator was used")
            return first in rules.determiners
    return False


def _has_verb(text: str, lang: str) -> bool:
    rules = rules_for(lang)
    return any(w in rules.finite_verbs or (lang == "en" and _is_participle(w, rules))
               for w in _tokens(text))


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


@lru_cache(maxsize=2048)
def _sentence_facts(sentence: str, lang: str) -> tuple[bytes, int, int]:
    """Facts every split rule asks about, computed once per sentence.

    (inside-parentheses flag per character, offset where the first negation
    starts, offset where the first verb ends) - so testing a split point is O(1).
    """
    inside = bytearray(len(sentence))
    depth = 0
    for i, ch in enumerate(sentence):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        inside[i] = depth > 0
    negation = negation_pattern(lang).search(sentence)
    first_negation = negation.start() if negation else len(sentence) + 1
    rules = rules_for(lang)
    first_verb = len(sentence) + 1
    for m in _TOKEN.finditer(sentence):
        word = m.group().lower()
        if word in rules.finite_verbs or (lang == "en" and _is_participle(word, rules)):
            first_verb = m.end()
            break
    return bytes(inside), first_negation, first_verb


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
    first = _TOKEN.match(sentence.lstrip())
    return not first or first.group().lower() not in rules_for(lang).subordinators


def _split_semicolons(sentence: str, lang: str) -> Iterator[list[str]]:
    for m in re.finditer(r";\s+", sentence):
        left, right = sentence[: m.start()], sentence[m.end():]
        if not _safe_point(sentence, m.start(), lang):
            continue
        if _negated_before(sentence, m.start(), lang) and not looks_like_clause(right, lang):
            continue    # "No fever; chills or sweats" - the list may still be negated
        yield [_finish(left), _capitalize(right)]


def _split_clauses(sentence: str, lang: str) -> Iterator[list[str]]:
    rules = rules_for(lang)
    for m in _patterns(lang)["joiner"].finditer(sentence):
        comma, joiner = m.group(1), " ".join(m.group(2).lower().split())
        left, right = sentence[: m.start()], sentence[m.end():]
        if not comma and joiner not in (rules.and_word, "and then", "but", "pero"):
            continue
        if not looks_like_clause(right, lang):
            continue
        if not (_safe_point(sentence, m.start() + 1, lang) and _main_clause_before(sentence, m.start(), lang)):
            continue
        if not comma and _negated_before(sentence, m.start(), lang) and (_tokens(right[:40]) or [""])[0] not in (
                rules.pronouns | rules.determiners):
            continue    # "denies fever and chills were ..." - keep a bare "and" together
        lead = rules.clause_joiners[joiner]
        right = f"{lead} {right}" if lead else right
        yield [_finish(left), _capitalize(right)]


_PERSON_WHO_EN = re.compile(
    r"\b(?P<noun>male|man|gentleman|boy|female|woman|lady|girl)(?:,)?\s+who\s+(?P<verb>[\w-]+)",
    re.IGNORECASE)
_SHE_NOUNS = frozenset("female woman lady girl".split())


def _split_person_who(sentence: str, lang: str) -> Iterator[list[str]]:
    """'This is a 50-year-old male who has tried ...' -> '... male. He has tried ...'"""
    if lang != "en":
        return
    rules = rules_for(lang)
    for m in _PERSON_WHO_EN.finditer(sentence):
        verb = m.group("verb").lower()
        if verb in rules.function_words and verb not in rules.finite_verbs:
            continue    # "who we saw" - the person is the object, not the subject
        left, right = sentence[: m.end("noun")], sentence[m.start("verb"):]
        if _negated_before(sentence, m.start(), lang) or not _main_clause_before(sentence, m.start(), lang):
            continue
        pronoun = "She" if m.group("noun").lower() in _SHE_NOUNS else "He"
        yield [_finish(left), f"{pronoun} {right}"]


def _split_comma_clauses(sentence: str, lang: str) -> Iterator[list[str]]:
    """'The lungs are clear, the heart is regular.' -> two sentences."""
    for m in re.finditer(r",\s+", sentence):
        left, right = sentence[: m.start()], sentence[m.end():]
        if not looks_like_clause(right, lang) or word_count(left) < 4:
            continue
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
        first = (_tokens(right[:40]) or [""])[0]
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
_VERB_AHEAD = r"(?=(?:then\s+)?(?P<verb>[\w-]+))"
# "He ...", "We then ..." (active or passive) or "The head of the femur was ..." (passive only).
_SUBJECTS_EN = (
    re.compile(r"^(?P<subject>he|she|they|we|i)\s+(?P<aux>%s\s+)?%s" % (_AUX_EN, _VERB_AHEAD),
               re.IGNORECASE),
    re.compile(r"^(?P<subject>(?:(?:the|this|his|her|their|our|a|an|it)\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,5}?)"
               r"\s+(?P<aux>%s\s+)%s" % (_AUX_EN, _VERB_AHEAD), re.IGNORECASE),
)
# ", and then was irrigated" / " and closed" / ", placed": where the next action starts.
_NEXT_ACTION_EN = re.compile(
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:then\s+)?(?P<aux>%s\s+)?(?:then\s+|\w+ly\s+)?(?P<verb>[\w-]+)"
    r"(?P<after>\W*\s*[\w'-]*))"
    % _AUX_EN, re.IGNORECASE)
_PEOPLE = frozenset("""patient patients he she they we i man woman boy girl child baby infant
gentleman lady male female""".split())


def _split_shared_subject(sentence: str, lang: str) -> Iterator[list[str]]:
    """'The patient was taken to X, placed supine, and prepped.' -> one sentence per action.

    Each new sentence repeats the subject ("The patient was placed supine."); a
    long subject that is not a person becomes "It"/"They".  Only actions that
    start with a past participle count, and not one used as an adjective
    ("a padded and secured position").
    """
    if lang != "en":
        return
    rules = rules_for(lang)
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
    if not aux and (verb in rules.function_words or subject_words[0] not in rules.pronouns):
        return      # active voice only after a pronoun: "We closed ..., stapled ..."
    head_noun = subject_words[: subject_words.index("of")] if "of" in subject_words else subject_words
    if len(subject_words) > 3 and not _PEOPLE & set(head_noun):
        plural = aux.split()[0].lower() in ("were", "are", "have") if aux else False
        repeat = "They" if plural else "It"
    else:
        repeat = subject[:1].upper() + subject[1:]
    body = sentence[m.end():]
    cuts: list[tuple[int, bool]] = [(0, False)]
    for c in _NEXT_ACTION_EN.finditer(body):
        action, after = c.group("verb").lower(), c.group("after").strip().lower()
        left = _tokens(body[: c.start()])
        if not _is_participle(action, rules) or not _safe_point(body, c.start(), lang):
            continue
        if len(left) < 2 or left[-1].endswith("ed"):
            continue    # "in a padded and secured position": adjectives, not actions
        if after and re.match(r"[a-z]", after) and not (after in rules.function_words or after.endswith("ly")):
            if aux:     # passive: "and secured position" is not "and secured with tape"
                continue
        cuts.append((c.start(), bool(c.group("aux"))))
    if len(cuts) < 2:
        return
    conjuncts: list[list] = []
    bounds = [c[0] for c in cuts[1:]] + [len(body)]
    for (start, own_aux), end in zip(cuts, bounds):
        part = re.sub(r"^(?:,\s*)?(?:and\s+)?", "", body[start:end].strip())
        if conjuncts and word_count(part) < 2:
            conjuncts[-1][0] += body[start:end]       # "padded, and secured" stays together
        else:
            conjuncts.append([part, own_aux])
    if len(conjuncts) < 2 or word_count(conjuncts[0][0]) < 2:
        return
    if _has_negation(sentence[: m.end()] + conjuncts[0][0], lang):
        return      # "was not intubated, placed supine": does the "not" reach further? leave it
    pieces = [_capitalize(sentence[: m.end()] + conjuncts[0][0])]
    for part, own_aux in conjuncts[1:]:
        pieces.append(f"{repeat} {part}" if own_aux else f"{repeat} {aux}{part}")
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
    parts = [p for p in re.split(r",\s+", front)]
    if any(not _safe_point(body, m.start(), lang) for m in re.finditer(r",\s+", front)):
        return
    head_match = None
    for head_match in _patterns(lang)["list_head"].finditer(parts[0]):
        pass
    if head_match is None:
        return
    head = parts[0][: head_match.end()].strip()
    items = [parts[0][head_match.end():].strip()] + [p.strip() for p in parts[1:]] + [final_item.strip()]
    if len(items) < 4 or word_count(head) > MAX_HEAD_WORDS or not items[0]:
        return
    negated = _has_negation(head, lang)
    for item in items:
        words = _tokens(item)
        if not item or word_count(item) > MAX_LIST_ITEM_WORDS or (lang == "es" and _has_verb(item, lang)):
            return
        if any(w in rules.finite_verbs for w in words) or looks_like_clause(item, lang):
            return      # an item with a verb is a clause, not a list entry
        if negated and words[0] in (rules.pronouns | rules.determiners):
            return      # "No bleeding, swelling, and the patient went home": not one list
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
        elif len(chunk) == 2:
            listed = f"{chunk[0]} {conj} {chunk[1]}"
        else:
            comma = "," if lang == "en" else ""
            listed = ", ".join(chunk[:-1]) + f"{comma} {conj} {chunk[-1]}"
        pieces.append(_capitalize(f"{head} {listed}"))
    pieces = [_finish(p) for p in pieces[:-1]] + [pieces[-1] + (end_mark or "")]
    yield pieces


RULES: tuple[Rule, ...] = (
    _split_semicolons, _split_clauses, _split_comma_clauses, _split_relatives, _split_person_who,
    _split_shared_subject, _split_long_list,
)


def split_long_sentence(sentence: str, lang: str) -> list[str]:
    """Split `sentence` (one line, no line breaks) into shorter sentences, recursively.

    Deterministic and a fixpoint: splitting any returned piece again returns it
    unchanged, which keeps simplify() idempotent.
    """
    if word_count(sentence) <= SPLIT_ABOVE_WORDS:
        return [sentence]
    best: list[str] | None = None
    for rule in RULES:
        for pieces in rule(sentence, lang):
            if any(word_count(p) < MIN_PIECE_WORDS for p in pieces):
                continue
            if best is None or max(map(word_count, pieces)) < max(map(word_count, best)):
                best = pieces
    if best is None:
        return [sentence]
    return [piece for part in best for piece in split_long_sentence(part, lang)]

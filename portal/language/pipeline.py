"""The portal's translation pipeline: segment, cache, batch-translate, verify, reassemble.

    translate_document(note, "en", "es", engine, cache)

1. Segment the note (segment.py), keeping its layout.
2. Look every sentence up in the cache, keyed by (sha256 of the sentence, source, target,
   model version): a new model version never serves an old model's translation.
3. Translate all misses in ONE engine call (one per hop when pivoting through English), so
   CTranslate2 batches them instead of paying its per-call cost once per sentence.
4. Verify each sentence: every number (7.2, 120/80, 01/15/2026, 10:30) and unit (mg, mmHg, %)
   of the source must appear in the translation, and no number may be added. Where not, that
   sentence shows its ORIGINAL text, marked ``kept_original``; a patient must never read a
   wrong dose.
5. Store new translations, reassemble.

No installed model is a normal state, not an error: the result is a ``NoModelForPair`` that
says so plainly and carries the original text. Engine failures raise ``EngineError`` so that
a background job can retry; nothing is cached then.
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol

from portal.language.engines import PORTAL_LANGUAGES, EngineError, TranslationEngine
from portal.language.segment import LAYOUT, Segment, reassemble, segment

PIVOT_LANGUAGE = "en"


# --- cache --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CacheKey:
    """One translated sentence. A database cache can store these four fields as its key."""

    source_sha256: str  # of the normalised sentence (see Segment.normalized)
    source_lang: str
    target_lang: str
    model_version: str

    @classmethod
    def for_text(cls, text: str, source_lang: str, target_lang: str, model_version: str) -> "CacheKey":
        return cls(hashlib.sha256(text.encode("utf-8")).hexdigest(), source_lang, target_lang, model_version)


class TranslationCache(Protocol):
    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        """The cached translations of those keys that are present."""

    def put_many(self, items: Mapping[CacheKey, str]) -> None:
        """Store translations (raw engine output; verification runs again on every read)."""


class MemoryCache:
    """A dict behind a lock: for tests, the command line and single-process setups."""

    def __init__(self) -> None:
        self._items: dict[CacheKey, str] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        with self._lock:
            return {key: self._items[key] for key in keys if key in self._items}

    def put_many(self, items: Mapping[CacheKey, str]) -> None:
        with self._lock:
            self._items.update(items)

    def __len__(self) -> int:
        return len(self._items)


# --- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TranslatedSegment:
    source: str  # exactly as in the note
    text: str  # what the reader sees: the translation, or the source when kept_original
    kind: str  # segment.LAYOUT, HEADING or SENTENCE
    kept_original: bool = False
    problems: tuple[str, ...] = ()  # why the original was kept, e.g. ("missing 120/80", "added 7")
    from_cache: bool = False


@dataclass(frozen=True)
class TranslatedDocument:
    source_lang: str
    target_lang: str
    text: str  # the reassembled translation
    segments: tuple[TranslatedSegment, ...]
    route: tuple[tuple[str, str], ...]  # (("es", "en"), ("en", "vi")) when pivoting
    model_version: str
    status: str = "translated"  # or "same_language"
    translated: bool = True

    @property
    def kept_original_count(self) -> int:
        return sum(1 for s in self.segments if s.kept_original)

    @property
    def engine_segment_count(self) -> int:
        return sum(1 for s in self.segments if s.kind != LAYOUT and not s.from_cache)


@dataclass(frozen=True)
class NoModelForPair:
    """No installed model (direct or through English) for this pair: show the original."""

    source_lang: str
    target_lang: str
    text: str  # the original, unchanged
    status: str = "no_model"
    translated: bool = False

    @property
    def message(self) -> str:
        return (f"No translation model is installed for {self.source_lang} to {self.target_lang}, "
                f"so the original text is shown.")


# --- the pipeline -------------------------------------------------------------------------------

def find_route(pairs: set[tuple[str, str]], source: str, target: str) -> tuple[tuple[str, str], ...] | None:
    """Direct pair if installed, else through English, else None."""
    if (source, target) in pairs:
        return ((source, target),)
    if PIVOT_LANGUAGE not in (source, target) and {(source, PIVOT_LANGUAGE), (PIVOT_LANGUAGE, target)} <= pairs:
        return ((source, PIVOT_LANGUAGE), (PIVOT_LANGUAGE, target))
    return None


def translate_document(
    text: str,
    source: str,
    target: str,
    engine: TranslationEngine,
    cache: TranslationCache,
) -> TranslatedDocument | NoModelForPair:
    segments = segment(text)
    if source == target:
        return TranslatedDocument(source, target, text, tuple(TranslatedSegment(s.text, s.text, s.kind) for s in segments),
                                  route=(), model_version="", status="same_language")
    route = find_route(engine.pairs(), source, target)
    if route is None:
        return NoModelForPair(source, target, text)
    if len(route) == 1:
        version = engine.model_version(source, target)
    else:  # both hops' versions: a new model on either side must miss the cache
        version = "+".join(f"{a}-{b}@{engine.model_version(a, b)}" for a, b in route)

    # Each distinct sentence once, whatever its layout or how often it occurs.
    sentences = list(dict.fromkeys(s.normalized for s in segments if s.translatable))
    keys = {sentence: CacheKey.for_text(sentence, source, target, version) for sentence in sentences}
    cached = cache.get_many(list(keys.values()))
    translations = {sentence: cached[key] for sentence, key in keys.items() if key in cached}
    misses = [sentence for sentence in sentences if sentence not in translations]

    if misses:
        fresh = _translate_along(route, misses, engine)
        cache.put_many({keys[s]: t for s, t in zip(misses, fresh)})
        translations.update(zip(misses, fresh))

    cached_sentences = {sentence for sentence, key in keys.items() if key in cached}
    result_segments = tuple(
        _checked(s, translations[s.normalized], from_cache=s.normalized in cached_sentences)
        if s.translatable else TranslatedSegment(s.text, s.text, s.kind)
        for s in segments
    )
    shown = [seg.text for seg in result_segments if seg.kind != LAYOUT]
    return TranslatedDocument(
        source, target, reassemble(segments, shown), result_segments, route=route, model_version=version,
    )


def _translate_along(route: tuple[tuple[str, str], ...], sentences: list[str], engine: TranslationEngine) -> list[str]:
    texts = sentences
    for hop_source, hop_target in route:
        try:
            texts = engine.translate_batch(list(texts), hop_source, hop_target)
        except EngineError:
            raise
        except Exception as error:  # one exception type for the job queue to retry on
            raise EngineError(f"{hop_source}->{hop_target} translation failed: {error!r}") from error
        if len(texts) != len(sentences):
            raise EngineError(f"Engine returned {len(texts)} translations for {len(sentences)} sentences")
    return [t.strip() for t in texts]


def _checked(source: Segment, translation: str, from_cache: bool) -> TranslatedSegment:
    problems = number_and_unit_problems(source.normalized, translation)
    if problems:
        return TranslatedSegment(source.text, source.text, source.kind, kept_original=True, problems=problems,
                                 from_cache=from_cache)
    return TranslatedSegment(source.text, translation, source.kind, from_cache=from_cache)


# --- verification: numbers and units ----------------------------------------------------------

# 7, 7.2, 1,000, 120/80, 01/15/2026, 2026-01-15, 10:30 (one token each: "120/80" must survive whole).
NUMBER = re.compile(r"\d+(?:[.,/:\-]\d+)*")
# Units count only right after a number ("5 mg", "98.6 °F", "40%"), so "g" in words or "L" for
# "left" are not units. Longest first, so "mg/dL" wins over "mg".
UNITS = sorted(
    ["mg/dL", "mmol/L", "mEq/L", "mL/min", "ng/mL", "pg/mL", "g/dL", "U/L", "IU/L", "mIU/L",
     "mmHg", "mm Hg", "mcg", "μg", "mg", "kg", "g", "lbs", "lb", "oz", "mL", "dL", "L",
     "cm", "mm", "IU", "mEq", "mmol", "bpm", "kcal", "°F", "°C", "ºF", "ºC", "%"],
    key=len, reverse=True,
)
# Not units here: words a translation rightly changes ("units" -> "unidades", "in" -> "en").
UNIT_AFTER_NUMBER = re.compile(
    r"\d\s?(" + "|".join(re.escape(u) for u in UNITS) + r")(?![^\W\d_])", re.IGNORECASE
)
# Accepted spellings in scripts that do not write units in Latin letters. Keep short and sure.
UNIT_ALIASES = {
    "mg": ("мг", "毫克", "밀리그램", "ملغ"),
    "kg": ("кг", "公斤", "千克", "킬로그램", "كغ", "كجم"),
    "g": ("г", "克"),
    "ml": ("мл", "毫升", "밀리리터"),
    "cm": ("см", "厘米", "센티미터"),
    "mm": ("мм", "毫米"),
    "mmhg": ("мм рт. ст.", "毫米汞柱"),
    "%": ("٪",),
}


def number_and_unit_problems(source: str, translation: str) -> tuple[str, ...]:
    """What the translation got wrong about numbers and units; empty when it kept them all.

    Numbers must match as a multiset: a lost number ("missing 5") and an invented one ("added 7")
    both fail, and "5 mg, then 5 mg" needs both 5s. Digits in other scripts (Arabic-Indic, full
    width) count as the same digits. A decimal comma ("7,2" for "7.2") fails on purpose: telling
    "1,000" from "1.000" is too dangerous to guess. Units must appear in the source's spelling
    or a listed alias.
    """
    source_n, translation_n = _digits_to_ascii(source), _digits_to_ascii(translation)
    want, have = Counter(NUMBER.findall(source_n)), Counter(NUMBER.findall(translation_n))
    problems = [f"missing {n}" for n in want if have[n] < want[n]]
    problems += [f"added {n}" for n in have if have[n] > want[n]]
    lowered = translation_n.lower()
    for unit in dict.fromkeys(UNIT_AFTER_NUMBER.findall(source_n)):
        spellings = (unit, *UNIT_ALIASES.get(unit.lower().replace(" ", ""), ()))
        if not any(_contains_unit(lowered, s.lower()) for s in spellings):
            problems.append(f"missing unit {unit}")
    return tuple(problems)


def _contains_unit(text: str, unit: str) -> bool:
    return re.search(r"(?<![^\W\d_])" + re.escape(unit) + r"(?![^\W\d_])", text) is not None


def _digits_to_ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width "１２０" becomes "120"
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


# --- language detection -----------------------------------------------------------------------

_identifier = None
_identifier_languages: list[str] = []
_identifier_lock = threading.Lock()
MIN_CONFIDENCE = 0.9
MIN_LETTERS = 4


def detect_language(text: str, languages: Iterable[str] = PORTAL_LANGUAGES) -> str | None:
    """The portal language the text is most likely in, or None when unsure.

    py3langid is unreliable on a few words ("merci" came out as Spanish, "The patient denies
    chest pain." as French at 0.82), so guesses under MIN_CONFIDENCE (probability among the
    portal's languages) and texts with under MIN_LETTERS letters give None.
    """
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    identifier = _language_identifier()
    wanted = sorted(set(languages))
    with _identifier_lock:  # set_languages changes the shared identifier
        if wanted != _identifier_languages:
            identifier.set_languages(wanted)
            _identifier_languages[:] = wanted
        language, confidence = identifier.classify(text)
    return language if confidence >= MIN_CONFIDENCE else None


def _language_identifier():
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier

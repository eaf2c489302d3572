"""What the pipeline does with the text, using the deterministic FakeEngine."""
from __future__ import annotations

import pytest

from portal.language.engines import EngineError, FakeEngine
from portal.language.pipeline import (
    CacheKey,
    MemoryCache,
    NoModelForPair,
    TranslatedDocument,
    detect_language,
    number_and_unit_problems,
    translate_document,
)

NOTE = """HISTORY OF PRESENT ILLNESS:
The patient denies chest pain. Take metformin 500 mg twice daily with food.

Vitals: BP 120/80 mmHg, HR 72 bpm, A1c 7.2%.
- Take aspirin 81 mg daily.
- No fever.
"""


def test_translates_every_sentence_and_keeps_numbers_units_and_layout():
    engine = FakeEngine()

    result = translate_document(NOTE, "en", "es", engine, MemoryCache())

    assert isinstance(result, TranslatedDocument) and result.translated
    assert result.text == (
        "[es] HISTORY OF PRESENT ILLNESS:\n"
        "[es] El paciente niega pecho dolor. [es] Tome metformin 500 mg dos veces diario con comida.\n"
        "\n"
        "[es] Vitals: [es] BP 120/80 mmHg, HR 72 bpm, A1c 7.2%.\n"
        "- [es] Tome aspirin 81 mg diario.\n"
        "- [es] No fiebre.\n"
    )
    assert result.kept_original_count == 0
    assert result.route == (("en", "es"),)


def test_all_misses_go_to_the_engine_in_one_batch_each_distinct_sentence_once():
    engine = FakeEngine()
    translate_document("No fever. Rest.\n- No fever.\n- Drink water.", "en", "es", engine, MemoryCache())
    assert engine.calls == [(("No fever.", "Rest.", "Drink water."), "en", "es")]


def test_sentence_whose_number_was_dropped_keeps_its_original_and_is_marked():
    engine = FakeEngine(drop_numbers_in={"BP 120/80 mmHg, HR 72 bpm, A1c 7.2%."})

    result = translate_document(NOTE, "en", "es", engine, MemoryCache())

    kept = [s for s in result.segments if s.kept_original]
    assert [s.text for s in kept] == ["BP 120/80 mmHg, HR 72 bpm, A1c 7.2%."]
    assert kept[0].problems == ("missing 120/80", "missing 72", "missing 1", "missing 7.2")  # 1 of A1c
    assert "Vitals: BP 120/80 mmHg, HR 72 bpm, A1c 7.2%.\n" in result.text  # original, in place
    assert "[es] Tome aspirin 81 mg diario." in result.text  # the others are still translated
    assert result.kept_original_count == 1


def test_hard_wrapped_sentence_is_translated_as_one_and_kept_with_its_line_break():
    engine = FakeEngine(drop_numbers_in={"Take 5 mg at night."})
    result = translate_document("Take 5 mg\nat night. Rest.", "en", "es", engine, MemoryCache())
    assert engine.calls[0][0] == ("Take 5 mg at night.", "Rest.")
    assert result.text == "Take 5 mg\nat night. [es] Rest."


def test_cache_hit_makes_no_engine_call():
    engine, cache = FakeEngine(), MemoryCache()
    first = translate_document(NOTE, "en", "es", engine, cache)
    calls_after_first = len(engine.calls)

    second = translate_document(NOTE, "en", "es", engine, cache)

    assert len(engine.calls) == calls_after_first == 1
    assert second.text == first.text
    assert second.engine_segment_count == 0


def test_only_new_sentences_are_sent_when_a_note_changes():
    engine, cache = FakeEngine(), MemoryCache()
    translate_document("No fever. Rest.", "en", "es", engine, cache)
    translate_document("No fever. Rest. Call the clinic.", "en", "es", engine, cache)
    assert engine.calls[-1][0] == ("Call the clinic.",)


def test_new_model_version_misses_the_cache():
    cache = MemoryCache()
    translate_document("No fever.", "en", "es", FakeEngine(version="fake-1"), cache)
    newer = FakeEngine(version="fake-2")

    translate_document("No fever.", "en", "es", newer, cache)

    assert len(newer.calls) == 1
    assert len(cache) == 2


def test_cache_key_is_small_and_named():
    key = CacheKey.for_text("No fever.", "en", "es", "1.0")
    assert key.source_lang == "en" and key.target_lang == "es" and key.model_version == "1.0"
    assert len(key.source_sha256) == 64
    assert hash(key) == hash(CacheKey.for_text("No fever.", "en", "es", "1.0"))


def test_cached_translation_is_verified_again_on_every_read():
    cache = MemoryCache()
    key = CacheKey.for_text("Take 5 mg.", "en", "es", "fake-1")
    cache.put_many({key: "Tome mg."})  # a bad translation stored earlier
    result = translate_document("Take 5 mg.", "en", "es", FakeEngine(), cache)
    assert result.text == "Take 5 mg."
    assert result.segments[0].kept_original and result.segments[0].from_cache


def test_pivot_through_english_when_no_direct_pair():
    engine = FakeEngine(pairs={("es", "en"), ("en", "vi")})

    result = translate_document("El paciente niega dolor.", "es", "vi", engine, MemoryCache())

    assert result.route == (("es", "en"), ("en", "vi"))
    assert result.text == "[vi] [en] The bệnh nhân denies đau."
    assert [(c[1], c[2]) for c in engine.calls] == [("es", "en"), ("en", "vi")]
    assert result.model_version == "es-en@fake-1+en-vi@fake-1"


def test_direct_pair_is_preferred_over_the_pivot():
    engine = FakeEngine(pairs={("es", "en"), ("en", "fr"), ("es", "fr")})
    result = translate_document("Dolor.", "es", "fr", engine, MemoryCache())
    assert result.route == (("es", "fr"),)


def test_no_route_is_a_plain_status_not_an_exception():
    engine = FakeEngine(pairs={("en", "es")})

    result = translate_document(NOTE, "en", "ht", engine, MemoryCache())

    assert isinstance(result, NoModelForPair)
    assert not result.translated and result.status == "no_model"
    assert result.text == NOTE
    assert result.message == "No translation model is installed for en to ht, so the original text is shown."
    assert engine.calls == []


def test_same_language_is_returned_unchanged():
    engine = FakeEngine()
    result = translate_document(NOTE, "en", "en", engine, MemoryCache())
    assert result.text == NOTE and result.status == "same_language"
    assert engine.calls == []


def test_text_without_sentences_needs_no_engine():
    engine = FakeEngine()
    result = translate_document("\n  120/80\n---\n", "en", "es", engine, MemoryCache())
    assert result.text == "\n  120/80\n---\n"
    assert engine.calls == []


def test_engine_failure_raises_and_caches_nothing():
    cache = MemoryCache()
    engine = FakeEngine(fail_with=EngineError("model crashed"))
    with pytest.raises(EngineError, match="model crashed"):
        translate_document(NOTE, "en", "es", engine, cache)
    assert len(cache) == 0


def test_any_engine_exception_becomes_an_engine_error():
    engine = FakeEngine(fail_with=MemoryError("out of memory"))
    with pytest.raises(EngineError, match="en->es translation failed: MemoryError"):
        translate_document("No fever.", "en", "es", engine, MemoryCache())


def test_engine_returning_the_wrong_number_of_sentences_is_an_error():
    engine = FakeEngine()
    engine.translate_batch = lambda segments, source, target: ["only one"]
    with pytest.raises(EngineError, match="returned 1 translations for 2"):
        translate_document("No fever. Rest.", "en", "es", engine, MemoryCache())


# --- the number and unit check ----------------------------------------------------------------

@pytest.mark.parametrize(
    "source, translation, problems",
    [
        ("BP 120/80 mmHg.", "PA 120/80 mmHg.", ()),
        ("BP 120/80 mmHg.", "PA 120 / 80 mmHg.", ("missing 120/80", "added 120", "added 80")),
        ("A1c 7.2%.", "A1c 7,2 %.", ("missing 7.2", "added 7,2")),
        ("Take 5 mg, then 5 mg.", "Tome 5 mg.", ("missing 5",)),
        ("Take 5 mg.", "Tome 5 mg 7 veces.", ("added 7",)),
        ("Take 5 mg.", "Tome 5.", ("missing unit mg",)),
        ("Weight 70 kg.", "Вес 70 кг.", ()),
        ("Weight 70 kg.", "الوزن ٧٠ كغ.", ()),  # Arabic-Indic digits are the same digits
        ("Return on 01/15/2026 at 10:30.", "Regrese el 01/15/2026 a las 10:30.", ()),
        ("Pain in the L knee, 3 in 10.", "Dolor en la rodilla izquierda, 3 de 10.", ()),  # "L", "in": not units here
        ("Inject 10 units.", "Inyecte 10 unidades.", ()),
    ],
)
def test_number_and_unit_problems(source, translation, problems):
    assert number_and_unit_problems(source, translation) == problems


# --- language detection -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, language",
    [
        ("Me duele la cabeza desde ayer y tengo fiebre.", "es"),
        ("Can I get a refill of my blood pressure medicine please?", "en"),
        ("Tôi cần gặp bác sĩ vì bị đau bụng.", "vi"),
        ("Kailangan ko po ng gamot para sa aking ubo.", "tl"),
        ("Mwen bezwen wè doktè a paske mwen malad.", "ht"),
        ("أحتاج إلى موعد مع الطبيب", "ar"),
        ("의사 선생님과 예약이 필요합니다.", "ko"),
        ("我需要预约医生，我头痛。", "zh"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["Hi", "merci", "ok", "", "120/80"])
def test_detect_language_says_none_when_unsure(text):
    assert detect_language(text) is None

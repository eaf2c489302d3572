"""ArgosEngine on tiny real packages: loading, batching, caching, pivots, refresh.

The tiny models translate into gibberish, so these tests check plumbing, never wording.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import ctranslate2
import pytest

from portal.language import packages
from portal.language.engines import ArgosEngine, EngineError, TranslationEngine
from portal.language.pipeline import MemoryCache, translate_document

REPO_ROOT = Path(__file__).resolve().parents[2]


class CountingTranslator:
    """Wraps a real ctranslate2.Translator and counts translate_batch calls."""

    def __init__(self, *args, **kwargs):
        self.real = ctranslate2.Translator(*args, **kwargs)
        self.batches: list[int] = []

    def translate_batch(self, tokens, **kwargs):
        self.batches.append(len(tokens))
        return self.real.translate_batch(tokens, **kwargs)


class CountingFactory:
    def __init__(self):
        self.created: list[CountingTranslator] = []
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        translator = CountingTranslator(*args, **kwargs)
        with self.lock:
            self.created.append(translator)
        return translator


@pytest.fixture
def en_es(packages_dir, tiny_model):
    packages.install_from_file(tiny_model)
    return packages_dir


def test_engine_meets_the_interface(en_es):
    assert isinstance(ArgosEngine(), TranslationEngine)


def test_pairs_and_version_come_from_metadata(en_es):
    engine = ArgosEngine()
    assert engine.pairs() == {("en", "es")}
    assert engine.model_version("en", "es") == "0.1"
    assert engine.loaded_pairs() == set()  # nothing loaded just to answer that


def test_batch_of_three_is_one_translator_call(en_es):
    factory = CountingFactory()
    engine = ArgosEngine(translator_factory=factory)
    sentences = ["The patient denies chest pain.", "Take 500 mg twice a day.", "Follow up in 3 months."]

    out = engine.translate_batch(sentences, "en", "es")

    assert len(out) == 3 and all(isinstance(text, str) for text in out)
    assert len(factory.created) == 1
    assert factory.created[0].batches == [3]

    engine.translate_batch(sentences[:1], "en", "es")
    assert len(factory.created) == 1  # the loaded model is reused
    assert factory.created[0].batches == [3, 1]


def test_same_input_same_output(en_es):
    engine = ArgosEngine()
    first = engine.translate_batch(["Drink plenty of water."], "en", "es")
    assert engine.translate_batch(["Drink plenty of water."], "en", "es") == first


def test_empty_batch_loads_nothing(en_es):
    engine = ArgosEngine()
    assert engine.translate_batch([], "en", "es") == []
    assert engine.loaded_pairs() == set()


def test_concurrent_first_use_loads_the_model_once(en_es):
    factory = CountingFactory()
    engine = ArgosEngine(translator_factory=factory)
    errors = []

    def work():
        try:
            engine.translate_batch(["Call the clinic."], "en", "es")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(factory.created) == 1
    assert sum(factory.created[0].batches) == 6


def test_unknown_pair_is_an_engine_error(en_es):
    with pytest.raises(EngineError, match="No Argos package installed for en->vi"):
        ArgosEngine().translate_batch(["Hello."], "en", "vi")


def test_damaged_model_is_an_engine_error(en_es):
    (en_es / "translate-en_es-0_1" / "model" / "model.bin").write_bytes(b"garbage")
    with pytest.raises(EngineError, match="Could not load the translate-en_es package"):
        ArgosEngine().translate_batch(["Hello."], "en", "es")


def test_refresh_sees_installs_and_removals(en_es, model_files):
    engine = ArgosEngine()
    engine.translate_batch(["Rest."], "en", "es")
    packages.install_from_file(model_files[("en", "fr", "0.1")])
    assert ("en", "fr") not in engine.pairs()  # scanned once, until refreshed

    engine.refresh()
    assert engine.pairs() == {("en", "es"), ("en", "fr")}
    assert engine.loaded_pairs() == set()

    packages.remove("en", "es")
    engine.refresh()
    assert engine.pairs() == {("en", "fr")}


def test_newest_version_wins_when_two_are_on_disk(en_es, model_files, tmp_path):
    # Argos's own installer never removes the older folder, so both can be present.
    other = tmp_path / "other"
    packages.install_from_file(model_files[("en", "es", "0.2")], other)
    (other / "translate-en_es-0_2").rename(en_es / "translate-en_es-0_2")
    assert ArgosEngine().model_version("en", "es") == "0.2"


def test_target_prefix_is_sent_and_stripped(en_es):
    """Multilingual packages name the target language with a first token; it is not text."""
    import sentencepiece

    package_dir = en_es / "translate-en_es-0_1"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    prefix = tokenizer.id_to_piece(10)  # any piece of the tiny vocabulary
    metadata = json.loads((package_dir / "metadata.json").read_text())
    metadata["target_prefix"] = prefix
    (package_dir / "metadata.json").write_text(json.dumps(metadata))
    seen = []

    class PrefixSpy(CountingTranslator):
        def translate_batch(self, tokens, **kwargs):
            results = super().translate_batch(tokens, **kwargs)
            seen.append((kwargs["target_prefix"], [r.hypotheses[0] for r in results]))
            return results

    out = ArgosEngine(translator_factory=PrefixSpy).translate_batch(["Rest.", "Drink water."], "en", "es")

    [(sent_prefix, hypotheses)] = seen
    assert sent_prefix == [[prefix], [prefix]]
    assert all(h[0] == prefix for h in hypotheses)
    assert out == [tokenizer.decode(h[1:]).strip() for h in hypotheses]


def test_pipeline_with_argos_engine_caches_per_sentence(en_es):
    factory = CountingFactory()
    engine = ArgosEngine(translator_factory=factory)
    cache = MemoryCache()
    note = "HISTORY OF PRESENT ILLNESS:\nThe patient denies chest pain. Drink plenty of water.\n- Rest."

    first = translate_document(note, "en", "es", engine, cache)
    second = translate_document(note, "en", "es", engine, cache)

    assert first.translated and first.model_version == "0.1"
    assert factory.created[0].batches == [4]  # heading + 3 sentences in one call
    assert second.text == first.text
    assert all(s.from_cache for s in second.segments if s.kind != "layout")
    assert factory.created[0].batches == [4]  # the second run made no call
    assert first.text.count("\n") == note.count("\n")


def test_pivot_through_english_with_real_packages(packages_dir, model_files):
    packages.install_from_file(model_files[("es", "en", "0.1")])
    packages.install_from_file(model_files[("en", "fr", "0.1")])
    factory = CountingFactory()

    result = translate_document("Beba mucha agua. Descanse.", "es", "fr", ArgosEngine(translator_factory=factory),
                                MemoryCache())

    assert result.route == (("es", "en"), ("en", "fr"))
    assert result.model_version == "es-en@0.1+en-fr@0.1"
    assert [t.batches for t in factory.created] == [[2], [2]]


def test_web_side_imports_stay_light():
    """Importing the language modules loads no torch/stanza/argostranslate, nor even ctranslate2."""
    code = (
        "import sys, portal.language.engines, portal.language.pipeline, portal.language.packages, "
        "portal.language.segment\n"
        "heavy = [m for m in ('torch', 'stanza', 'spacy', 'argostranslate', 'ctranslate2', 'sentencepiece') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

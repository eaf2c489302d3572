"""Translation engines: the small interface the pipeline needs, a fake for tests, and Argos.

The pipeline (pipeline.py) owns segmentation, caching and safety checks; an engine only turns a
list of sentences into a list of translated sentences for one installed language pair.

``ArgosEngine`` runs installed Argos Translate packages with CTranslate2 and SentencePiece
directly. It never imports ``argostranslate.translate``: that module pulls in stanza, spaCy
and torch (about 330 MB and 2 s), and its sentence splitter downloads a model on first use.
ctranslate2 and sentencepiece are imported only when a model is first loaded, so a web
process that merely builds an engine stays small.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, runtime_checkable

from portal.language import packages

PORTAL_LANGUAGES = ("en", "es", "vi", "zh", "tl", "ar", "ko", "ru", "ht", "pt", "fr")


class EngineError(Exception):
    """The engine failed to translate (model missing on disk, crashed, wrong output length)."""


@runtime_checkable
class TranslationEngine(Protocol):
    def translate_batch(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate every segment from source to target, one output per input, in order."""

    def model_version(self, source: str, target: str) -> str:
        """Identifies the model for a pair; a new version must give a new string (cache key)."""

    def pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs this engine can translate directly."""


# --- a deterministic engine for tests ------------------------------------------------------

# A few words per language so tests can assert that text really went through the engine.
FAKE_WORDS: dict[str, dict[str, str]] = {
    "es": {"the": "el", "patient": "paciente", "denies": "niega", "chest": "pecho", "pain": "dolor",
           "take": "tome", "daily": "diario", "twice": "dos veces", "with": "con", "food": "comida",
           "and": "y", "no": "no", "fever": "fiebre", "call": "llame", "clinic": "clínica"},
    "en": {"el": "the", "paciente": "patient", "niega": "denies", "dolor": "pain", "pecho": "chest",
           "tome": "take", "con": "with", "comida": "food", "fiebre": "fever", "y": "and"},
    "vi": {"patient": "bệnh nhân", "pain": "đau", "take": "uống", "daily": "hằng ngày"},
    "fr": {"the": "le", "patient": "patient", "pain": "douleur", "take": "prenez"},
}
DIGITS = re.compile(r"\d")


class FakeEngine:
    """Deterministic engine: "[es] " + the text with a few words swapped.

    Numbers and units pass through unchanged unless told otherwise, like a good model.
      - ``calls`` records every batch, so a test can prove that a cache hit made no call;
      - ``drop_numbers_in``: source segments whose digits the fake deletes (a bad model);
      - ``mangle(source, output) -> output``: applied to each output (for property tests);
      - ``fail_with``: an exception raised on every call.
    """

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]] | None = None,
        version: str = "fake-1",
        drop_numbers_in: Iterable[str] = (),
        mangle: Callable[[str, str], str] | None = None,
        fail_with: Exception | None = None,
    ):
        if pairs is None:  # every portal language to and from English
            pairs = [(lang, "en") for lang in PORTAL_LANGUAGES if lang != "en"]
            pairs += [("en", lang) for lang in PORTAL_LANGUAGES if lang != "en"]
        self._pairs = set(pairs)
        self.version = version
        self.drop_numbers_in = set(drop_numbers_in)
        self.mangle = mangle
        self.fail_with = fail_with
        self.calls: list[tuple[tuple[str, ...], str, str]] = []

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._pairs)

    def model_version(self, source: str, target: str) -> str:
        return self.version

    def translate_batch(self, segments: list[str], source: str, target: str) -> list[str]:
        self.calls.append((tuple(segments), source, target))
        if self.fail_with is not None:
            raise self.fail_with
        if (source, target) not in self._pairs:
            raise EngineError(f"FakeEngine has no {source}->{target} pair")
        return [self._translate_one(text, target) for text in segments]

    def _translate_one(self, text: str, target: str) -> str:
        words = FAKE_WORDS.get(target, {})
        out = re.sub(r"[^\W\d_]+", lambda m: _swap_word(m.group(0), words), text)
        if text in self.drop_numbers_in:
            out = DIGITS.sub("", out)
        out = f"[{target}] {out}"
        if self.mangle is not None:
            out = self.mangle(text, out)
        return out


def _swap_word(word: str, table: dict[str, str]) -> str:
    swapped = table.get(word.lower())
    if swapped is None:
        return word
    return swapped.capitalize() if word[0].isupper() else swapped


# --- Argos Translate packages, run with CTranslate2 ----------------------------------------

@dataclass
class _LoadedModel:
    translator: Any  # ctranslate2.Translator
    tokenizer: Any  # sentencepiece.SentencePieceProcessor
    package: packages.InstalledPackage


class ArgosEngine:
    """Runs installed Argos packages (``model/``, ``sentencepiece.model``, ``metadata.json``).

    A pair's model loads on first use and stays loaded; loading is guarded by a lock so two
    threads never load the same model twice. CTranslate2 translators may be called from several
    threads at once. After installing or removing packages call ``refresh()`` (or restart the
    worker) so the engine sees the change.

    Decoding follows argostranslate 1.11 (beam 4, length penalty 0.2, unknown tokens replaced),
    so a sentence translates exactly as Argos would translate it. Batching does not: Argos
    sends one call per line and caps each sub-batch at 32 *tokens* (about one sentence), while
    this engine sends the whole note in one call in sub-batches of up to 32 *sentences*, which
    CTranslate2 sorts by length to limit padding.
    """

    def __init__(
        self,
        packages_dir: str | Path | None = None,
        *,
        beam_size: int = 4,
        max_batch_size: int = 32,
        device: str = "cpu",
        inter_threads: int = 1,
        intra_threads: int = 0,
        compute_type: str = "auto",
        translator_factory: Callable[..., Any] | None = None,
    ):
        self.packages_dir = Path(packages_dir) if packages_dir else None
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.device = device
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.compute_type = compute_type
        self._translator_factory = translator_factory  # tests wrap ctranslate2.Translator
        self._lock = threading.Lock()
        self._installed: dict[tuple[str, str], packages.InstalledPackage] | None = None
        self._loaded: dict[tuple[str, str], _LoadedModel] = {}

    # The engine interface

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._installed_packages())

    def model_version(self, source: str, target: str) -> str:
        return self._package_for(source, target).version

    def translate_batch(self, segments: list[str], source: str, target: str) -> list[str]:
        if not segments:
            return []
        model = self._load(source, target)
        pieces = model.tokenizer.encode(list(segments), out_type=str)
        prefix = model.package.target_prefix
        try:
            results = model.translator.translate_batch(
                pieces,
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                beam_size=self.beam_size,
                num_hypotheses=1,
                length_penalty=0.2,
                replace_unknowns=True,
                max_batch_size=self.max_batch_size,
                batch_type="examples",
            )
        except Exception as error:  # CTranslate2 raises RuntimeError/ValueError on bad input
            raise EngineError(f"CTranslate2 failed for {source}->{target}: {error}") from error
        outputs = []
        for result in results:
            tokens = result.hypotheses[0]
            if prefix and tokens and tokens[0] == prefix:
                tokens = tokens[1:]  # multilingual models echo the target-language token
            outputs.append(model.tokenizer.decode(tokens).strip())
        return outputs

    # Operator helpers

    def refresh(self) -> None:
        """Forget what was scanned and loaded; the next call rescans the packages folder."""
        with self._lock:
            self._installed = None
            self._loaded.clear()

    def loaded_pairs(self) -> set[tuple[str, str]]:
        return set(self._loaded)

    # Internals

    def _installed_packages(self) -> dict[tuple[str, str], packages.InstalledPackage]:
        with self._lock:
            if self._installed is None:
                self._installed = {}
                for package in packages.list_installed(self.packages_dir):
                    if package.tokenizer != "sentencepiece":
                        continue  # BPE packages (a few old ones) would need sacremoses; not supported
                    pair = (package.from_code, package.to_code)
                    current = self._installed.get(pair)
                    if current is None or packages.version_key(package.version) > packages.version_key(current.version):
                        self._installed[pair] = package
            return self._installed

    def _package_for(self, source: str, target: str) -> packages.InstalledPackage:
        package = self._installed_packages().get((source, target))
        if package is None:
            raise EngineError(f"No Argos package installed for {source}->{target}")
        return package

    def _load(self, source: str, target: str) -> _LoadedModel:
        pair = (source, target)
        model = self._loaded.get(pair)
        if model is not None:
            return model
        package = self._package_for(source, target)
        with self._lock:
            model = self._loaded.get(pair)  # another thread may have loaded it meanwhile
            if model is None:
                model = self._load_package(package)
                self._loaded[pair] = model
        return model

    def _load_package(self, package: packages.InstalledPackage) -> _LoadedModel:
        import ctranslate2
        import sentencepiece

        factory = self._translator_factory or ctranslate2.Translator
        try:
            translator = factory(
                str(package.path / "model"),
                device=self.device,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
                compute_type=self.compute_type,
            )
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package.path / "sentencepiece.model"))
        except (OSError, RuntimeError, ValueError) as error:
            raise EngineError(f"Could not load the {package.code} package at {package.path}: {error}") from error
        return _LoadedModel(translator, tokenizer, package)

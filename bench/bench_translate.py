"""Translation throughput: the portal pipeline against argostranslate, same model, same text.

    python bench/bench_translate.py [--sentences 60] [--repeat 5] [--argos-python PATH]

Prints sentences per second for
  1. the portal: translate_document() with ArgosEngine and an empty cache (cold) and again with
     the cache filled (warm);
  2. argostranslate.translate itself, when it can be imported: in this process if it is
     installed here, else in the Python given by --argos-python (or $ARGOS_FULL_PYTHON), a
     separate virtualenv with the full install (torch, stanza, spaCy). Its default sentence
     splitter (MiniSBD) downloads a model on first use, which fails offline, so it is given the
     portal's regex splitter: the same sentences reach the model on both sides. Its
     in-memory cache (the previous call's paragraphs) is emptied before each run, so both
     sides translate every sentence;
  3. always, two in-process stand-ins using the same ctranslate2 + sentencepiece:
     "argos-equivalent": what argostranslate 1.11 does (apply_packaged_translation): one
     translate_batch per line of text; "one sentence at a time": one call per sentence.
The model is the tiny random package from portal.language.tinymodel (output is gibberish; only
speed is measured). Decoding settings are Argos's (beam 4, length penalty 0.2) everywhere.

It also prints the RSS of a fresh interpreter after importing the portal's language modules
(no model loaded) and whether torch, stanza or argostranslate got imported.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY_MODULES = ("torch", "stanza", "spacy", "argostranslate", "argostranslate.translate", "ctranslate2")

# Argos 1.11 decoding settings (argostranslate.settings defaults + apply_packaged_translation).
ARGOS_DECODING = dict(beam_size=4, num_hypotheses=1, length_penalty=0.2, replace_unknowns=True,
                      max_batch_size=32, batch_type="tokens")

SENTENCE_TEMPLATES = [
    "The patient denies chest pain since {n} days.",
    "Take metformin {n} mg twice a day with food.",
    "Blood pressure was 1{n}/80 mmHg and heart rate {n} bpm.",
    "Your hemoglobin A1c is 7.{n} percent.",
    "Follow up in {n} weeks with Dr. Smith.",
    "No fever, no cough and no shortness of breath for {n} days.",
    "Continue lisinopril {n} mg daily.",
    "Call the clinic if the pain gets worse after {n} hours.",
    "Drink {n} glasses of water and rest.",
    "Check your blood sugar every morning before {n} a.m.",
]


def build_note(sentence_count: int) -> str:
    """A note of distinct sentences in paragraphs, list items and headings."""
    lines, paragraph = ["HISTORY OF PRESENT ILLNESS:"], []
    for i in range(sentence_count - 1):
        sentence = SENTENCE_TEMPLATES[i % len(SENTENCE_TEMPLATES)].format(n=10 + i)
        if i % 10 >= 7:
            lines.append(f"- {sentence}")
            continue
        paragraph.append(sentence)
        if len(paragraph) == 4:
            lines.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines) + "\n"


def timed(function, repeat: int) -> float:
    """Median seconds of `repeat` runs."""
    return timed_in_turn({"f": function}, repeat)["f"]


def timed_in_turn(functions: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each function, running them in turn `repeat` times."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def rss_after_web_imports() -> dict:
    code = (
        "import json, sys\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
        "bare = rss()\n"
        "import portal.language.engines, portal.language.pipeline, portal.language.packages, portal.language.segment\n"
        "from portal.language.engines import ArgosEngine\n"
        "ArgosEngine().pairs()\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print(json.dumps({'bare_mb': bare, 'after_mb': rss(), 'heavy': heavy}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def load_segment_module():
    """portal.language.segment by file path: the argos child venv has no Flask for portal/__init__."""
    spec = importlib.util.spec_from_file_location("portal_segment", REPO_ROOT / "portal" / "language" / "segment.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class PortalSplitter:
    """Stands in for Argos's MiniSBD splitter (which downloads a model) with the portal's regexes."""

    def __init__(self):
        self.split = load_segment_module().split_sentences

    def split_sentences(self, text: str) -> list[str]:
        return self.split(text) or [text]


def run_argostranslate(text: str, repeat: int) -> dict:
    """Time argostranslate.translate in THIS process (needs the full install)."""
    import argostranslate.translate as argos_translate

    translation = argos_translate.get_translation_from_codes("en", "es")
    translation.underlying.sentencizer = PortalSplitter()
    translation.translate("Warm up.")  # loads the model

    def cold():
        translation.cache = {}  # CachedTranslation keeps the previous call's paragraphs
        translation.translate(text)

    return {"cold_s": timed(cold, repeat)}


def argos_child_main(job_file: str) -> None:
    """Entry point when re-run under the full-install Python: print timings as JSON."""
    job = json.loads(Path(job_file).read_text())
    print(json.dumps(run_argostranslate(job["text"], job["repeat"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--argos-python", default=os.environ.get("ARGOS_FULL_PYTHON"),
                        help="a Python with the full argostranslate install, for the real baseline")
    parser.add_argument("--intra-threads", type=int, nargs="+", default=[0, 1],
                        help="CTranslate2 threads per translator; 0 is its default, which argostranslate uses")
    parser.add_argument("--argos-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.argos_child:
        argos_child_main(args.argos_child)
        return

    rss = rss_after_web_imports()
    print(f"RSS of a fresh interpreter: {rss['bare_mb']:.1f} MB; after importing portal.language "
          f"(engines, pipeline, packages, segment) and scanning packages, no model loaded: {rss['after_mb']:.1f} MB")
    print(f"  heavy modules imported: {', '.join(rss['heavy']) or 'none'} (checked: {', '.join(HEAVY_MODULES)})")

    work = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    try:
        # Before anything can import argostranslate: its settings module creates folders here.
        for variable, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                              ("XDG_CACHE_HOME", "cache"), ("ARGOS_PACKAGES_DIR", "packages")):
            os.environ[variable] = str(work / sub)
        sys.path.insert(0, str(REPO_ROOT))
        run_benchmarks(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_benchmarks(work: Path, args) -> None:
    from portal.language import packages
    from portal.language.segment import segment
    from portal.language.tinymodel import build_tiny_argosmodel

    package = packages.install_from_file(build_tiny_argosmodel(work / "models"))
    text = build_note(args.sentences)
    count = sum(1 for s in segment(text) if s.translatable)
    print(f"\nText: {count} sentences and headings in {text.count(chr(10))} lines; model: tiny random "
          f"{package.code} {package.version}; median of {args.repeat} runs; decoding beam 4 everywhere; "
          f"{os.cpu_count()} CPU cores")

    argos_note = None
    try:
        import argostranslate.translate  # noqa: F401
    except Exception as error:  # ModuleNotFoundError: stanza in the lean install
        argos_note = f"argostranslate.translate cannot be imported here ({type(error).__name__}: {error})"
    if argos_note is None:
        print("argostranslate.translate is importable here: measured in this process.")
    elif args.argos_python:
        print(f"{argos_note}; measured with {args.argos_python} instead (same machine, same package folder, "
              "same text; its splitter replaced by the portal's, as MiniSBD would download a model).")
    else:
        print(f"{argos_note}.\nIt needs the full install (torch, stanza, spaCy: 1.5 GB), which the portal's "
              "virtualenv must not carry. Pass --argos-python with a Python that has it for the real figure. "
              "Compared below with in-process stand-ins that do what it does.")

    for intra_threads in args.intra_threads:
        results = measure(package, text, intra_threads, args.repeat)
        if argos_note is None:
            results["argostranslate.translate"] = run_argostranslate(text, args.repeat)["cold_s"]
        elif args.argos_python:
            results.update(run_argos_child(args.argos_python, work, text, args.repeat, intra_threads))
        label = "0 (CTranslate2's default; argostranslate's default)" if intra_threads == 0 else str(intra_threads)
        print(f"\n== intra_threads = {label}, for every contender ==")
        width = max(len(name) for name in results)
        print(f"{'':{width}}  sentences/s")
        for name, seconds in results.items():
            print(f"{name:{width}}  {count / seconds:11.1f}" if seconds else f"{name:{width}}  {'failed':>11}")
        baseline = next(name for name in ("argostranslate.translate", "stand-in: argos-equivalent, one call per line")
                        if results.get(name))
        ratio = results[baseline] / results["portal pipeline, cold cache"]
        print(f"RATIO portal pipeline (cold cache) / {baseline}: {ratio:.2f}x")


def measure(package, text: str, intra_threads: int, repeat: int) -> dict[str, float]:
    """The in-process contenders, run in turn within each repetition so that noise from other
    processes on the machine spreads evenly over them."""
    import ctranslate2
    import sentencepiece

    from portal.language.engines import ArgosEngine
    from portal.language.pipeline import MemoryCache, translate_document
    from portal.language.segment import segment, split_sentences

    segments = [s for s in segment(text) if s.translatable]
    engine = ArgosEngine(package.path.parent, intra_threads=intra_threads)
    warm_cache = MemoryCache()
    translate_document(text, "en", "es", engine, warm_cache)  # loads the model, fills the warm cache

    translator = ctranslate2.Translator(str(package.path / "model"), device="cpu", inter_threads=1,
                                        intra_threads=intra_threads, compute_type="auto")
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package.path / "sentencepiece.model"))

    def argos_equivalent():  # argostranslate 1.11: one translate_batch per line ("paragraph")
        for line in text.split("\n"):
            if not line.strip():
                continue
            tokens = [tokenizer.encode(s, out_type=str) for s in split_sentences(line) or [line]]
            batches = translator.translate_batch(tokens, return_scores=True, **ARGOS_DECODING)
            tokenizer.decode([t for b in batches for t in b.hypotheses[0]])

    def one_sentence_at_a_time():
        for s in segments:
            result = translator.translate_batch([tokenizer.encode(s.normalized, out_type=str)], **ARGOS_DECODING)
            tokenizer.decode(result[0].hypotheses[0])

    # Same model and settings: batching must not change what a sentence translates to.
    batched = engine.translate_batch([s.normalized for s in segments], "en", "es")
    single = [tokenizer.decode(translator.translate_batch([tokenizer.encode(s.normalized, out_type=str)],
                                                          **ARGOS_DECODING)[0].hypotheses[0]).strip()
              for s in segments]
    if batched != single:
        print(f"note: batched and one-by-one output differ for {sum(a != b for a, b in zip(batched, single))} "
              f"of {len(segments)} sentences (CTranslate2 pads batches)")

    return timed_in_turn({
        "portal pipeline, cold cache": lambda: translate_document(text, "en", "es", engine, MemoryCache()),
        "portal pipeline, warm cache": lambda: translate_document(text, "en", "es", engine, warm_cache),
        "stand-in: argos-equivalent, one call per line": argos_equivalent,
        "stand-in: one call per sentence": one_sentence_at_a_time,
    }, repeat)


def run_argos_child(python: str, work: Path, text: str, repeat: int, intra_threads: int) -> dict[str, float]:
    job = work / "job.json"
    job.write_text(json.dumps({"text": text, "repeat": repeat}))
    env = dict(os.environ, ARGOS_INTRA_THREADS=str(intra_threads))  # read by argostranslate.settings
    child = subprocess.run([python, __file__, "--argos-child", str(job)], capture_output=True, text=True, env=env)
    if child.returncode != 0:
        print(f"argostranslate run with {python} failed:\n{child.stderr[-2000:]}")
        return {"argostranslate.translate": 0.0}
    return {"argostranslate.translate": json.loads(child.stdout.strip().splitlines()[-1])["cold_s"]}


if __name__ == "__main__":
    main()

"""Benchmark plain_language.simplify on real notes: speed, grades, safety.

    python bench/bench_simplify.py [NOTES_DIR] [--lang en]

NOTES_DIR defaults to ../shared/data/notes next to the repository (the notes
are never copied into the repository).  Prints figures; asserts nothing.

Targets (checked and printed as PASS/FAIL):
  * a 1,000-word note simplifies in under 20 ms
  * median Flesch-Kincaid grade after <= 8 and >= 3 grades below before
  * the word part of the grade (11.8 x syllables/word) falls by >= 1 grade
  * numbers, drug names and negations survive in every note
  * no new fragments (sentences of one or two words)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plain_language import readability, simplify, word_grade  # noqa: E402
from plain_language.glossary import load_glossary  # noqa: E402
from plain_language.language_rules import negation_pattern  # noqa: E402
from plain_language.protect import find_protected  # noqa: E402
from plain_language.sentences import sentence_spans, word_count  # noqa: E402

DEFAULT_NOTES = REPO.parent / "shared" / "data" / "notes"
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")


def counts(pattern: re.Pattern[str] | None, text: str) -> Counter:
    if pattern is None:
        return Counter()
    return Counter(" ".join(m.group().lower().split()) for m in pattern.finditer(text))


def survives(before: Counter, after: Counter) -> bool:
    """Every item of `before` is still there, at least as often."""
    return all(after[key] >= n for key, n in before.items())


def fragments(text: str, lang: str) -> int:
    return sum(1 for s, e in sentence_spans(text, lang) if word_count(text[s:e]) <= 2)


def load_notes(folder: Path) -> list[tuple[str, str]]:
    notes = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.strip():
            notes.append((path.name, text))
    return notes


def windows_of(words: list[str], size: int, count: int) -> list[str]:
    """`count` different 1,000-word slices (different text -> no warm caches)."""
    step = max(1, (len(words) - size) // max(1, count))
    return [" ".join(words[i:i + size]) for i in range(0, max(1, len(words) - size), step)][:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", nargs="?", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--lang", default="en", choices=["en", "es"])
    parser.add_argument("--show", type=int, default=0, help="print N example rewrites")
    args = parser.parse_args(argv)

    if not args.notes.is_dir():
        print(f"error: notes folder not found: {args.notes}", file=sys.stderr)
        return 1
    notes = load_notes(args.notes)
    if not notes:
        print(f"error: no .txt notes in {args.notes}", file=sys.stderr)
        return 1
    lang = args.lang
    glossary = load_glossary(lang)

    # Warm-up: build/load the CMU dictionary and compile the glossaries once.
    t0 = time.perf_counter()
    simplify("The patient denies chest pain.", lang)
    warmup = time.perf_counter() - t0

    # ---- speed on 1,000-word notes: different slices of the corpus, so no cached
    # sentence helps.  "first sight": words never scored before (their syllables are
    # looked up once, then kept);  "steady": the vocabulary has been seen before,
    # as in a server that has been running for a while (sentence caches cleared).
    all_words = " ".join(text for _, text in notes).split()
    slices = windows_of(all_words, 1000, 25)
    times, cpu_times = [], []
    for piece in slices:
        t0, c0 = time.perf_counter(), time.process_time()
        simplify(piece, lang)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    steady, steady_cpu = [], []
    for piece in windows_of(all_words[500:], 1000, 25):
        find_protected.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        simplify(piece, lang)
        steady.append((time.perf_counter() - t0) * 1000)
        steady_cpu.append((time.process_time() - c0) * 1000)

    # ---- the corpus: throughput, grades and safety
    rows = []
    t0 = time.perf_counter()
    results = [(name, text, simplify(text, lang)) for name, text in notes]
    corpus_seconds = time.perf_counter() - t0
    total_words = sum(len(text.split()) for _, text in notes)

    negation_re = negation_pattern(lang)
    for name, text, result in results:
        after = result.text
        rows.append({
            "name": name,
            "before": result.grade_before,
            "after": result.grade_after,
            "word_before": word_grade(text, lang),
            "word_after": word_grade(after, lang),
            "numbers": survives(counts(_NUMBER, text), counts(_NUMBER, after)),
            "drugs": survives(counts(glossary.drug_re, text), counts(glossary.drug_re, after)),
            "negations": survives(counts(negation_re, text), counts(negation_re, after)),
            "new_fragments": max(0, fragments(after, lang) - fragments(text, lang)),
            "unchanged": after == text,
            "replacements": len(result.replacements),
        })

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    n = len(rows)
    share = lambda key: sum(1 for r in rows if r[key]) / n  # noqa: E731
    all_safe = sum(1 for r in rows if r["numbers"] and r["drugs"] and r["negations"]) / n
    drop = [r["before"] - r["after"] for r in rows]
    word_drop = [r["word_before"] - r["word_after"] for r in rows]
    one_k = statistics.median(times)

    print(f"notes: {n} from {args.notes}  (lang={lang})")
    print(f"warm-up (dictionary + glossaries): {warmup * 1000:.0f} ms")
    print()
    print("speed")
    print(f"  1,000-word note, words seen for the first time: median {one_k:.1f} ms,"
          f" p90 {sorted(times)[int(0.9 * len(times)) - 1]:.1f} ms (CPU {statistics.median(cpu_times):.1f} ms)")
    print(f"  1,000-word note, steady state:                   median {statistics.median(steady):.1f} ms,"
          f" p90 {sorted(steady)[int(0.9 * len(steady)) - 1]:.1f} ms (CPU {statistics.median(steady_cpu):.1f} ms)")
    print(f"  ({len(times)} different 1,000-word slices each; machine load average"
          f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  corpus: {total_words} words in {corpus_seconds:.2f} s ="
          f" {total_words / corpus_seconds:,.0f} words/s, {n / corpus_seconds:.1f} notes/s")
    print()
    print("readability (Flesch-Kincaid grade)" if lang == "en" else "readability (Fernández-Huerta grade)")
    print(f"  median grade before {median('before'):.2f}, after {median('after'):.2f},"
          f" median drop {statistics.median(drop):.2f}")
    print(f"  word part (11.8 x syllables/word): median before {median('word_before'):.2f},"
          f" after {median('word_after'):.2f}, median drop {statistics.median(word_drop):.2f}")
    print(f"  notes with a drop of >= 3 grades: {sum(d >= 3 for d in drop) / n:.0%};"
          f" notes whose grade rose: {sum(d < -1e-9 for d in drop)}")
    print(f"  notes left unchanged: {sum(r['unchanged'] for r in rows)}")
    print()
    print("safety (share of notes)")
    print(f"  numbers survive: {share('numbers'):.0%}   drug names survive: {share('drugs'):.0%}"
          f"   negations survive: {share('negations'):.0%}   all three: {all_safe:.0%}")
    print(f"  notes with new fragments (1-2 word sentences): {sum(1 for r in rows if r['new_fragments'])}")
    print()
    targets = [
        ("1,000-word note < 20 ms (median, first sight)", one_k < 20),
        ("1,000-word note < 20 ms (median, steady state)", statistics.median(steady) < 20),
        ("median grade after <= 8", median("after") <= 8),
        ("median grade drop >= 3", median("before") - median("after") >= 3),
        ("word part drop >= 1 (median)", statistics.median(word_drop) >= 1),
        ("numbers, drugs, negations survive in every note", all_safe == 1),
        ("no new fragments", all(r["new_fragments"] == 0 for r in rows)),
    ]
    print("targets")
    for label, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    failures = [r["name"] for r in rows if not (r["numbers"] and r["drugs"] and r["negations"])]
    if failures:
        print(f"  unsafe notes: {', '.join(failures[:10])}")
    for name, text, result in results[: args.show]:
        print("\n" + "=" * 70 + f"\n{name}: {result.grade_before:.1f} -> {result.grade_after:.1f}")
        print(result.text[:1500])
    return 0


if __name__ == "__main__":
    sys.exit(main())

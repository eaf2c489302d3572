"""Benchmark plain_language.simplify on real notes: speed, grades, safety.

    python bench/bench_simplify.py [NOTES_DIR] [--lang en] [--show N] [--half dev|check]

NOTES_DIR defaults to ../shared/data/notes next to the repository (the notes
are never copied into the repository).  Prints figures; asserts nothing.

Targets (checked and printed as PASS/FAIL):
  * a 1,000-word note simplifies in under 20 ms
  * median grade after <= 8 and >= 3 grades below before
  * the word part of the grade (11.8 x syllables/word) falls by >= 1 grade
  * numbers, drug names and negations survive in every note
  * no new fragments (sentences of one or two words)

Two grade measures are printed, each the SAME way before and after:
  * "note grade" - what simplify() reports: Flesch-Kincaid where a line break
    ends a sentence (a heading or list line is a layout element; textstat would
    read it into the sentence below).  The targets are checked on this one.
  * "textstat grade" - textstat's own Flesch-Kincaid of the whole text, the
    measure used before this change; shown so the two can be compared.
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
from plain_language.readability import note_readability  # noqa: E402
from plain_language.sentences import sentence_spans, word_count  # noqa: E402
from plain_language.simplify import clear_sentence_caches  # noqa: E402

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


def load_notes(folder: Path, half: str | None = None) -> list[tuple[str, str]]:
    """The folder's non-empty notes; `half` "dev" or "check": the files at even or odd
    positions in name order, so word lists and rules chosen on one half can be checked on the other."""
    notes = []
    paths = sorted(folder.glob("*.txt"))
    if half:
        paths = paths[0 if half == "dev" else 1::2]
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.strip():
            notes.append((path.name, text))
    return notes


def windows_of(words: list[str], size: int, count: int) -> list[str]:
    """`count` different 1,000-word slices (different text -> no warm caches)."""
    step = max(1, (len(words) - size) // max(1, count))
    return [" ".join(words[i:i + size]) for i in range(0, max(1, len(words) - size), step)][:count]


def p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * len(values)) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", nargs="?", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--lang", default="en", choices=["en", "es"])
    parser.add_argument("--show", type=int, default=0, help="print N example rewrites")
    parser.add_argument("--half", choices=["dev", "check"],
                        help="only the notes at even (dev) or odd (check) positions in name order")
    args = parser.parse_args(argv)

    if not args.notes.is_dir():
        print(f"error: notes folder not found: {args.notes}", file=sys.stderr)
        return 1
    notes = load_notes(args.notes, args.half)
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
    load_before = os.getloadavg()[0]
    times, cpu_times = [], []
    for piece in slices:
        t0, c0 = time.perf_counter(), time.process_time()
        simplify(piece, lang)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    steady, steady_cpu = [], []
    for piece in windows_of(all_words[500:], 1000, 25):
        clear_sentence_caches()
        t0, c0 = time.perf_counter(), time.process_time()
        simplify(piece, lang)
        steady.append((time.perf_counter() - t0) * 1000)
        steady_cpu.append((time.process_time() - c0) * 1000)
    load_after = os.getloadavg()[0]

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
            "before": note_readability(text, lang),
            "after": note_readability(after, lang),
            "text_before": readability(text, lang),
            "text_after": readability(after, lang),
            "word_before": word_grade(text, lang),
            "word_after": word_grade(after, lang),
            "numbers": survives(counts(_NUMBER, text), counts(_NUMBER, after)),
            "drugs": survives(counts(glossary.drug_re, text), counts(glossary.drug_re, after)),
            "negations": survives(counts(negation_re, text), counts(negation_re, after)),
            "new_fragments": max(0, fragments(after, lang) - fragments(text, lang)),
            "unchanged": after == text,
            "replacements": len(result.replacements),
            "reported": abs(result.grade_before - note_readability(text, lang)) < 1e-9
            and abs(result.grade_after - note_readability(after, lang)) < 1e-9,
        })

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    n = len(rows)
    share = lambda key: sum(1 for r in rows if r[key]) / n  # noqa: E731
    all_safe = sum(1 for r in rows if r["numbers"] and r["drugs"] and r["negations"]) / n
    drop = [r["before"] - r["after"] for r in rows]
    text_drop = [r["text_before"] - r["text_after"] for r in rows]
    word_drop = [r["word_before"] - r["word_after"] for r in rows]
    one_k, one_k_steady = statistics.median(times), statistics.median(steady)

    print(f"notes: {n} from {args.notes}  (lang={lang})")
    print(f"warm-up (dictionary + glossaries): {warmup * 1000:.0f} ms")
    print()
    print("speed")
    print(f"  1,000-word note, words seen for the first time: median {one_k:.1f} ms,"
          f" p90 {p90(times):.1f} ms (CPU {statistics.median(cpu_times):.1f} ms)")
    print(f"  1,000-word note, steady state:                   median {one_k_steady:.1f} ms,"
          f" p90 {p90(steady):.1f} ms (CPU {statistics.median(steady_cpu):.1f} ms)")
    print(f"  ({len(times)} different 1,000-word slices each; machine load average"
          f" {load_before:.1f} before and {load_after:.1f} after timing, on {os.cpu_count()} cores)")
    print(f"  corpus: {total_words} words in {corpus_seconds:.2f} s ="
          f" {total_words / corpus_seconds:,.0f} words/s, {n / corpus_seconds:.1f} notes/s")
    print()
    name = "Flesch-Kincaid" if lang == "en" else "Fernández-Huerta"
    print(f"readability ({name} grade; each measure the same way before and after)")
    print(f"  note grade (a line break ends a sentence; what simplify() reports, targets use it):")
    print(f"    median grade before {median('before'):.2f}, after {median('after'):.2f},"
          f" median per-note drop {statistics.median(drop):.2f}")
    print(f"    notes with a drop of >= 3 grades: {sum(d >= 3 for d in drop) / n:.0%};"
          f" notes whose grade rose: {sum(d < -1e-9 for d in drop)}")
    print(f"  textstat grade (the whole text as textstat reads it; headings run into the next sentence):")
    print(f"    median grade before {median('text_before'):.2f}, after {median('text_after'):.2f},"
          f" median per-note drop {statistics.median(text_drop):.2f}")
    print(f"    notes with a drop of >= 3 grades: {sum(d >= 3 for d in text_drop) / n:.0%};"
          f" notes whose grade rose: {sum(d < -1e-9 for d in text_drop)}")
    print(f"  word part (11.8 x syllables/word): median before {median('word_before'):.2f},"
          f" after {median('word_after'):.2f}, median drop {statistics.median(word_drop):.2f}")
    print(f"  notes left unchanged: {sum(r['unchanged'] for r in rows)};"
          f" Simplified.grade_before/after equal the note grade: {share('reported'):.0%}")
    print()
    print("safety (share of notes)")
    print(f"  numbers survive: {share('numbers'):.0%}   drug names survive: {share('drugs'):.0%}"
          f"   negations survive: {share('negations'):.0%}   all three: {all_safe:.0%}")
    print(f"  notes with new fragments (1-2 word sentences): {sum(1 for r in rows if r['new_fragments'])}")
    print()
    targets = [
        ("1,000-word note < 20 ms (median, first sight)", one_k < 20),
        ("1,000-word note < 20 ms (median, steady state)", one_k_steady < 20),
        ("median grade after <= 8 (note grade)", median("after") <= 8),
        ("median per-note grade drop >= 3 (note grade)", statistics.median(drop) >= 3),
        ("median grade after >= 3 below median before (note grade)", median("before") - median("after") >= 3),
        ("grade never rose (note grade and textstat grade)",
         all(d >= -1e-9 for d in drop) and all(d >= -1e-9 for d in text_drop)),
        ("word part drop >= 1 (median)", statistics.median(word_drop) >= 1),
        ("numbers, drugs, negations survive in every note", all_safe == 1),
        ("no new fragments", all(r["new_fragments"] == 0 for r in rows)),
    ]
    print("targets")
    for label, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(f"  (textstat grade, for comparison: median per-note drop {statistics.median(text_drop):.2f},"
          f" medians {median('text_before'):.2f} -> {median('text_after'):.2f})")
    failures = [r["name"] for r in rows if not (r["numbers"] and r["drugs"] and r["negations"])]
    if failures:
        print(f"  unsafe notes: {', '.join(failures[:10])}")
    for name, text, result in results[: args.show]:
        print("\n" + "=" * 70 + f"\n{name}: {result.grade_before:.1f} -> {result.grade_after:.1f}")
        print(result.text[:1500])
    return 0


if __name__ == "__main__":
    sys.exit(main())

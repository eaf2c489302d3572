"""Safety rule 1 as a property: numbers survive translation, or the original is shown.

Sentences are built from doses, vital signs, lab values and dates; a FakeEngine mangles the
numbers of some of them (drops, changes, adds, localises a decimal point). Whatever happens,
every number of each source sentence must reach the reader exactly: in the translation when
it kept them all, else through the original sentence shown in its place.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.language.engines import FakeEngine
from portal.language.pipeline import NUMBER, MemoryCache, translate_document

integers = st.integers(min_value=0, max_value=5000).map(str)
decimals = st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 400), st.integers(0, 99))
fractions = st.builds(lambda a, b: f"{a}/{b}", st.integers(60, 220), st.integers(30, 130))
dates = st.builds(lambda m, d, y: f"{m:02d}/{d:02d}/{y}", st.integers(1, 12), st.integers(1, 28), st.integers(1990, 2030))
numbers = st.one_of(integers, decimals, fractions, dates)
units = st.sampled_from(["mg", "mcg", "mL", "kg", "mmHg", "mg/dL", "mmol/L", "%", "bpm", "units", "tablets", ""])

sentence = st.one_of(
    st.builds(lambda n, u: f"Take {n} {u} by mouth.", numbers, units),
    st.builds(lambda a, b: f"BP {a} mmHg, HR {b} bpm.", fractions, integers),
    st.builds(lambda n, u, d: f"Your result was {n} {u} on {d}.", decimals, units, dates),
    st.builds(lambda n, m: f"Inject {n} units, then {m} units at night.", integers, integers),
    st.builds(lambda n: f"No fever for {n} days.", integers),
)
note = st.lists(sentence, min_size=1, max_size=6).map(lambda parts: " ".join(parts))


def sometimes_mangle(source: str, output: str) -> str:
    """A deterministic bad model: chosen by the sentence's hash, it breaks its numbers."""
    choice = hashlib.sha256(source.encode()).digest()[0] % 6
    if choice == 0:
        return re.sub(r"\d", "", output, count=1)  # drops a digit
    if choice == 1:
        return NUMBER.sub(lambda m: m.group(0) + "0", output, count=1)  # 5 -> 50
    if choice == 2:
        return output + " 2"  # invents a number
    if choice == 3:
        return output.replace(".", ",", 1) if re.search(r"\d\.\d", output) else output  # 7.2 -> 7,2
    return output  # a good translation


@settings(max_examples=200, deadline=None)
@given(note)
def test_every_number_reaches_the_reader_exactly(text):
    engine = FakeEngine(mangle=sometimes_mangle)

    result = translate_document(text, "en", "es", engine, MemoryCache())

    translated = dict(zip(engine.calls[0][0], engine.translate_batch(list(engine.calls[0][0]), "en", "es")))
    for piece in result.segments:
        if piece.kind == "layout":
            continue
        assert Counter(NUMBER.findall(piece.text)) == Counter(NUMBER.findall(piece.source))
        if piece.kept_original:
            assert piece.text == piece.source and piece.problems
        else:
            sent = " ".join(piece.source.split())  # the engine gets the normalised sentence
            assert piece.text == translated[sent] and piece.text.startswith("[es] ")
    assert Counter(NUMBER.findall(result.text)) == Counter(NUMBER.findall(text))


@settings(max_examples=100, deadline=None)
@given(note)
def test_a_faithful_engine_never_triggers_the_fallback(text):
    result = translate_document(text, "en", "es", FakeEngine(), MemoryCache())
    assert result.kept_original_count == 0

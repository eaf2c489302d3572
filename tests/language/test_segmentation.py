"""Segmentation of clinical notes: structure kept, sentences split only where they end."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.language.segment import HEADING, LAYOUT, SENTENCE, reassemble, segment, split_sentences


def kinds_and_texts(text):
    return [(s.kind, s.text) for s in segment(text)]


def test_headings_labels_lists_and_paragraphs():
    note = (
        "HISTORY OF PRESENT ILLNESS:\n"
        "He reports chest pain. It started 2 days ago.\n"
        "\n"
        "Vitals: BP 120/80 mmHg, HR 72 bpm.\n"
        "ASSESSMENT AND PLAN\n"
        "1. Start lisinopril 10 mg daily.\n"
        "  - Recheck in 2 weeks.\n"
    )
    assert kinds_and_texts(note) == [
        (HEADING, "HISTORY OF PRESENT ILLNESS"),
        (LAYOUT, ":\n"),
        (SENTENCE, "He reports chest pain."),
        (LAYOUT, " "),
        (SENTENCE, "It started 2 days ago."),
        (LAYOUT, "\n\n"),
        (HEADING, "Vitals"),
        (LAYOUT, ": "),
        (SENTENCE, "BP 120/80 mmHg, HR 72 bpm."),
        (LAYOUT, "\n"),
        (HEADING, "ASSESSMENT AND PLAN"),
        (LAYOUT, "\n1. "),
        (SENTENCE, "Start lisinopril 10 mg daily."),
        (LAYOUT, "\n  - "),
        (SENTENCE, "Recheck in 2 weeks."),
        (LAYOUT, "\n"),
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Seen by Dr. Smith today.",
        "Avoid NSAIDs, e.g. ibuprofen and naproxen.",
        "Take 500 mg. With food is best.",
        "Hemoglobin A1c 7.2 percent.",
        "Metformin 500 mg b.i.d. With meals.",
        "Follow up at 10:30 a.m. Tuesday.",
        "Referred to J. Smith for follow up.",
        "Temperature 98.6 F, weight 70.5 kg.",
        "La Dra. García la verá mañana.",
    ],
)
def test_no_split_at_abbreviations_decimals_and_doses(paragraph):
    assert split_sentences(paragraph) == [paragraph]


@pytest.mark.parametrize(
    "paragraph, sentences",
    [
        ("No fever. No cough.", ["No fever.", "No cough."]),
        ("Any pain? Yes! Call us.", ["Any pain?", "Yes!", "Call us."]),
        ("Follow up in 3 months. 2 refills left.", ["Follow up in 3 months.", "2 refills left."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("¿Tiene fiebre? No.", ["¿Tiene fiebre?", "No."]),
        ("患者否认胸痛。请每天服药两次。", ["患者否认胸痛。", "请每天服药两次。"]),
        ("هل لديك حمى؟ لا.", ["هل لديك حمى؟", "لا."]),
    ],
)
def test_splits_where_sentences_end(paragraph, sentences):
    assert split_sentences(paragraph) == sentences


def test_hard_wrapped_sentence_is_joined_but_separate_lines_are_not():
    segments = [s for s in segment("He has pain when climbing\nstairs.\nBP 130/85\nHR 80\n") if s.kind != LAYOUT]
    assert [s.text for s in segments] == ["He has pain when climbing\nstairs.", "BP 130/85", "HR 80"]
    assert segments[0].normalized == "He has pain when climbing stairs."


def test_list_item_continuation_stays_in_its_item():
    assert kinds_and_texts("- Take 5 mg\n  at night.\n- Rest.") == [
        (LAYOUT, "- "),
        (SENTENCE, "Take 5 mg\n  at night."),
        (LAYOUT, "\n- "),
        (SENTENCE, "Rest."),
    ]


def test_lines_without_letters_are_layout():
    assert kinds_and_texts("-----\n120/80\n") == [(LAYOUT, "-----\n120/80\n")]


def test_times_and_urls_are_not_labels():
    assert [s.kind for s in segment("10:30 appointment.")] == [SENTENCE]
    assert [s.kind for s in segment("See https://example.org for more.")] == [SENTENCE]


def test_reassemble_puts_translations_in_place():
    segments = segment("PLAN:\n- Rest. Drink water.\n")
    translated = [f"<{s.text}>" for s in segments if s.translatable]
    assert reassemble(segments, translated) == "<PLAN>:\n- <Rest.> <Drink water.>\n"


def test_windows_line_endings():
    text = "PLAN:\r\n- Rest.\r\n"
    assert "".join(s.text for s in segment(text)) == text
    assert [s.text for s in segment(text) if s.translatable] == ["PLAN", "Rest."]


note_alphabet = st.sampled_from(list("abc XYZ.,:;!?-*•1234567890/\n\t\r") + ["Dr.", "mg.", "e.g.", "7.2", "  ", "。", "¿"])


@settings(max_examples=300, deadline=None)
@given(st.lists(note_alphabet, max_size=60).map("".join))
def test_segments_always_join_back_to_the_text(text):
    segments = segment(text)
    assert "".join(s.text for s in segments) == text
    assert all(s.text for s in segments)
    assert all(s.text == s.text.strip() for s in segments if s.translatable)

""""What is this test?": short plain-language texts per LOINC code, written by people in each
language (data/education/<lang>.tsv), never machine-translated. A language without a text for a
test falls back to English, and the page marks that text as English."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).parent / "data" / "education"
FALLBACK = "en"


@dataclass(frozen=True)
class Education:
    name: str   # the test's everyday name, used in headings and explanations
    text: str
    language: str


@lru_cache(maxsize=None)
def education_texts(language: str) -> dict[str, Education]:
    """LOINC code -> text for one language; a row may list several codes for the same test."""
    path = FOLDER / f"{language}.tsv"
    if not path.is_file():
        return {}
    texts = {}
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            entry = Education(name=row["name"], text=row["text"], language=language)
            for code in row["loinc"].split(","):
                texts[code.strip()] = entry
    return texts


def education_for(loinc_code: str, language: str) -> Education | None:
    language = language.split("_")[0].split("-")[0]
    return education_texts(language).get(loinc_code) or education_texts(FALLBACK).get(loinc_code)

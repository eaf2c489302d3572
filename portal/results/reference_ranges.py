"""The usual range shown beside a result: the lab's when it sent one, else the portal's general one.

Many feeds (Synthea's among them) send no reference range. Rather than leave the patient with a
bare number, the portal falls back to a table of typical adult ranges (data/reference_ranges.tsv),
always labelled on the page as general, not the lab's. The fallback is computed at render time so
the stored row stays exactly as the source sent it; `apply_reference_ranges` exists for an
importer that prefers to store it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from portal.results.quantities import unit_key

TABLE = Path(__file__).parent / "data" / "reference_ranges.tsv"


@dataclass(frozen=True)
class ReferenceRange:
    loinc: str
    name: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    varies_by_sex: bool
    source: str


@dataclass(frozen=True)
class ShownRange:
    """What the page says: bounds, or the lab's words, and whose range it is ("lab" or "portal")."""
    low: Decimal | None
    high: Decimal | None
    text: str | None
    source: str
    varies_by_sex: bool = False

    @property
    def has_bounds(self) -> bool:
        return self.low is not None or self.high is not None


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@lru_cache(maxsize=1)
def portal_ranges() -> dict[str, ReferenceRange]:
    """LOINC code -> the portal's general adult range, read once per process."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {
            row["loinc"]: ReferenceRange(
                loinc=row["loinc"], name=row["name"], unit=row["unit"], low=_decimal(row["low"]),
                high=_decimal(row["high"]), varies_by_sex=row["varies_by_sex"] == "yes", source=row["source"],
            )
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        }


def portal_range_for(loinc_code: str, unit: str | None) -> ReferenceRange | None:
    """The general range for this test, only if the result's unit is the table's: a range in
    mg/dL beside a value in mmol/L would mislead."""
    reference = portal_ranges().get(loinc_code)
    if reference is None or unit_key(unit) != unit_key(reference.unit):
        return None
    return reference


def _lab_sent_a_range(result) -> bool:
    return (result.range_source is not None or result.range_low is not None
            or result.range_high is not None or bool(result.range_text))


def shown_range(result) -> ShownRange | None:
    """The range to show for a Result row, without changing the row."""
    if _lab_sent_a_range(result):
        source = result.range_source or "lab"
        reference = portal_ranges().get(result.loinc_code) if source == "portal" else None
        return ShownRange(low=result.range_low, high=result.range_high, text=result.range_text, source=source,
                          varies_by_sex=bool(reference and reference.varies_by_sex))
    if result.value is None:
        return None
    reference = portal_range_for(result.loinc_code, result.unit)
    if reference is None:
        return None
    return ShownRange(low=reference.low, high=reference.high, text=None, source="portal",
                      varies_by_sex=reference.varies_by_sex)


def apply_reference_ranges(result) -> bool:
    """Store the portal's general range on a row that has none (for importers that want it stored).
    Returns True when it filled the row. The page does the same at render time without storing."""
    if _lab_sent_a_range(result) or result.value is None:
        return False
    reference = portal_range_for(result.loinc_code, result.unit)
    if reference is None:
        return False
    result.range_low, result.range_high, result.range_source = reference.low, reference.high, "portal"
    return True

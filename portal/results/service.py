"""Lab and vital-sign results for the results page, rendered from data (never machine-translated)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select

from portal.extensions import db
from portal.models import Result
from portal.models.base import utcnow

PAGE_SIZE = 25

# HL7 v3 ObservationInterpretation codes folded into the few words a patient needs.
_FLAG_BY_CODE = {
    "H": "high", "HH": "high", "HU": "high", ">": "high",
    "L": "low", "LL": "low", "LU": "low", "<": "low",
    "N": "normal", "NEG": "normal", "ND": "normal",
    "A": "abnormal", "AA": "abnormal", "POS": "abnormal", "DET": "abnormal",
}


def flag_for(result: Result) -> str | None:
    """"high", "low", "normal", "abnormal" or None (unknown): the code if given, else the range."""
    if result.interpretation:
        return _FLAG_BY_CODE.get(result.interpretation.upper())
    if result.value is None:
        return None
    if result.range_high is not None and result.value > result.range_high:
        return "high"
    if result.range_low is not None and result.value < result.range_low:
        return "low"
    if result.range_low is not None or result.range_high is not None:
        return "normal"
    return None


@dataclass(frozen=True)
class ResultPage:
    days: list[tuple[date, list[Result]]]
    page: int
    has_older: bool


def results_page(patient_id: int, page: int = 1) -> ResultPage:
    """One page of results, newest first, grouped by day: one query whatever the history's size."""
    page = max(page, 1)
    rows = list(db.session.scalars(
        select(Result).where(Result.patient_id == patient_id)
        .order_by(Result.effective_at.desc(), Result.panel, Result.name)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ))
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    days = [(day, list(items)) for day, items in groupby(rows, key=lambda r: r.effective_at.date())]
    return ResultPage(days=days, page=page, has_older=has_older)


def mark_results_seen(results: list[Result]) -> None:
    now = utcnow()
    changed = False
    for result in results:
        if result.seen_by_patient_at is None:
            result.seen_by_patient_at = now
            changed = True
    if changed:
        db.session.commit()


def plain_number(value: Decimal | None) -> Decimal | None:
    """7.2000 -> 7.2: Numeric columns keep trailing zeros that a patient should not see."""
    if value is None:
        return None
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized

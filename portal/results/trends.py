"""Trends for tests done more than once: the history in one query, and a tiny sparkline.

The history of every test shown on a page comes from ONE windowed query (the last few values
per LOINC code), so the page costs the same number of queries for 10 results or 10,000.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select

from portal.extensions import db
from portal.models import Result
from portal.results.quantities import unit_key

POINTS = 8  # enough to see a direction; few enough to stay small on a phone
WIDTH, HEIGHT, PAD = 120, 36, 4  # the sparkline's size in CSS pixels (fixed, so dots stay round)


@dataclass(frozen=True)
class TrendPoint:
    at: datetime
    value: Decimal
    unit: str | None


def _history_statement():
    """The windowed query `history` runs, built once: building it (a window function over a
    subquery) cost more than running it. Values come in as bound parameters."""
    ranked = (
        select(Result.loinc_code, Result.value, Result.unit, Result.effective_at,
               func.row_number().over(partition_by=Result.loinc_code,
                                      order_by=(Result.effective_at.desc(), Result.id.desc())).label("rank"))
        .where(Result.patient_id == bindparam("patient_id"),
               Result.loinc_code.in_(bindparam("loinc_codes", expanding=True)),
               Result.value.is_not(None), Result.effective_at <= bindparam("until"))
        .subquery()
    )
    return (select(ranked.c.loinc_code, ranked.c.value, ranked.c.unit, ranked.c.effective_at)
            .where(ranked.c.rank <= POINTS).order_by(ranked.c.loinc_code, ranked.c.effective_at))


_HISTORY = _history_statement()


def history(patient_id: int, loinc_codes: set[str], until: datetime) -> dict[str, list[TrendPoint]]:
    """The last POINTS numeric values of each code up to `until`, oldest first, in one query.
    `until` is the newest result on the page, so an older page's trend ends where that page does."""
    if not loinc_codes:
        return {}
    rows = db.session.execute(_HISTORY, {"patient_id": patient_id, "loinc_codes": sorted(loinc_codes), "until": until})
    points: dict[str, list[TrendPoint]] = defaultdict(list)
    for code, value, unit, at in rows:
        points[code].append(TrendPoint(at=at, value=value, unit=unit))
    return points


@dataclass(frozen=True)
class Trend:
    points: list[TrendPoint]      # oldest first; the last one is the result shown
    line: str                     # SVG polyline points
    last_x: float
    last_y: float
    band_y: float | None          # the usual range as a horizontal band, when known
    band_height: float | None

    @property
    def previous(self) -> TrendPoint:
        return self.points[-2]

    @property
    def direction(self) -> str:
        last, before = self.points[-1].value, self.points[-2].value
        return "up" if last > before else "down" if last < before else "same"


def trend(points: list[TrendPoint], unit: str | None, low: Decimal | None = None,
          high: Decimal | None = None) -> Trend | None:
    """A sparkline for ≥2 values in the shown result's unit (a change of unit would draw a false jump)."""
    points = [p for p in points if unit_key(p.unit) == unit_key(unit)]
    if len(points) < 2:
        return None
    values = [float(p.value) for p in points]
    bounds = [float(b) for b in (low, high) if b is not None]
    bottom, top = min(values + bounds), max(values + bounds)
    if top == bottom:
        top, bottom = top + 1, bottom - 1
    first, span = points[0].at.timestamp(), points[-1].at.timestamp() - points[0].at.timestamp()

    def x(i: int) -> float:
        # Spaced by time, so a gap of years looks like one; evenly when all share a moment.
        share = (points[i].at.timestamp() - first) / span if span else i / (len(points) - 1)
        return round(PAD + share * (WIDTH - 2 * PAD), 1)

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - bottom) / (top - bottom) * (HEIGHT - 2 * PAD), 1)

    band_y = band_height = None
    if low is not None or high is not None:
        band_top = y(float(high)) if high is not None else PAD
        band_bottom = y(float(low)) if low is not None else HEIGHT - PAD
        band_y, band_height = band_top, round(band_bottom - band_top, 1)
    return Trend(points=points, line=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
                 last_x=x(len(points) - 1), last_y=y(values[-1]), band_y=band_y, band_height=band_height)

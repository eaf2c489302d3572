"""Lab and vital-sign results for the results page, rendered from data (never machine-translated).

A page is built with a fixed number of queries whatever the patient's history: one for the page's
rows (`results_page`) and one for the trends of the tests on it (`trends.history`). Everything
else (ranges, explanations, education) comes from data files in memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from itertools import groupby
from operator import attrgetter

from flask_babel import get_timezone
from sqlalchemy import select

from portal.extensions import db
from portal.models import Result
from portal.models.base import as_utc, utcnow
from portal.results.education import Education, education_for
from portal.results.explain import explain, value_in_words
from portal.results.quantities import display_unit, plain_number  # noqa: F401  (plain_number: imported from here)
from portal.results.range_bar import RangeBar, range_bar
from portal.results.reference_ranges import ShownRange, shown_range
from portal.results.trends import Trend, TrendPoint, history, trend

PAGE_SIZE = 25

# HL7 v3 ObservationInterpretation codes folded into the few words a patient needs.
_FLAG_BY_CODE = {
    "H": "high", "HH": "high", "HU": "high", ">": "high",
    "L": "low", "LL": "low", "LU": "low", "<": "low",
    "N": "normal", "NEG": "normal", "ND": "normal",
    "A": "abnormal", "AA": "abnormal", "POS": "abnormal", "DET": "abnormal",
}


def flag_from(interpretation: str | None, value: Decimal | None, low: Decimal | None,
              high: Decimal | None) -> str | None:
    """"high", "low", "normal", "abnormal" or None (unknown): the lab's code if given, else the range."""
    if interpretation:
        return _FLAG_BY_CODE.get(interpretation.upper())
    if value is None:
        return None
    if high is not None and value > high:
        return "high"
    if low is not None and value < low:
        return "low"
    if low is not None or high is not None:
        return "normal"
    return None


def flag_for(result: Result) -> str | None:
    """The flag from the row's own range only (the home page's view of a result)."""
    return flag_from(result.interpretation, result.value, result.range_low, result.range_high)


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The clinic's calendar day: a result taken at 7 pm in California is not "tomorrow".
    `tz`: the request's time zone (get_timezone()), when the caller converts many moments."""
    return _day_in(moment, tz or get_timezone())


@lru_cache(maxsize=4096)
def _day_in(moment: datetime, tz: tzinfo) -> date:
    """to_user_timezone(moment).date() for a known zone. A pure function of its arguments, so
    kept: pytz's conversion costs ~8 µs, and a results page converts 25 moments, mostly the
    same few (a panel's tests share one) and the same again on the next view."""
    return tz.normalize(as_utc(moment).astimezone(tz)).date()


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
    tz = get_timezone()
    days = [(day, list(items)) for day, items in groupby(rows, key=lambda r: local_day(r.effective_at, tz))]
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


# --- The results page: each result with its range, flag, words, bar, trend and education. ---

@dataclass(frozen=True)
class ShownResult:
    result: Result
    name: str                  # the test's name in the patient's language where we have one
    value: str                 # "7.2 %", "7,2 %", "Negativo": formatted for the patient's language
    unit: str                  # as a patient reads it: "mmHg", not "mm[Hg]"
    range: ShownRange | None   # the lab's, or the portal's general one (labelled)
    flag: str | None
    explanation: str
    bar: RangeBar | None
    trend: Trend | None        # only beside the newest result of a test on the page
    education: Education | None


@dataclass(frozen=True)
class PanelGroup:
    panel: str | None          # None: tests ordered on their own (vital signs, single tests)
    results: list[ShownResult]


@dataclass(frozen=True)
class ResultsView:
    days: list[tuple[date, list[PanelGroup]]]
    page: int
    has_older: bool

    @property
    def rows(self) -> list[Result]:
        return [shown.result for _day, groups in self.days for group in groups for shown in group.results]


def _by_panel(rows: list[ShownResult]) -> list[PanelGroup]:
    """Panels in the order they first appear that day; tests outside a panel last."""
    panels: dict[str | None, list[ShownResult]] = {}
    for shown in rows:
        panels.setdefault(shown.result.panel, []).append(shown)
    ordered = [p for p in panels if p is not None] + ([None] if None in panels else [])
    return [PanelGroup(panel=p, results=panels[p]) for p in ordered]


def _shown(result: Result, language: str, points) -> ShownResult:
    rng = shown_range(result)
    low, high = (rng.low, rng.high) if rng else (None, None)
    flag = flag_from(result.interpretation, result.value, low, high)
    education = education_for(result.loinc_code, language)
    # The lab's own name stays the heading in English; other languages get the everyday name.
    name = education.name if education and education.language == language != "en" else result.name
    return ShownResult(
        result=result, name=name, value=value_in_words(result), unit=display_unit(result.unit), range=rng, flag=flag, explanation=explain(result, rng, flag),
        bar=range_bar(result.value, low, high), education=education,
        trend=trend(points, result.unit, low, high) if points is not None else None,
    )


# Every column but the two the list never shows (a column added later is covered). Opening the
# page sets seen_by_patient_at; it must not make the next view render again.
_SHOWN_COLUMNS = tuple(c.key for c in Result.__table__.columns if c.key not in ("seen_by_patient_at", "created_at"))
_shown_values = attrgetter(*_SHOWN_COLUMNS)


@dataclass(frozen=True)
class ResultsData:
    """What the results page is rendered from, as loaded: the page's rows and their tests' history."""
    base: ResultPage
    points: dict[str, list[TrendPoint]]

    @property
    def rows(self) -> list[Result]:
        return [r for _day, day_rows in self.base.days for r in day_rows]

    @property
    def fingerprint(self) -> tuple:
        """Every stored value the page can show, so that any change makes a new cache key."""
        rows = tuple(map(_shown_values, self.rows))
        # Points as plain tuples, not TrendPoints: the key is hashed and compared a few times per
        # lookup, and tuples of plain values do that in C (dataclass __eq__/__hash__ run Python).
        history = tuple((code, tuple((p.at, p.value, p.unit) for p in points))
                        for code, points in sorted(self.points.items()))
        return (self.base.page, self.base.has_older, rows, history)


def load_results(patient_id: int, page: int) -> ResultsData:
    """The two queries of the results page, whatever the size of the patient's history."""
    base = results_page(patient_id, page)
    rows = [r for _day, day_rows in base.days for r in day_rows]
    until = max((r.effective_at for r in rows), default=None)
    points = history(patient_id, {r.loinc_code for r in rows if r.value is not None}, until) if rows else {}
    return ResultsData(base, points)


def build_view(data: ResultsData, language: str) -> ResultsView:
    """Each result with its range, flag, words, bar, trend and education (no queries)."""
    trend_shown: set[str] = set()
    days = []
    for day, day_rows in data.base.days:
        shown = []
        for result in day_rows:
            # Newest first, so the first time a test appears is where its trend belongs.
            first = result.value is not None and result.loinc_code not in trend_shown
            if first:
                trend_shown.add(result.loinc_code)
            shown.append(_shown(result, language, data.points.get(result.loinc_code, []) if first else None))
        days.append((day, _by_panel(shown)))
    return ResultsView(days=days, page=data.base.page, has_older=data.base.has_older)


def results_view(patient_id: int, page: int, language: str) -> ResultsView:
    return build_view(load_results(patient_id, page), language)

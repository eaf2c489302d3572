"""Results a patient can understand: grouped by day and panel, a usual range (the lab's, or the
portal's general one, labelled), the flag in words and on a bar, a trend, plain-words
explanations in the patient's language, and "What is this test?" in English and Spanish."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.extensions import db
from portal.models import Result
from portal.results.education import education_texts
from portal.results.explain import explain
from portal.results.range_bar import range_bar
from portal.results.reference_ranges import apply_reference_ranges, shown_range
from portal.results.service import flag_from

NOON_IN_CALIFORNIA = datetime(2026, 3, 3, 20, 0, tzinfo=timezone.utc)


def _result(patient, loinc="2093-3", name="Cholesterol", value="180", unit="mg/dL", panel=None,
            at=NOON_IN_CALIFORNIA, low=None, high=None, source=None, value_text=None,
            interpretation=None) -> Result:
    """A result as an importer stores it: range columns empty unless the source sent a range."""
    row = Result(patient_id=patient.id, loinc_code=loinc, name=name, panel=panel,
                 value=Decimal(value) if value is not None else None, value_text=value_text, unit=unit,
                 range_low=Decimal(low) if low else None, range_high=Decimal(high) if high else None,
                 range_source=source, interpretation=interpretation, effective_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def _page(browser, login="alice@example.org", url="/results/") -> str:
    browser.sign_in(login)
    return browser.get(url).get_data(as_text=True)


def _item(page: str, heading: str) -> str:
    """The <li> of the result whose heading is `heading`."""
    match = re.search(r'<li class="result[^"]*">\s*<h[34]>' + re.escape(heading) + r"</h[34]>.*?\n</li>", page, re.S)
    assert match, f"no result headed {heading!r}"
    return match.group(0)


# --- Grouping ---

def test_results_are_grouped_by_day_then_by_panel(browser, people):
    earlier = NOON_IN_CALIFORNIA - timedelta(days=30)
    _result(people.alice_patient, "2093-3", "Total cholesterol", panel="Lipid panel")
    _result(people.alice_patient, "2085-9", "HDL cholesterol", "55", panel="Lipid panel")
    _result(people.alice_patient, "718-7", "Hemoglobin", "14", "g/dL", panel="Complete blood count")
    _result(people.alice_patient, "8867-4", "Heart rate", "72", "/min")
    _result(people.alice_patient, "2093-3", "Total cholesterol", "210", panel="Lipid panel", at=earlier)
    page = _page(browser)

    days = re.findall(r"<h2 id=\"day-\d+\">([^<]+)</h2>", page)
    assert days[1:] == ["Tuesday, March 3, 2026", "Sunday, February 1, 2026"]  # days[0]: the factory's A1c
    march = page.split("Tuesday, March 3, 2026", 1)[1].split("<h2", 1)[0]
    headings = re.findall(r"<h([34])[^>]*>([^<]+)</h\1>", march)
    assert headings == [("3", "Complete blood count"), ("4", "Hemoglobin"),
                        ("3", "Lipid panel"), ("4", "HDL cholesterol"), ("4", "Total cholesterol"),
                        ("3", "Heart rate")]  # tests outside a panel come last, without a made-up panel


# --- Usual ranges: the lab's, or the portal's general one ---

@pytest.mark.parametrize("moment", [
    datetime(2026, 3, 4, 3, 30, tzinfo=timezone.utc),   # 7:30 pm the day before in California
    datetime(2026, 3, 4, 3, 30),                         # the same, naive as SQLite hands it back
    datetime(2026, 3, 8, 9, 59, tzinfo=timezone.utc),   # around the spring change of clocks
    datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc),  # and the autumn one
])
def test_the_page_groups_by_the_same_day_as_the_users_time_zone(app, moment):
    from flask_babel import get_timezone, to_user_timezone
    from portal.results.service import local_day
    with app.test_request_context("/"):
        assert local_day(moment, get_timezone()) == local_day(moment) == to_user_timezone(moment).date()


def test_the_portal_range_is_used_and_labelled_when_the_source_has_none(browser, people):
    row = _result(people.alice_patient, "2093-3", "Total cholesterol", "230")
    item = _item(_page(browser), "Total cholesterol")
    assert "Usual range: below 200 mg/dL · a general range for adults, not your lab's" in item
    assert "Higher than usual" in item
    db.session.expire_all()
    stored = db.session.get(Result, row.id)
    assert stored.range_high is None and stored.range_source is None  # the row stays as the source sent it


def test_the_lab_range_is_shown_as_the_labs(browser, people):
    item = _item(_page(browser), "Hemoglobin A1c")  # the factory's A1c came with the lab's 4.0 to 5.6
    assert "Usual range: 4 to 5.6 %" in item
    assert "general range" not in item


def test_a_range_given_for_both_sexes_says_so(browser, people):
    _result(people.alice_patient, "718-7", "Hemoglobin", "13", "g/dL")
    item = _item(_page(browser), "Hemoglobin")
    assert "Usual range: 12 to 17.5 g/dL · a general range" in item
    assert "Men and women have different ranges; this one covers both." in item


def test_no_portal_range_when_the_units_differ(app, people):
    # A mg/dL range beside a value in mmol/L would call a normal glucose "low".
    row = _result(people.alice_patient, "2345-7", "Glucose", "5.4", "mmol/L")
    assert shown_range(row) is None
    with app.test_request_context():
        assert "There is no usual range to compare it with." in explain(row, None, None)


def test_apply_reference_ranges_fills_only_rows_without_a_range(people):
    bare = Result(loinc_code="33914-3", name="eGFR", value=Decimal("48"), unit="mL/min/{1.73_m2}")
    assert apply_reference_ranges(bare)
    assert (bare.range_low, bare.range_high, bare.range_source) == (Decimal("60"), None, "portal")
    assert not apply_reference_ranges(people.alice_result)
    assert people.alice_result.range_source == "lab"


# --- Plain-words explanations, in the patient's language ---

def _explained(app, language, **fields) -> str:
    row = Result(loinc_code=fields.pop("loinc", "2093-3"), name="Test", **fields)
    rng = shown_range(row)
    flag = flag_from(row.interpretation, row.value, rng.low if rng else None, rng.high if rng else None)
    with app.test_request_context(), force_locale(language):
        return explain(row, rng, flag)


@pytest.mark.parametrize("language, expected", [
    ("en", "Your result is 7.2 %. For most people it is between 4 and 5.6 %. Yours is higher."),
    ("es", "Su resultado es 7,2 %. En la mayoría de las personas, está entre 4 y 5,6 %. Su resultado es más alto."),
])
def test_a_high_result_is_explained_as_higher(app, language, expected):
    text = _explained(app, language, loinc="4548-4", value=Decimal("7.2"), unit="%",
                      range_low=Decimal("4.0"), range_high=Decimal("5.6"), range_source="lab")
    assert text.startswith(expected)
    assert text.endswith(("Ask your care team what this means for you.",
                          "Pregunte a su equipo de salud qué significa esto para usted."))


@pytest.mark.parametrize("language, expected", [
    ("en", "Your result is 48 mL/min/1.73 m². For most people it is above 60 mL/min/1.73 m². Yours is lower."),
    ("es", "Su resultado es 48 mL/min/1.73 m². En la mayoría de las personas, está por encima de 60 mL/min/1.73 m². "
           "Su resultado es más bajo."),
])
def test_a_low_result_is_explained_as_lower(app, language, expected):
    assert _explained(app, language, loinc="33914-3", value=Decimal("48"), unit="mL/min/{1.73_m2}").startswith(expected)


@pytest.mark.parametrize("language, expected", [
    ("en", "Your result is 72 /min. For most people it is between 60 and 100 /min. Yours is in this range."),
    ("es", "Su resultado es 72 /min. En la mayoría de las personas, está entre 60 y 100 /min. "
           "Su resultado está dentro de este rango."),
])
def test_a_usual_result_is_explained_as_in_range(app, language, expected):
    assert _explained(app, language, loinc="8867-4", value=Decimal("72.0000"), unit="/min") == expected


@pytest.mark.parametrize("language, expected", [
    ("en", "Your result is 80.5 kg. There is no usual range to compare it with."),
    ("es", "Su resultado es 80,5 kg. No hay un rango normal para compararlo."),
])
def test_a_result_without_a_range_says_there_is_none(app, language, expected):
    assert _explained(app, language, loinc="29463-7", value=Decimal("80.5"), unit="kg") == expected


@pytest.mark.parametrize("language, expected", [
    ("en", "Your result is Positive. The usual result is Negative. The lab marked it as not usual."),
    ("es", "Su resultado es Positivo. El resultado normal es Negativo. El laboratorio lo marcó como fuera de lo normal."),
])
def test_a_text_result_is_explained_in_words(app, language, expected):
    text = _explained(app, language, loinc="5802-4", value_text="Positive", range_text="Negative",
                      range_source="lab", interpretation="POS")
    assert text.startswith(expected)


def test_a_result_without_a_value_says_so(app):
    assert _explained(app, "en", loinc="4548-4", unit="%") == "This result has no value yet."
    assert _explained(app, "es", loinc="4548-4", unit="%") == "Este resultado todavía no tiene un valor."


def test_the_spanish_patient_reads_everything_in_spanish(browser, people):
    # bruno@example.org prefers Spanish; his LDL of 162 came with the lab's "below 100".
    item = _item(_page(browser, "bruno@example.org"), "Colesterol LDL")
    assert "Su resultado es 162 mg/dL. En la mayoría de las personas, está por debajo de 100 mg/dL. " \
           "Su resultado es más alto." in item
    assert "▲ Más alto de lo normal" in item
    assert '<p class="meta">LDL cholesterol</p>' in item  # the lab's own name stays one glance away
    assert "<summary>¿Qué es esta prueba?</summary><p>El LDL es el colesterol" in item


# --- The range bar ---

def test_the_range_bar_marker_stays_on_the_bar_for_far_out_values():
    assert range_bar(Decimal("600"), Decimal("70"), Decimal("99")).marker == 98.0
    assert range_bar(Decimal("-40"), Decimal("70"), Decimal("99")).marker == 2.0
    assert range_bar(Decimal("84.5"), Decimal("70"), Decimal("99")).marker == 50.0
    assert range_bar(Decimal("1000"), None, Decimal("100")).marker == 98.0  # one-sided: "below 100"
    assert range_bar(Decimal("30"), Decimal("60"), None).marker == 20.0      # one-sided: "above 60"
    assert range_bar(Decimal("5"), None, None) is None


def test_the_range_bar_is_placed_with_svg_attributes_not_inline_style(browser, people):
    _result(people.alice_patient, "2345-7", "Glucose", "600")
    page = _page(browser)
    item = _item(page, "Glucose")
    assert '<rect class="rb-mark" x="96.5" width="3" height="14"/>' in item  # 98 minus half the marker
    assert "style=" not in page and "<style" not in page


# --- Trends ---

def test_a_trend_appears_only_for_tests_done_more_than_once(browser, people):
    page = _page(browser)
    assert 'role="img"' not in _item(page, "Hemoglobin A1c")  # one A1c so far: nothing to draw

    _result(people.alice_patient, "4548-4", "Hemoglobin A1c", "6.1", "%", low="4.0", high="5.6", source="lab")
    _result(people.alice_patient, "4548-4", "Hemoglobin A1c", "6.6", "%", low="4.0", high="5.6", source="lab",
            at=NOON_IN_CALIFORNIA + timedelta(days=90))
    page = browser.get("/results/").get_data(as_text=True)
    newest, *older = re.findall(r'<li class="result[^"]*">\s*<h[34]>Hemoglobin A1c</h[34]>.*?\n</li>', page, re.S)
    assert re.search(r'<svg role="img" aria-labelledby="(tt\d+)".*?<title id="\1">Your last 3 results, oldest first:',
                     newest, re.S)
    hidden = re.search(r'<ol class="visually-hidden">(.*?)</ol>', newest).group(1)
    assert re.findall(r"<li>([^<]+)</li>", hidden)[:2] == ["Mar 3, 2026: 6.1 %", "Jun 1, 2026: 6.6 %"]
    assert hidden.count("<li>") == 3 and hidden.endswith(": 7.2 %</li>")
    assert "Up from 6.6 % on Jun 1, 2026." in newest
    assert all('role="img"' not in item for item in older)  # one chart per test, beside its newest value


def test_a_trend_leaves_out_values_in_another_unit(app, people):
    from portal.results.trends import TrendPoint, trend

    at = NOON_IN_CALIFORNIA
    points = [TrendPoint(at, Decimal("5.5"), "mmol/L"), TrendPoint(at + timedelta(days=1), Decimal("100"), "mg/dL")]
    assert trend(points, "mg/dL") is None  # a change of unit is not a change in the patient


# --- "What is this test?" ---

def _english_grade(text: str) -> float:
    try:
        from plain_language.readability import readability
    except ImportError:  # the plain_language library is another area's; textstat is what it wraps
        import textstat
        return textstat.flesch_kincaid_grade(text)
    return readability(text, "en")


def _spanish_reading_ease(text: str) -> float:
    try:
        from plain_language.readability import readability_scores
    except ImportError:
        import textstat
        textstat.set_lang("es")
        return textstat.fernandez_huerta(text)
    return readability_scores(text, "es")["fernandez_huerta"]


def test_education_covers_at_least_40_tests_in_english_and_spanish():
    english, spanish = education_texts("en"), education_texts("es")
    assert len(english) >= 40 and set(english) == set(spanish)
    assert len({entry.text for entry in english.values()}) >= 40  # 40 different tests, not 40 aliases
    common = {"718-7", "6690-2", "777-3", "2345-7", "2160-0", "2951-2", "2823-3", "1742-6", "2093-3", "13457-7",
              "2085-9", "2571-8", "4548-4", "3016-3", "1989-3", "2132-9", "2857-1", "6301-6", "33914-3",
              "14959-1", "8480-6", "8462-4", "8867-4", "39156-5", "29463-7"}
    assert common <= set(english)


def test_english_education_reads_at_grade_6_or_below():
    too_hard = {code: round(_english_grade(e.text), 1) for code, e in education_texts("en").items()
                if _english_grade(e.text) > 6}
    assert not too_hard


def test_spanish_education_is_fairly_easy_or_easier():
    too_hard = {code: round(_spanish_reading_ease(e.text)) for code, e in education_texts("es").items()
                if _spanish_reading_ease(e.text) < 70}
    assert not too_hard


def test_education_opens_without_javascript(browser, people):
    item = _item(_page(browser), "Hemoglobin A1c")
    assert "<details class=\"learn\"><summary>What is this test?</summary><p>A1c shows your average blood sugar" in item


# --- Cost: queries and bytes stay flat as the history grows ---

def _add_history(patient, count: int) -> None:
    tests = [("2093-3", "Total cholesterol", "mg/dL", "Lipid panel"), ("2085-9", "HDL cholesterol", "mg/dL", "Lipid panel"),
             ("4548-4", "Hemoglobin A1c", "%", None), ("8480-6", "Systolic blood pressure", "mm[Hg]", None),
             ("718-7", "Hemoglobin", "g/dL", "Complete blood count")]
    start = NOON_IN_CALIFORNIA - timedelta(days=count)
    db.session.execute(sa.insert(Result), [
        {"patient_id": patient.id, "loinc_code": code, "name": name, "unit": unit, "panel": panel,
         "value": Decimal(100 + i % 37), "effective_at": start + timedelta(days=i // len(tests))}
        for i in range(count) for code, name, unit, panel in [tests[i % len(tests)]]
    ])
    db.session.commit()


def _queries_for(browser, url: str) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert browser.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_history(browser, people):
    browser.sign_in("alice@example.org")
    _add_history(people.alice_patient, 10)
    first_visit_small, again_small = _queries_for(browser, "/results/"), _queries_for(browser, "/results/")
    _add_history(people.alice_patient, 1000)
    first_visit_large, again_large = _queries_for(browser, "/results/"), _queries_for(browser, "/results/")
    assert (first_visit_large, again_large) == (first_visit_small, again_small)
    assert again_large <= 6


def test_a_long_history_still_fits_in_one_network_round_trip(browser, people):
    _add_history(people.alice_patient, 1000)
    browser.sign_in("alice@example.org")
    response = browser.get("/results/", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(response.data) <= 14 * 1024


# --- The rendered list is kept per process, and never shown stale ---

def _main(page: str) -> str:
    return re.search(r'<main id="main".*?</main>', page, re.S).group(0)


def test_a_list_already_rendered_is_served_again_without_rendering(app, browser, people):
    cache = app.extensions["fragment_cache"]
    first = _page(browser)
    rendered = cache.misses
    again = browser.get("/results/").get_data(as_text=True)
    assert cache.misses == rendered and cache.hits >= 1
    assert _main(again) == _main(first)


def test_a_corrected_value_shows_on_the_next_view(browser, people):
    row = _result(people.alice_patient, "2345-7", "Glucose", "600")
    assert "Your result is 600 mg/dL" in _item(_page(browser), "Glucose")
    db.session.execute(sa.update(Result).where(Result.id == row.id).values(value=Decimal("95")))
    db.session.commit()  # as a re-import of a corrected result does
    item = _item(browser.get("/results/").get_data(as_text=True), "Glucose")
    assert "Your result is 95 mg/dL" in item and "600" not in item


def test_a_change_to_an_older_page_shows_in_the_trend_on_the_first(browser, people):
    _add_history(people.alice_patient, 60)      # 5 tests x 12 draws: the oldest draws are on page 2
    browser.sign_in("alice@example.org")
    first = browser.get("/results/").get_data(as_text=True)
    oldest_in_trend = db.session.scalars(
        sa.select(Result).where(Result.patient_id == people.alice_patient.id, Result.loinc_code == "718-7")
        .order_by(Result.effective_at.desc()).offset(7).limit(1)).one()
    db.session.execute(sa.update(Result).where(Result.id == oldest_in_trend.id).values(value=Decimal("7.7")))
    db.session.commit()
    again = browser.get("/results/").get_data(as_text=True)
    assert ": 7.7 g/dL</li>" in again and ": 7.7 g/dL</li>" not in first


def test_the_list_follows_a_change_of_language(browser, people):
    assert "Test results" in _page(browser)
    browser.submit("/", "/language", {"lang": "es", "next": "/results/"})
    page = browser.get("/results/").get_data(as_text=True)
    assert "¿Qué es esta prueba?" in page and "What is this test?" not in page


def test_with_the_cache_off_the_page_is_the_same(app, browser, people):
    cached = _main(_page(browser))
    app.extensions["fragment_cache"].max_bytes = 0
    assert _main(browser.get("/results/").get_data(as_text=True)) == cached


# --- Privacy ---

def test_another_patients_results_never_appear(browser, people):
    # Same test as Alice's A1c, with values nobody else has: neither the list nor her trend may show them.
    for days in range(3):
        _result(people.bruno_patient, "4548-4", "Hemoglobin A1c", f"9.{days}7", "%",
                at=NOON_IN_CALIFORNIA + timedelta(days=days))
    _result(people.alice_patient, "4548-4", "Hemoglobin A1c", "6.3", "%", low="4.0", high="5.6", source="lab")
    page = _page(browser)
    assert "LDL" not in page and "162" not in page
    assert not re.search(r"9[.,][0-2]7", page)
    hidden = re.search(r'<ol class="visually-hidden">(.*?)</ol>', page).group(1)
    assert re.findall(r": ([^<]+)</li>", hidden) == ["6.3 %", "7.2 %"]  # Alice's trend: her two A1c values only

"""SQL queries per page for a patient with 10 results and with 1,000 (the count must not grow).

Run: .venv/bin/python bench/bench_queries.py
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_scratch = Path(tempfile.mkdtemp(prefix="bench-queries-"))
os.environ["INSTANCE_PATH"] = str(_scratch)
os.environ["QUEUE_URL"] = f"sqlite:///{_scratch / 'queue.db'}"

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.auth.passwords import hash_password  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Patient, Result, Role, User  # noqa: E402

TESTS = [("4548-4", "Hemoglobin A1c", "%"), ("2345-7", "Glucose", "mg/dL"), ("2093-3", "Cholesterol", "mg/dL"),
         ("2160-0", "Creatinine", "mg/dL"), ("718-7", "Hemoglobin", "g/dL")]
PAGES = ["/", "/results/", "/notes/", "/messages/", "/medications/", "/appointments/"]


def add_results(patient_id: int, count: int, start: int) -> None:
    now = datetime.now(timezone.utc)
    db.session.add_all(
        Result(patient_id=patient_id, loinc_code=TESTS[i % 5][0], name=TESTS[i % 5][1], unit=TESTS[i % 5][2],
               value=Decimal(5 + (i % 7)), effective_at=now - timedelta(days=(start + i) // 5))
        for i in range(count))
    db.session.commit()


def main() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{_scratch / 'portal.db'}"})
    with app.app_context():
        upgrade()
        patient = Patient(given_name="Bench", family_name="Patient", preferred_language="en")
        db.session.add(patient)
        db.session.flush()
        db.session.add(User(login="bench@example.org", password_hash=hash_password("bench-pass"),
                            role=Role.PATIENT, display_name="Bench Patient", patient_id=patient.id))
        db.session.commit()
        patient_id = patient.id
        engine = db.engine
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"csrf_token": token, "login": "bench@example.org", "password": "bench-pass"})

    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def count(url: str) -> int | str:
        if url not in app.view_functions and client.get(url).status_code == 404:
            return "-"
        client.get(url)  # the first visit also marks things seen
        statements.clear()
        status = client.get(url).status_code
        return len(statements) if status == 200 else f"HTTP {status}"

    rows = {}
    for size, start in ((10, 0), (990, 10)):
        with app.app_context():
            add_results(patient_id, size, start)
        rows[size + start] = {url: count(url) for url in PAGES}
    print(f"{'page':<16} {'10 results':>11} {'1,000 results':>14}")
    for url in PAGES:
        print(f"{url:<16} {rows[10][url]!s:>11} {rows[1000][url]!s:>14}")


if __name__ == "__main__":
    main()

"""Print how long `flask portal import-fhir` takes on a real 2.4 MB Synthea bundle: the first
import (cold: it includes loading the fhir.resources models) and a re-import (every row
unchanged), on SQLite, and on PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set.
Then the rows per table.

Run: .venv/bin/python bench/bench_fhir_import.py [BUNDLE.json]
The bundles are not in the repository: by default the one nearest 2.4 MB in
../shared/data/synthea/ (or $SYNTHEA_DIR).
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_scratch = Path(tempfile.mkdtemp(prefix="bench-fhir-"))
os.environ["INSTANCE_PATH"] = str(_scratch)
os.environ["QUEUE_URL"] = f"sqlite:///{_scratch / 'queue.db'}"
SERVER_URL = os.environ.pop("DATABASE_URL", None) or os.environ.get("TEST_DATABASE_URL")

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.fhir import import_bundle_file  # noqa: E402

TARGET_BYTES = 2_400_000


def pick_bundle() -> Path | None:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    folder = Path(os.environ.get("SYNTHEA_DIR", ROOT.parent / "shared" / "data" / "synthea"))
    bundles = sorted(folder.glob("*.json"))
    return min(bundles, key=lambda p: abs(p.stat().st_size - TARGET_BYTES)) if bundles else None


def run(label: str, database_url: str, bundle: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        first = import_bundle_file(bundle)
        assert first.ok, first.problems
        again = import_bundle_file(bundle)
        assert again.ok, again.problems
        print(f"{label:<11} first import {first.seconds:6.2f} s   ({first.total('created')} rows created)")
        print(f"{'':<11} re-import    {again.seconds:6.2f} s   ({again.total('unchanged')} unchanged, "
              f"{again.total('created')} created, {again.total('updated')} updated)")
        counts = {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in db.metadata.sorted_tables}
        print(f"{'':<11} rows: " + ", ".join(f"{name} {n}" for name, n in counts.items() if n))
        db.session.remove()
        db.engine.dispose()


def postgres_database(server_url: str):
    """A throw-away database on the server, dropped afterwards (as tests/conftest.py does)."""
    import psycopg

    name = f"portal_bench_{uuid.uuid4().hex[:10]}"
    server = sa.engine.make_url(server_url)
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, conninfo, server.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)


def main() -> None:
    bundle = pick_bundle()
    if bundle is None:
        print("bench_fhir_import: no Synthea bundles found (set SYNTHEA_DIR); skipped.")
        return
    print(f"bundle: {bundle.name} ({bundle.stat().st_size / 1e6:.2f} MB)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import fhir.resources.R4B.bundle"], check=True)
    print(f"python + fhir.resources import alone: {time.perf_counter() - started:.2f} s (separate process)")
    run("SQLite", f"sqlite:///{_scratch / 'portal.db'}", bundle)
    if SERVER_URL:
        name, conninfo, url = postgres_database(SERVER_URL)
        try:
            run("PostgreSQL", url, bundle)
        finally:
            import psycopg
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        print("PostgreSQL: skipped (set DATABASE_URL or TEST_DATABASE_URL)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB RSS")


if __name__ == "__main__":
    main()

"""Print the gzip size of every page of the demo clinic, the CSS + JS, and the install footprint.

Run: .venv/bin/python bench/bench_page_weight.py
Sizes are deterministic for a given demo date; the budgets are enforced by tests/test_page_weight.py.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_scratch = Path(tempfile.mkdtemp(prefix="bench-pages-"))
os.environ["INSTANCE_PATH"] = str(_scratch)
os.environ["QUEUE_URL"] = f"sqlite:///{_scratch / 'queue.db'}"
os.environ.pop("DATABASE_URL", None)

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.conftest import csrf_token  # noqa: E402
from tests.site_map import crawl  # noqa: E402

_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def gzip_bytes(client, url: str) -> tuple[int, int, str]:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    raw = client.get(url)
    return len(response.data), len(raw.data), raw.get_data(as_text=True)


def main() -> None:
    from portal.demo.seed import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{_scratch / 'portal.db'}"})
    rows, assets = [], set()
    with app.app_context():
        upgrade()
        logins = seed_demo(db.session)
    client = app.test_client()
    size, raw, html = gzip_bytes(client, "/sign-in")
    rows.append(("signed out", "/sign-in", size, raw))
    for account in logins:
        page = client.get("/sign-in").get_data(as_text=True)
        client.post("/sign-in", data={"csrf_token": csrf_token(page), "login": account.login, "password": account.password})
        for url in crawl(lambda u: (lambda r: (r.status_code, r.get_data(as_text=True)))(client.get(u))):
            size, raw, html = gzip_bytes(client, url)
            rows.append((account.role, url, size, raw))
            assets.update(_ASSET.findall(html))
        page = client.get("/").get_data(as_text=True)
        client.post("/sign-out", data={"csrf_token": csrf_token(page)})

    print(f"{'who':<10} {'page':<28} {'gzip':>7} {'raw':>8}")
    for who, url, size, raw in sorted(rows, key=lambda r: -r[2]):
        print(f"{who:<10} {url:<28} {size:>7} {raw:>8}")
    print(f"largest page HTML, gzip: {max(r[2] for r in rows)} bytes (budget 14336)")
    asset_total = 0
    for asset in sorted(assets):
        size, raw, _ = gzip_bytes(client, asset)
        asset_total += size
        print(f"asset {asset:<40} {size:>7} {raw:>8}")
    print(f"CSS + JS, gzip: {asset_total} bytes (budget 30720)")
    results = max(r[2] for r in rows if r[1].startswith("/results/"))
    print(f"first visit to /results/, gzip: {results + asset_total} bytes (budget 40960)")
    venv = ROOT / ".venv"
    if venv.exists():
        du = subprocess.run(["du", "-sm", str(venv)], capture_output=True, text=True).stdout.split()[0]
        print(f"install footprint: .venv = {du} MB")


if __name__ == "__main__":
    main()

"""Throughput of real pages under gunicorn, against a bare Flask "hello" page, measured in one run.

Run: .venv/bin/python bench/bench_throughput.py [--requests 1500] [--threads 8]
Prints requests/second for: hello, the results page (with its rendered list kept in the fragment
cache, and rendered each time), the notes list (the lightest signed-in page), a note as written
(English patient), the same kind of note translated for a Spanish patient (translation ready in
the database), each with the workers' CPU time per request (steadier than req/s when the machine
is busy); then the resident memory of each web worker, with a check that no worker loaded torch,
stanza or CTranslate2. Budgets (design.md): results >= half of hello; workers < 150 MB RSS.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN = ["--workers", "2", "--threads", "4", "--bind"]
HEAVY_LIBRARIES = ("torch", "stanza", "ctranslate2", "spacy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen([str(BIN / "gunicorn"), *GUNICORN, f"127.0.0.1:{port}", app], cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {app} did not start")


def sign_in(port: int, login: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/sign-in")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    body = f"csrf_token={token}&login={login}&password={password}"
    conn.request("POST", "/sign-in", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in failed for {login}: {response.status}"
    return response.getheader("Set-Cookie").split(";")[0]


def load(port: int, path: str, cookie: str | None, total: int, threads: int) -> float:
    """Requests per second for `total` keep-alive GETs spread over `threads` clients."""
    per_thread = total // threads
    errors = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
        for _ in range(per_thread):
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            # Keep a renewed session cookie, as a browser does (the portal renews it once a minute).
            renewed = response.getheader("Set-Cookie")
            if cookie and renewed and renewed.startswith("session="):
                headers["Cookie"] = renewed.split(";")[0]

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{path}: {len(errors)} errors, e.g. HTTP {errors[0]}")
    return per_thread * threads / elapsed


def workers_cpu_seconds(master: subprocess.Popen) -> float:
    """User + system CPU time used so far by the master's worker processes."""
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(master: subprocess.Popen, port: int, path: str, cookie: str | None, total: int,
            threads: int) -> tuple[float, float]:
    """(requests per second, worker CPU microseconds per request). The CPU figure is steadier than
    the rate on a busy machine: it does not count time the workers spent waiting for a core."""
    before = workers_cpu_seconds(master)
    rate = load(port, path, cookie, total, threads)
    return rate, (workers_cpu_seconds(master) - before) / (total // threads * threads) * 1e6


def worker_memory(master: subprocess.Popen) -> list[tuple[int, float, list[str]]]:
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    out = []
    for pid in map(int, children):
        rss = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024
        maps = Path(f"/proc/{pid}/maps").read_text()
        out.append((pid, rss, [lib for lib in HEAVY_LIBRARIES if f"/{lib}/" in maps or f"lib{lib}" in maps]))
    return out


def prepare(instance: Path) -> dict:
    """Demo clinic in a scratch SQLite database, with the Spanish patient's notes translated."""
    env = {**os.environ, "INSTANCE_PATH": str(instance), "QUEUE_URL": f"sqlite:///{instance / 'queue.db'}"}
    env.pop("DATABASE_URL", None)
    script = f"""
import sys; sys.path.insert(0, {str(ROOT)!r})
from flask_migrate import upgrade
from portal import create_app
from portal.extensions import db
from portal.language.engines import FakeEngine
from portal.language.service import run_translation
from portal.models import ClinicalNote, Patient
from portal.queue import huey
huey.immediate = True
app = create_app({{"TRANSLATION_ENGINE": FakeEngine()}})
with app.app_context():
    upgrade()
    from portal.demo.seed import seed_demo
    seed_demo(db.session)
    spanish = db.session.query(Patient).filter_by(preferred_language="es").first()
    english = db.session.query(Patient).filter_by(preferred_language="en").first()
    es_note = db.session.query(ClinicalNote).filter_by(patient_id=spanish.id).first()
    en_note = db.session.query(ClinicalNote).filter_by(patient_id=english.id).first()
    for kind in ("note", "note_simple"):
        run_translation(kind, es_note.id, "es")
    print(es_note.id, en_note.id, spanish.user.login, english.user.login)
"""
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    es_note, en_note, es_login, en_login = out.stdout.split()[-4:]
    return {"env": env, "es_note": es_note, "en_note": en_note, "es_login": es_login, "en_login": en_login}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    setup = prepare(instance)
    hello_port, portal_port, uncached_port = free_port(), free_port(), free_port()
    hello = start("hello_app:app", hello_port, setup["env"], ROOT / "bench")
    portal = start("app:app", portal_port, setup["env"], ROOT)
    # The same portal with the fragment cache off: what rendering the results list costs.
    uncached = start("app:app", uncached_port, {**setup["env"], "FRAGMENT_CACHE_BYTES": "0"}, ROOT)
    try:
        uncached_cookie = sign_in(uncached_port, setup["en_login"], setup["en_login"].split("@")[0] + "-demo-pass")
        en_cookie = sign_in(portal_port, setup["en_login"], setup["en_login"].split("@")[0] + "-demo-pass")
        es_cookie = sign_in(portal_port, setup["es_login"], setup["es_login"].split("@")[0] + "-demo-pass")
        for path, cookie in (("/results/", en_cookie), (f"/notes/{setup['en_note']}", en_cookie),
                             (f"/notes/{setup['es_note']}", es_cookie)):
            load(portal_port, path, cookie, 50, 2)  # warm up (syllable cache, templates)
        load(uncached_port, "/results/", uncached_cookie, 50, 2)
        load(hello_port, "/", None, 200, 2)
        n, t = args.requests, args.threads
        measured = {
            "hello": measure(hello, hello_port, "/", None, n, t),
            "results": measure(portal, portal_port, "/results/", en_cookie, n, t),
            "results, list rendered each time": measure(uncached, uncached_port, "/results/", uncached_cookie, n, t),
            "notes list (lightest signed-in page)": measure(portal, portal_port, "/notes/", en_cookie, n, t),
            "note as written (en)": measure(portal, portal_port, f"/notes/{setup['en_note']}", en_cookie, n, t),
            "note translated (es, ready)": measure(portal, portal_port, f"/notes/{setup['es_note']}", es_cookie, n, t),
        }
        figures = {name: rate for name, (rate, _cpu) in measured.items()}
        print(f"load average: {os.getloadavg()[0]:.2f}; gunicorn {' '.join(GUNICORN)}; {args.requests} requests, {args.threads} clients")
        for name, (rate, cpu) in measured.items():
            print(f"{name:<38} {rate:8.0f} req/s {cpu / 1000:7.2f} ms worker CPU/request")
        print(f"results / hello: {figures['results'] / figures['hello']:.2f} (budget >= 0.5)")
        print(f"results / results rendered each time: {figures['results'] / figures['results, list rendered each time']:.1f}x")
        print(f"results / notes list: {figures['results'] / figures['notes list (lightest signed-in page)']:.2f}"
              " (the floor: session, account, layout)")
        print(f"translated note / note as written: {figures['note translated (es, ready)'] / figures['note as written (en)']:.2f}")
        for pid, rss, heavy in worker_memory(portal):
            print(f"web worker {pid}: {rss:.0f} MB RSS (budget < 150); heavy libraries loaded: {heavy or 'none'}")
    finally:
        for process in (hello, portal, uncached):
            os.killpg(process.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()

"""The background job queue: Huey on SQLite by default, on Redis when QUEUE_URL says redis://.

The consumer runs as `huey_consumer portal.language.jobs.huey -w 2 -k thread` (the module that
registers the tasks). The queue is created at
import time because Huey's task decorators need the instance when modules load.
"""
from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from portal.paths import instance_path


def make_huey(url: str):
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("portal", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("portal", filename=str(path))
    raise SystemExit(f"Configuration error: QUEUE_URL must start with sqlite:/// or redis://, got {url!r}.")


def default_queue_url() -> str:
    return f"sqlite:///{instance_path() / 'queue.db'}"


huey = make_huey(os.environ.get("QUEUE_URL") or default_queue_url())


def queue_health() -> dict:
    """Pending job count, for /healthz and the admin page; raises if the queue is unreachable."""
    return {"pending": huey.pending_count()}

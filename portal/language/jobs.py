"""Background translation jobs on the Huey queue (SQLite by default, Redis at scale).

Run a consumer with: huey_consumer portal.language.jobs.huey -w 2 -k thread
Failed jobs retry; a job that still fails stays visible (status "failed") on the admin page.
"""
from __future__ import annotations

from flask import has_app_context

from portal.queue import huey

RETRIES = 3
RETRY_DELAY_SECONDS = 30
GONE = "gone"
_app = None


def _in_app_context(function, *args):
    """The consumer has no Flask app: build one per process; in-process callers already have one."""
    global _app
    if has_app_context():
        return function(*args)
    if _app is None:
        from portal import create_app
        _app = create_app()
    with _app.app_context():
        return function(*args)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def translate_document_job(kind: str, object_id: int, target: str) -> str:
    from portal.language.service import run_translation

    def run() -> str:
        try:
            return run_translation(kind, object_id, target).status
        except LookupError:
            # Removed after the job was queued (an EHR retraction): nothing to translate, and
            # retrying could never succeed.
            return GONE
    return _in_app_context(run)


def translate_later(kind: str, object_id: int, target: str) -> None:
    """Queue the job (tests switch Huey to immediate mode, which runs it before this returns)."""
    translate_document_job(kind, object_id, target)

"""What the clinic's administrator checks: translation models, the job queue, failed jobs."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db
from portal.language.packages import InstalledPackage, list_installed
from portal.language.service import failed_translations
from portal.models import DocumentTranslation
from portal.queue import queue_health


@dataclass(frozen=True)
class LanguageStatus:
    installed: list[InstalledPackage]
    queue_pending: int | None  # None: the queue could not be reached
    translations_by_status: dict[str, int]
    failed: list[DocumentTranslation]


def language_status(packages_dir: str) -> LanguageStatus:
    try:
        pending = queue_health()["pending"]
    except Exception:  # an unreachable Redis must not take the admin page down with it
        pending = None
    counts = dict(db.session.execute(select(DocumentTranslation.status, func.count()).group_by(DocumentTranslation.status)).all())
    return LanguageStatus(list_installed(packages_dir), pending, counts, failed_translations())

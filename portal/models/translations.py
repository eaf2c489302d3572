"""Machine translations: a sentence cache shared by all documents, and one row per
(document, reader's language) that says where its translation stands."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import utcnow


class CachedSentence(db.Model):
    """One translated sentence, keyed as the pipeline's CacheKey: a new model version misses."""
    __tablename__ = "translation_cache"
    __table_args__ = (UniqueConstraint("source_sha256", "source_lang", "target_lang", "model_version",
                                       name="uq_translation_cache_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    model_version: Mapped[str] = mapped_column(String(100))
    translated: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentTranslation(db.Model):
    """Free text translated for a reader (a note, a message, what a patient typed on a request):
    pending, ready, no_model or failed."""
    __tablename__ = "document_translations"
    __table_args__ = (UniqueConstraint("kind", "object_id", "target_lang", name="uq_document_translations_doc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which text (portal/language/service.py _SOURCES: "note", "message", "renewal_note"...);
    # object_id is the row's id in that kind's table.
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # The translated segments as the pipeline returned them: [{"source", "text", "kind", "kept_original"}].
    segments: Mapped[Optional[list]] = mapped_column(JSON)
    model_version: Mapped[Optional[str]] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def kept_original_count(self) -> int:
        return sum(1 for s in self.segments or [] if s.get("kept_original"))

"""Audit events: every read or write of a patient's record by someone other than the patient."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import utcnow


class AuditEvent(db.Model):
    """Append-only: the application inserts these and never updates or deletes them."""
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_patient_time", "patient_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    patient_id: Mapped[Optional[int]] = mapped_column(ForeignKey("patients.id"))
    # "view" or "change"; what: the area ("results", "note"), object_id the row when there is one.
    action: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[Optional[int]]
    route: Mapped[Optional[str]] = mapped_column(String(200))
    ip: Mapped[Optional[str]] = mapped_column(String(64))

"""Proxy grants: a patient lets a CHW or caregiver act for them, in some areas, until a date."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.people import Patient, User


class Scope(str, enum.Enum):
    RESULTS = "results"
    NOTES = "notes"
    MESSAGES = "messages"
    MEDICATIONS = "medications"
    APPOINTMENTS = "appointments"
    BILLING = "billing"
    FORMS = "forms"


class ProxyGrant(db.Model):
    __tablename__ = "proxy_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Space-separated Scope values; a short fixed vocabulary, so no join table.
    scopes: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient] = relationship()
    grantee: Mapped[User] = relationship(foreign_keys=[grantee_id])

    @property
    def scope_set(self) -> set[Scope]:
        return {Scope(s) for s in self.scopes.split()}

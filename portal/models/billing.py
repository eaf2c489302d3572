"""Bills the patient can see and pay."""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.people import Patient


class Invoice(db.Model):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    service_date: Mapped[Optional[date]] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(300))
    # Whole cents: money is never a float.
    amount_cents: Mapped[int]
    paid_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    due_on: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")

    patient: Mapped[Patient] = relationship()

"""Care the patient manages: medications with renewal requests, and appointments."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.people import Patient, User


class Medication(db.Model):
    """A prescription, kept structured so instructions can be rendered in any language."""
    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rxnorm_code: Mapped[Optional[str]] = mapped_column(String(20))
    dose_quantity: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 3))
    dose_unit: Mapped[Optional[str]] = mapped_column(String(40))
    route: Mapped[Optional[str]] = mapped_column(String(40))
    times_per_day: Mapped[Optional[int]]
    as_needed: Mapped[bool] = mapped_column(default=False)
    # The prescriber's own words, kept for reference when the structure cannot say it all.
    instructions_text: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    prescriber: Mapped[Optional[str]] = mapped_column(String(200))
    started_on: Mapped[Optional[date]] = mapped_column(Date)
    refills_left: Mapped[Optional[int]]

    patient: Mapped[Patient] = relationship()


class RefillRequest(db.Model):
    __tablename__ = "refill_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    medication_id: Mapped[int] = mapped_column(ForeignKey("medications.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    # The patient's words (any language) and where they pick up their medicines.
    patient_note: Mapped[Optional[str]] = mapped_column(Text)
    pharmacy: Mapped[Optional[str]] = mapped_column(String(200))
    # Staff's reason when they approve with changes or deny; shown to the patient.
    reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    medication: Mapped[Medication] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class Appointment(db.Model):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(default=30)
    # "in_person" or "video".
    kind: Mapped[str] = mapped_column(String(20), default="in_person")
    clinician: Mapped[Optional[str]] = mapped_column(String(200))
    location: Mapped[Optional[str]] = mapped_column(String(300))
    video_url: Mapped[Optional[str]] = mapped_column(String(500))
    reason: Mapped[Optional[str]] = mapped_column(String(300))
    # booked, checked_in, fulfilled, cancelled, noshow
    status: Mapped[str] = mapped_column(String(20), default="booked")
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    patient: Mapped[Patient] = relationship()


class AppointmentRequest(db.Model):
    """A patient asks for a visit; staff offer slots; the patient accepts one (then it is booked)."""
    __tablename__ = "appointment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    # Space-separated choices from fixed lists: "mon wed", "morning afternoon".
    preferred_days: Mapped[Optional[str]] = mapped_column(String(60))
    preferred_times: Mapped[Optional[str]] = mapped_column(String(60))
    # "in_person", "video" or "either".
    kind: Mapped[str] = mapped_column(String(20), default="either")
    # requested, offered, booked, cancelled, declined
    status: Mapped[str] = mapped_column(String(20), default="requested")
    staff_note: Mapped[Optional[str]] = mapped_column(Text)
    appointment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("appointments.id"))
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    offers: Mapped[list["AppointmentOffer"]] = relationship(back_populates="request", order_by="AppointmentOffer.starts_at")


class AppointmentOffer(db.Model):
    """One slot staff offer for a request."""
    __tablename__ = "appointment_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("appointment_requests.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(default=30)
    kind: Mapped[str] = mapped_column(String(20), default="in_person")
    clinician: Mapped[Optional[str]] = mapped_column(String(200))
    location: Mapped[Optional[str]] = mapped_column(String(300))
    # offered, accepted, withdrawn
    status: Mapped[str] = mapped_column(String(20), default="offered")

    request: Mapped[AppointmentRequest] = relationship(back_populates="offers")

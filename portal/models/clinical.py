"""Clinical history imported from the EHR: the patient's conditions (problem list) and immunizations."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.people import Patient


class Condition(db.Model):
    """A problem or diagnosis (FHIR Condition), SNOMED CT or ICD-10 coded."""
    __tablename__ = "conditions"
    __table_args__ = (Index("ix_conditions_patient_onset", "patient_id", "onset_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    code: Mapped[Optional[str]] = mapped_column(String(32))
    # The code system's URI, e.g. http://snomed.info/sct, so education can be linked by code.
    code_system: Mapped[Optional[str]] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    # FHIR condition-clinical: active, recurrence, relapse, inactive, remission, resolved.
    clinical_status: Mapped[Optional[str]] = mapped_column(String(20))
    # FHIR condition-ver-status: unconfirmed, provisional, differential, confirmed, refuted.
    verification_status: Mapped[Optional[str]] = mapped_column(String(20))
    onset_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    abated_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient] = relationship()


class Immunization(db.Model):
    """A vaccine given (or recorded as not given), CVX coded."""
    __tablename__ = "immunizations"
    __table_args__ = (Index("ix_immunizations_patient_time", "patient_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    cvx_code: Mapped[Optional[str]] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    # completed or not-done (FHIR immunization-status).
    status: Mapped[str] = mapped_column(String(20), default="completed")
    # Optional: FHIR allows a free-text occurrence ("childhood") with no date.
    occurred_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    location: Mapped[Optional[str]] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient] = relationship()

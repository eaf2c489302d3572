"""The clinical record a patient reads: lab and vital-sign results, and clinical notes."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.people import Patient


class Result(db.Model):
    """One observation: a lab test or a vital sign, LOINC coded."""
    __tablename__ = "results"
    __table_args__ = (
        Index("ix_results_patient_time", "patient_id", "effective_at"),
        # The trend query: a patient's history of one test.
        Index("ix_results_patient_test_time", "patient_id", "loinc_code", "effective_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    loinc_code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    # Panel the test was ordered in ("Lipid panel"), from the DiagnosticReport when known.
    panel: Mapped[Optional[str]] = mapped_column(String(200))
    value: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 4))
    # For results that are not numbers ("Negative", "Positive", "Trace").
    value_text: Mapped[Optional[str]] = mapped_column(String(200))
    unit: Mapped[Optional[str]] = mapped_column(String(40))
    range_low: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 4))
    range_high: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 4))
    range_text: Mapped[Optional[str]] = mapped_column(String(200))
    # "lab" when the range came with the result, "portal" when it is the portal's general range.
    range_source: Mapped[Optional[str]] = mapped_column(String(16))
    # HL7 v3 ObservationInterpretation code: N, H, L, HH, LL, A, AA, POS, NEG ...
    interpretation: Mapped[Optional[str]] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="final")
    effective_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the patient first opened it; drives "new" on the home page.
    seen_by_patient_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    patient: Mapped[Patient] = relationship()


class ClinicalNote(db.Model):
    """A note written by a clinician (open notes), stored as written."""
    __tablename__ = "clinical_notes"
    __table_args__ = (Index("ix_clinical_notes_patient_time", "patient_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(100))
    author: Mapped[str] = mapped_column(String(200))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_by_patient_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    patient: Mapped[Patient] = relationship()

"""People: sign-in accounts (with a role) and the patients whose records the portal holds."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Date, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow


class Role(str, enum.Enum):
    PATIENT = "patient"
    CHW = "chw"
    STAFF = "staff"
    ADMIN = "admin"


class HelperKind(str, enum.Enum):
    """What kind of helper a Role.CHW account is. Both act only under a patient's grant, so access
    checks look at the role alone; the kind is for naming the person truthfully to the patient."""
    CHW = "chw"  # community health worker
    CAREGIVER = "caregiver"  # family member or caregiver


class ReadingLevel(str, enum.Enum):
    """Which version of free text opens first: as written, simpler words, or simplest."""
    STANDARD = "standard"
    SIMPLER = "simpler"
    SIMPLEST = "simplest"


class Patient(db.Model):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    fhir_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[Optional[date]] = mapped_column(Date)
    # BCP 47 primary subtag from FHIR Patient.communication; drives content translation.
    preferred_language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[Optional["User"]] = relationship(back_populates="patient", uselist=False)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case; an e-mail address or, for patients enrolled without e-mail, a username.
    login: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    display_name: Mapped[str] = mapped_column(String(200))
    preferred_language: Mapped[Optional[str]] = mapped_column(String(16))
    reading_level: Mapped[ReadingLevel] = mapped_column(
        Enum(ReadingLevel, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ReadingLevel.STANDARD,
    )
    # Set for role=chw (the clinic chooses it when making the account), NULL for everyone else.
    helper_kind: Mapped[Optional[HelperKind]] = mapped_column(
        Enum(HelperKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    # Set for role=patient: the record this account belongs to.
    patient_id: Mapped[Optional[int]] = mapped_column(ForeignKey("patients.id"), unique=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    # Bumped when the password changes or the account is locked, so old sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Assisted enrolment: staff print a one-time code; only its hash is kept, and it expires.
    activation_code_hash: Mapped[Optional[str]] = mapped_column(String(255))
    activation_expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    patient: Mapped[Optional[Patient]] = relationship(back_populates="user")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

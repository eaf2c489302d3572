"""Small builders for test data: each returns saved rows with known values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models import ClinicalNote, Patient, ReadingLevel, Result, Role, User
from portal.models.people import HelperKind

PASSWORD = "correct horse battery staple"
_HASH = None


def _password_hash() -> str:
    # Argon2 is slow on purpose; one hash serves every test user.
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def user(login: str, role: Role, name: str, patient: Patient | None = None, language: str | None = None,
         reading_level: ReadingLevel = ReadingLevel.STANDARD, helper_kind: HelperKind | None = None) -> User:
    if role is Role.CHW and helper_kind is None:
        helper_kind = HelperKind.CHW  # as the clinic's form and the migration make every helper
    account = User(login=login, password_hash=_password_hash(), role=role, display_name=name,
                   patient=patient, preferred_language=language, reading_level=reading_level, helper_kind=helper_kind)
    db.session.add(account)
    db.session.commit()
    return account


def patient(given: str, family: str, language: str = "en") -> Patient:
    record = Patient(given_name=given, family_name=family, preferred_language=language)
    db.session.add(record)
    db.session.commit()
    return record


def result(patient: Patient, name: str = "Hemoglobin A1c", value: str = "7.2", unit: str = "%",
           low: str | None = "4.0", high: str | None = "5.6", days_ago: int = 1, loinc: str = "4548-4",
           interpretation: str | None = None) -> Result:
    row = Result(patient_id=patient.id, loinc_code=loinc, name=name, value=Decimal(value), unit=unit,
                 range_low=Decimal(low) if low else None, range_high=Decimal(high) if high else None,
                 range_source="lab", interpretation=interpretation,
                 effective_at=datetime.now(timezone.utc) - timedelta(days=days_ago))
    db.session.add(row)
    db.session.commit()
    return row


def note(patient: Patient, text: str = "Pt seen for f/u of HTN. BP 138/86. Denies chest pain.",
         kind: str = "Progress note", days_ago: int = 2) -> ClinicalNote:
    row = ClinicalNote(patient_id=patient.id, kind=kind, author="Dr. Ana Ruiz", text=text, language="en",
                       written_at=datetime.now(timezone.utc) - timedelta(days=days_ago))
    db.session.add(row)
    db.session.commit()
    return row


@dataclass
class Clinic:
    alice: User
    alice_patient: Patient
    bruno: User
    bruno_patient: Patient
    staff: User
    chw: User
    alice_note: ClinicalNote
    bruno_note: ClinicalNote
    alice_result: Result
    bruno_result: Result


def clinic() -> Clinic:
    alice_patient = patient("Alice", "Walker")
    bruno_patient = patient("Bruno", "Díaz", language="es")
    return Clinic(
        alice=user("alice@example.org", Role.PATIENT, "Alice Walker", alice_patient),
        alice_patient=alice_patient,
        bruno=user("bruno@example.org", Role.PATIENT, "Bruno Díaz", bruno_patient, language="es"),
        bruno_patient=bruno_patient,
        staff=user("nurse@example.org", Role.STAFF, "Nora Nurse"),
        chw=user("chw@example.org", Role.CHW, "Carla Worker"),
        alice_note=note(alice_patient),
        bruno_note=note(bruno_patient, "Pt here for lipid f/u. LDL 162 mg/dL. No myalgias on atorvastatin 20 mg."),
        alice_result=result(alice_patient),
        bruno_result=result(bruno_patient, name="LDL cholesterol", value="162", unit="mg/dL", low=None,
                            high="100", loinc="13457-7"),
    )

"""The portal's data model, one module per area. Import from here: `from portal.models import Result`."""
from portal.models.audit import AuditEvent
from portal.models.billing import Invoice
from portal.models.care import Appointment, AppointmentOffer, AppointmentRequest, Medication, RefillRequest
from portal.models.clinical import Condition, Immunization
from portal.models.messages import Message, MessageThread
from portal.models.people import Patient, Role, User, ReadingLevel
from portal.models.proxy import ProxyGrant, Scope
from portal.models.records import ClinicalNote, Result
from portal.models.translations import CachedSentence, DocumentTranslation

__all__ = [
    "Appointment", "AppointmentOffer", "AppointmentRequest", "AuditEvent", "CachedSentence", "ClinicalNote", "DocumentTranslation", "Condition", "Immunization", "Invoice",
    "Medication", "Message", "MessageThread", "Patient", "ProxyGrant", "ReadingLevel",
    "RefillRequest", "Result", "Role", "Scope", "User",
]

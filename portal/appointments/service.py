"""Visits: upcoming and past, asking for a visit, slots the clinic offers, cancelling.

The state machines (a refused move changes nothing and says why, in the user's language; each
move is one compare-and-set UPDATE, so a double tap or two people at once cannot both win):

    request      requested --staff offer 1-3 slots--> offered --patient accepts one--> booked
                 requested | offered --patient cancels--> cancelled
    offer        offered --> accepted (the one chosen) | withdrawn (the others, or on cancel)
    appointment  booked --patient cancels, up to CANCEL_CUTOFF before the start--> cancelled

Times are stored in UTC and shown in the clinic's time zone (BABEL_DEFAULT_TIMEZONE).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import current_app
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.appointments.ics import CalendarEvent, calendar
from portal.extensions import db
from portal.language.service import ReaderView, request_translation, views_for
from portal.messages.service import STAFF_LANGUAGE
from portal.models import Appointment, AppointmentOffer, AppointmentRequest, Patient, User
from portal.models.base import as_utc, utcnow

PAGE_SIZE = 20
UPCOMING_SHOWN = 20  # nobody has more booked visits than this; past visits are paged
VIDEO_LINK_OPENS = timedelta(minutes=30)
CANCEL_CUTOFF = timedelta(hours=2)
MAX_OFFERS = 3
REASON_MAX = 1000
NOTE_KIND = "visit_note"  # the patient's reason as a translation kind (portal/language/service.py)

# The fixed choices a patient ticks when asking for a visit (stored space-separated).
DAYS = ("mon", "tue", "wed", "thu", "fri")
TIMES = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening")}
KINDS = {"in_person": _l("In person at the clinic"), "video": _l("Video visit"), "either": _l("Either is fine")}


class VisitRefused(Exception):
    """A move the state machine does not allow; str() is the message to show (translated)."""



def clinic_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def clinic_time_to_utc(local: datetime) -> datetime:
    """A date and time typed on the clinic's clock (naive) -> UTC."""
    return local.replace(tzinfo=clinic_timezone()).astimezone(timezone.utc)


def day_name(code: str) -> str:
    """"mon" -> "Monday" / "Lunes", from Babel's calendar data (no catalog entry needed)."""
    return get_day_names("wide", locale=get_locale() or "en")[DAYS.index(code)].capitalize()


def preferred_days(request: AppointmentRequest) -> list[str]:
    return [day_name(code) for code in (request.preferred_days or "").split() if code in DAYS]


def preferred_times(request: AppointmentRequest) -> list[str]:
    return [str(TIMES[code]) for code in (request.preferred_times or "").split() if code in TIMES]


# ---------------------------------------------------------------------------------------------
# Visits


def ends_at(appointment: Appointment) -> datetime:
    return as_utc(appointment.starts_at) + timedelta(minutes=appointment.minutes)


def video_link_state(appointment: Appointment, now: datetime | None = None) -> str | None:
    """For a video visit: "open" (show the link: from 30 minutes before until it ends), "later",
    "ended", or "missing" (no link yet); None for other visits."""
    if appointment.kind != "video" or appointment.status == "cancelled":
        return None
    if not appointment.video_url:
        return "missing"
    now = now or utcnow()
    if now < as_utc(appointment.starts_at) - VIDEO_LINK_OPENS:
        return "later"
    if now >= ends_at(appointment):
        return "ended"
    return "open"


def video_link_opens_at(appointment: Appointment) -> datetime:
    return as_utc(appointment.starts_at) - VIDEO_LINK_OPENS


def is_upcoming(appointment: Appointment, now: datetime | None = None) -> bool:
    return as_utc(appointment.starts_at) > (now or utcnow())


def can_cancel(appointment: Appointment, now: datetime | None = None) -> bool:
    return appointment.status == "booked" and as_utc(appointment.starts_at) - (now or utcnow()) > CANCEL_CUTOFF


@dataclass(frozen=True)
class VisitsPage:
    upcoming: list[Appointment]  # today's and later visits, soonest first (first page only)
    past: list[Appointment]  # before today, newest first, paged
    open_requests: list[AppointmentRequest]  # first page only
    page: int
    has_older: bool


def visits_page(patient_id: int, page: int = 1, now: datetime | None = None) -> VisitsPage:
    """Three queries whatever the history's size. A visit earlier today stays with "today and
    later", so the day's visit does not jump lists when it starts."""
    page = max(page, 1)
    now = now or utcnow()
    start_of_today = datetime.combine(now.astimezone(clinic_timezone()).date(), time(0), tzinfo=clinic_timezone())
    mine = select(Appointment).where(Appointment.patient_id == patient_id)
    upcoming, requests = [], []
    if page == 1:
        upcoming = list(db.session.scalars(mine.where(Appointment.starts_at >= start_of_today)
                                           .order_by(Appointment.starts_at).limit(UPCOMING_SHOWN)))
        requests = list(db.session.scalars(
            select(AppointmentRequest).where(AppointmentRequest.patient_id == patient_id,
                                             AppointmentRequest.status.in_(("requested", "offered")))
            .order_by(AppointmentRequest.created_at.desc()).limit(UPCOMING_SHOWN)))
    past = list(db.session.scalars(mine.where(Appointment.starts_at < start_of_today)
                                   .order_by(Appointment.starts_at.desc())
                                   .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return VisitsPage(upcoming, past[:PAGE_SIZE], requests, page, len(past) > PAGE_SIZE)


def appointment_for(patient_id: int, appointment_id: int) -> Appointment | None:
    """The visit only if it is this patient's: another patient's id finds nothing."""
    return db.session.scalar(
        select(Appointment).where(Appointment.id == appointment_id, Appointment.patient_id == patient_id))


def cancel_appointment(patient_id: int, appointment_id: int, now: datetime | None = None) -> Appointment:
    appointment = appointment_for(patient_id, appointment_id)
    if appointment is None:
        raise LookupError(f"no appointment {appointment_id} for patient {patient_id}")
    now = now or utcnow()
    moved = db.session.execute(
        update(Appointment).where(Appointment.id == appointment.id, Appointment.status == "booked",
                                  Appointment.starts_at > now + CANCEL_CUTOFF)
        .values(status="cancelled", cancelled_at=now).execution_options(synchronize_session=False)).rowcount == 1
    _finish(moved)
    if not moved:
        if appointment.status == "cancelled":
            raise VisitRefused(_l("This visit is already cancelled."))
        if as_utc(appointment.starts_at) <= now or appointment.status != "booked":
            raise VisitRefused(_l("This visit is in the past, so it cannot be cancelled."))
        raise VisitRefused(_l("Your visit starts in less than 2 hours, so it cannot be cancelled here. "
                              "Please call the clinic at %(phone)s.", phone=current_app.config["CLINIC_PHONE"]))
    return appointment


def calendar_file(appointment: Appointment, domain: str, now: datetime | None = None) -> str:
    """The visit as an .ics file, its title in the reader's language."""
    video = appointment.kind == "video"
    clinic = current_app.config["CLINIC_NAME"]
    if appointment.clinician:
        summary = (_("Video visit with %(name)s", name=appointment.clinician) if video
                   else _("Visit with %(name)s", name=appointment.clinician))
    else:
        summary = _("Video visit") if video else _("Visit at %(clinic)s", clinic=clinic)
    description = "\n".join(filter(None, [
        appointment.reason, _("Questions? Call the clinic at %(phone)s.", phone=current_app.config["CLINIC_PHONE"])]))
    event = CalendarEvent(
        uid=f"appointment-{appointment.id}@{domain}", stamp=now or utcnow(),
        starts_at=as_utc(appointment.starts_at), ends_at=ends_at(appointment), summary=summary,
        location=appointment.video_url if video else appointment.location,
        url=appointment.video_url if video else None, description=description,
        cancelled=appointment.status == "cancelled")
    return calendar(event, product=f"-//{clinic}//Patient portal//EN")


def _finish(moved: bool) -> None:
    """Commit a move that happened, or undo everything. Either way the session's rows are expired,
    so the caller reads the status that won."""
    if moved:
        db.session.commit()
    else:
        db.session.rollback()


# ---------------------------------------------------------------------------------------------
# Requests and offers


def submit_request(patient_id: int, user_id: int, reason: str, kind: str = "either", days: list[str] = (),
                   times: list[str] = (), idempotency_key: str | None = None) -> tuple[AppointmentRequest, bool]:
    """Ask for a visit; returns (request, created). The form carries a random key made when it
    was shown, so a resend or a double tap returns the first request instead of adding another."""
    if idempotency_key:
        existing = _request_with_key(idempotency_key)
        if existing is not None and existing.patient_id == patient_id:
            return existing, False
        if existing is not None:  # someone else's key (never by chance): store this one without it
            idempotency_key = None
    visit_request = AppointmentRequest(
        patient_id=patient_id, requested_by_id=user_id, reason=reason.strip(),
        kind=kind if kind in KINDS else "either",
        preferred_days=" ".join(d for d in DAYS if d in days) or None,
        preferred_times=" ".join(t for t in TIMES if t in times) or None,
        status="requested", idempotency_key=idempotency_key)
    db.session.add(visit_request)
    try:
        db.session.commit()
    except IntegrityError:  # the same key arrived twice at once: the other one was stored
        db.session.rollback()
        return _request_with_key(idempotency_key), False
    # Staff read English: queue the reason's translation now so it is ready when they open it
    # (nothing is queued for English or empty text).
    request_translation(NOTE_KIND, visit_request.id, STAFF_LANGUAGE)
    return visit_request, True


def _request_with_key(key: str) -> AppointmentRequest | None:
    return db.session.scalar(select(AppointmentRequest).where(AppointmentRequest.idempotency_key == key))


def request_for(patient_id: int, request_id: int) -> AppointmentRequest | None:
    """The request, with its offers, only if it is this patient's."""
    return db.session.scalar(
        select(AppointmentRequest).where(AppointmentRequest.id == request_id,
                                         AppointmentRequest.patient_id == patient_id)
        .options(selectinload(AppointmentRequest.offers)))


def cancel_request(patient_id: int, request_id: int, now: datetime | None = None) -> AppointmentRequest:
    visit_request = request_for(patient_id, request_id)
    if visit_request is None:
        raise LookupError(f"no appointment request {request_id} for patient {patient_id}")
    now = now or utcnow()
    moved = _move_request(visit_request, ("requested", "offered"), "cancelled", now)
    if moved:
        _withdraw_offers(visit_request.id)
    _finish(moved)
    if not moved:
        raise VisitRefused({
            "booked": _l("This request is already booked. To cancel the visit, open the visit."),
            "cancelled": _l("This request is already cancelled."),
        }.get(visit_request.status, _l("This request cannot be cancelled.")))
    return visit_request


def accept_offer(patient_id: int, request_id: int, offer_id: int, now: datetime | None = None) -> Appointment:
    """Book the chosen slot: the request becomes booked, the visit is created, the other offers
    are withdrawn, all in one transaction."""
    visit_request = request_for(patient_id, request_id)
    offer = next((o for o in visit_request.offers if o.id == offer_id), None) if visit_request else None
    if offer is None:
        raise LookupError(f"no offer {offer_id} in request {request_id} for patient {patient_id}")
    now = now or utcnow()
    if visit_request.status == "offered" and offer.status == "offered" and as_utc(offer.starts_at) <= now:
        raise VisitRefused(_l("This time has already passed. Please choose another time or call the clinic."))
    moved = offer.status == "offered" and _move_request(visit_request, ("offered",), "booked", now)
    appointment = None
    if moved:
        video = offer.kind == "video"
        appointment = Appointment(
            patient_id=patient_id, starts_at=offer.starts_at, minutes=offer.minutes, kind=offer.kind,
            clinician=offer.clinician, status="booked",
            # For a video offer, staff put the video room's link where the place would go.
            location=None if video else offer.location, video_url=offer.location if video else None)
        db.session.add(appointment)
        db.session.flush()
        _withdraw_offers(visit_request.id, except_id=offer.id)
        db.session.execute(update(AppointmentOffer).where(AppointmentOffer.id == offer.id)
                           .values(status="accepted").execution_options(synchronize_session=False))
        db.session.execute(update(AppointmentRequest).where(AppointmentRequest.id == visit_request.id)
                           .values(appointment_id=appointment.id).execution_options(synchronize_session=False))
    _finish(moved)
    if not moved:
        raise VisitRefused({
            "booked": _l("You already chose a time for this request."),
            "cancelled": _l("This request was cancelled. Please ask for a visit again."),
            "requested": _l("The clinic has not offered times for this request yet."),
        }.get(visit_request.status, _l("This time is no longer available. Please choose another one.")))
    return appointment


def _move_request(visit_request: AppointmentRequest, from_statuses: tuple[str, ...], to: str, now: datetime,
                  **values) -> bool:
    return db.session.execute(
        update(AppointmentRequest)
        .where(AppointmentRequest.id == visit_request.id, AppointmentRequest.status.in_(from_statuses))
        .values(status=to, updated_at=now, **values).execution_options(synchronize_session=False)).rowcount == 1


def _withdraw_offers(request_id: int, except_id: int | None = None) -> None:
    query = update(AppointmentOffer).where(AppointmentOffer.request_id == request_id,
                                           AppointmentOffer.status == "offered")
    if except_id is not None:
        query = query.where(AppointmentOffer.id != except_id)
    db.session.execute(query.values(status="withdrawn").execution_options(synchronize_session=False))


# ---------------------------------------------------------------------------------------------
# Staff


@dataclass(frozen=True)
class Slot:
    """One time staff offer; starts_at is in UTC. For a video visit, location is the video link."""
    starts_at: datetime
    minutes: int
    kind: str
    location: str
    clinician: str | None = None


@dataclass(frozen=True)
class StaffRequestView:
    request: AppointmentRequest
    patient: Patient
    requested_by: User


def pending_appointment_requests(patient_id: int | None = None, limit: int | None = None) -> list[AppointmentRequest]:
    """Requests waiting for the clinic to offer times (all, or one patient's; the oldest `limit`), oldest first."""
    query = select(AppointmentRequest).where(AppointmentRequest.status == "requested")
    if patient_id is not None:
        query = query.where(AppointmentRequest.patient_id == patient_id)
    return list(db.session.scalars(
        query.order_by(AppointmentRequest.created_at, AppointmentRequest.id).limit(limit)))


def reasons_for_staff(requests: list[AppointmentRequest]) -> dict[int, ReaderView]:
    """What the patients wrote, as staff read it (English, or a machine translation), by request id."""
    return views_for(NOTE_KIND, [r.id for r in requests if r.reason], STAFF_LANGUAGE)


def request_for_staff(request_id: int) -> StaffRequestView | None:
    visit_request = db.session.scalar(select(AppointmentRequest).where(AppointmentRequest.id == request_id)
                                      .options(selectinload(AppointmentRequest.offers)))
    if visit_request is None:
        return None
    return StaffRequestView(visit_request, db.session.get(Patient, visit_request.patient_id),
                            db.session.get(User, visit_request.requested_by_id))


def offer_slots(request_id: int, slots: list[Slot], note: str | None = None,
                now: datetime | None = None) -> AppointmentRequest:
    """Offer one to three times for a request that is still waiting for them."""
    visit_request = db.session.scalar(select(AppointmentRequest).where(AppointmentRequest.id == request_id))
    if visit_request is None:
        raise LookupError(f"no appointment request {request_id}")
    now = now or utcnow()
    if not 1 <= len(slots) <= MAX_OFFERS:
        raise VisitRefused(_l("Offer one, two or three times."))
    if any(as_utc(slot.starts_at) <= now for slot in slots):
        raise VisitRefused(_l("Every time you offer must be in the future."))
    moved = _move_request(visit_request, ("requested",), "offered", now, staff_note=(note or "").strip() or None)
    if moved:
        db.session.add_all(AppointmentOffer(
            request_id=visit_request.id, starts_at=as_utc(slot.starts_at), minutes=slot.minutes, kind=slot.kind,
            clinician=(slot.clinician or "").strip() or None, location=slot.location.strip(), status="offered")
            for slot in slots)
    _finish(moved)
    if not moved:
        raise VisitRefused({
            "offered": _l("Times were already offered for this request."),
            "booked": _l("This request is already booked."),
            "cancelled": _l("The patient cancelled this request."),
        }.get(visit_request.status, _l("Times cannot be offered for this request.")))
    return visit_request

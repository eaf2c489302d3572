"""iCalendar files (RFC 5545) for one visit, so a patient can put it in their phone's calendar.

Only what every calendar app reads: one VEVENT with times in UTC. Lines end in CRLF and are
folded at 75 octets (never inside a UTF-8 character); text values are escaped (section 3.3.11).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

LINE_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    """Datetimes are timezone-aware."""
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    stamp: datetime  # DTSTAMP: when this file was made
    location: str | None = None
    url: str | None = None
    description: str | None = None
    cancelled: bool = False


def escape_text(value: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma, and newlines as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into CRLF-terminated lines of at most 75 octets; each continuation
    line starts with one space (which counts toward its 75)."""
    out, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    out.append("".join(current))
    return "".join(part + "\r\n" for part in out)


def _utc(moment: datetime) -> str:
    """An aware datetime as a UTC DATE-TIME ("form #2"), which needs no VTIMEZONE."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: CalendarEvent, product: str) -> str:
    """The whole file, VCALENDAR around one VEVENT."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(product)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{_utc(event.stamp)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")  # a URI value: not TEXT, so not escaped
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) for line in lines)

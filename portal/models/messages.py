"""Secure messaging between a patient and the care team."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.people import Patient, User

TOPICS = ("question", "medication", "appointment", "bill", "results")


class MessageThread(db.Model):
    __tablename__ = "message_threads"
    __table_args__ = (Index("ix_message_threads_patient", "patient_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    topic: Mapped[str] = mapped_column(String(20), default="question")
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient] = relationship()
    messages: Mapped[list["Message"]] = relationship(
        back_populates="thread", order_by="Message.created_at")


class Message(db.Model):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Stored exactly as typed; escaped when shown.
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[Optional[str]] = mapped_column(String(16))
    # Sent by the browser with each new message so a resend or double tap stores it once.
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_by_patient_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    read_by_staff_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()

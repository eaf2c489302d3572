"""Secure messages between a patient and the care team."""
from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/messages")

"""Visits: see, request, cancel, accept an offered slot, add to a calendar."""
from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

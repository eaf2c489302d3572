"""The patient's medicines and renewal requests."""
from flask import Blueprint

bp = Blueprint("medications", __name__, url_prefix="/medications")

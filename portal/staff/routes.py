"""The staff console: one inbox, a patient view, answering and deciding."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

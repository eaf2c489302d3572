"""The audit log: "Who looked at my record" for patients, search for admins."""
from flask import Blueprint

bp = Blueprint("audit", __name__)

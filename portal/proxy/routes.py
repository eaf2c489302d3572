"""Proxy access: patients grant and revoke; CHWs choose whom they act for; assisted enrolment."""
from flask import Blueprint

bp = Blueprint("proxy", __name__)

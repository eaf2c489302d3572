"""Static files under versioned names (site.3f9a1c2b.css) so browsers may cache them for a year.

A returning patient on a metered plan then downloads only the HTML. The hash is of the file's
bytes, computed once at start-up; an unversioned URL still works but is cached briefly.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, abort, send_from_directory, url_for

from portal.paths import PROJECT_ROOT

STATIC_DIR = PROJECT_ROOT / "static"
ONE_YEAR = 365 * 24 * 3600
_VERSIONED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")


def _digests() -> dict[str, str]:
    digests = {}
    for path in STATIC_DIR.rglob("*"):
        if path.is_file() and path.suffix in {".css", ".js", ".svg", ".ico", ".png", ".txt"}:
            rel = path.relative_to(STATIC_DIR).as_posix()
            digests[rel] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return digests


def init_app(app: Flask) -> None:
    digests = _digests()
    # The versioned name of each file, worked out once rather than on every page.
    versioned = {}
    for filename, digest in digests.items():
        path = Path(filename)
        versioned[filename] = f"{path.with_suffix('').as_posix()}.{digest}{path.suffix}"

    def asset_url(filename: str) -> str:
        name = versioned.get(filename)
        if name is None:
            raise KeyError(f"No static file {filename!r} under static/")
        return url_for("static", filename=name)

    def static(filename: str):
        match = _VERSIONED.match(filename)
        if match:
            original = match["stem"] + match["suffix"]
            if digests.get(original) != match["digest"]:
                abort(404)  # an old version: never serve new bytes under an old name
            response = send_from_directory(STATIC_DIR, original, max_age=ONE_YEAR)
            response.cache_control.immutable = True
        elif filename in digests:
            response = send_from_directory(STATIC_DIR, filename, max_age=300)
        else:
            abort(404)
        # Read the (small) file into the response so Flask-Compress gzips it like a page:
        # htmx is 52 KB raw but 17 KB gzip, and a patient may be on a metered plan.
        response.direct_passthrough = False
        response.make_sequence()
        return response

    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static)
    app.jinja_env.globals["asset_url"] = asset_url

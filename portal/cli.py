"""Operator commands: `flask --app app portal ...` and `flask --app app translate ...`."""
from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from portal.paths import PROJECT_ROOT

portal_cli = AppGroup("portal", help="Run and look after the portal.")
translate_cli = AppGroup("translate", help="Interface translations (wraps pybabel).")

CATALOG_TEMPLATE = PROJECT_ROOT / "translations" / "messages.pot"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


@portal_cli.command("seed-demo")
def seed_demo_command():
    """Fill the database with a demo clinic (safe to run again: nothing is duplicated)."""
    from portal.demo.seed import DemoSeedRefused, seed_demo
    from portal.extensions import db

    try:
        logins = seed_demo(db.session)
    except DemoSeedRefused as refusal:
        raise click.ClickException(str(refusal))
    click.echo("Demo clinic ready. Sign in at http://127.0.0.1:5000 with:")
    width = max(len(login.login) for login in logins)
    for login in logins:
        click.echo(f"  {login.role:<8} {login.login:<{width}}  password: {login.password}   ({login.description})")


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(command, cwd=PROJECT_ROOT)
    if result.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed (exit {result.returncode}).")


def _extract() -> None:
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--sort-by-file", "--no-wrap",
             "-o", str(CATALOG_TEMPLATE), "portal", "templates")


@translate_cli.command("extract")
def extract():
    """Collect every interface string into translations/messages.pot."""
    _extract()


@translate_cli.command("update")
def update():
    """Extract, then merge new strings into every language's messages.po."""
    _extract()
    _pybabel("update", "-i", str(CATALOG_TEMPLATE), "-d", str(TRANSLATIONS_DIR), "--no-wrap",
             "--ignore-obsolete")


@translate_cli.command("compile")
def compile_catalogs():
    """Compile messages.po into the messages.mo files the portal reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")


@translate_cli.command("init")
@click.argument("language")
def init(language: str):
    """Start a catalog for a new interface language, e.g. `flask translate init vi`."""
    _extract()
    _pybabel("init", "-i", str(CATALOG_TEMPLATE), "-d", str(TRANSLATIONS_DIR), "-l", language, "--no-wrap")


def register_cli(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate_cli)


@portal_cli.command("import-fhir")
@click.argument("path", type=click.Path(exists=True))
@click.option("--max-bytes", type=click.IntRange(min=1),
              help="Refuse bundles larger than this many bytes (default: FHIR_IMPORT_MAX_BYTES or 50 MB).")
def import_fhir_command(path: str, max_bytes: int | None):
    """Import FHIR R4 bundles: a .json file or a folder of them. Each bundle is all or nothing."""
    from portal.fhir import import_path

    reports = import_path(path, max_bytes)
    if not reports:
        raise click.ClickException(f"{path} holds no .json bundles.")
    for report in reports:
        for line in report.summary_lines() if report.ok else report.problem_lines():
            click.echo(line, err=not report.ok)
    failed = sum(not report.ok for report in reports)
    if len(reports) > 1:
        click.echo(f"{len(reports) - failed} of {len(reports)} bundles imported, {failed} refused.", err=bool(failed))
    if failed:
        raise SystemExit(1)

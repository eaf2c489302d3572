"""Operator commands: `flask --app app portal ...` and `flask --app app translate ...`."""
from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from portal.language.service import queue_missing_translations
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
    queue_missing_translations()
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
    queued = queue_missing_translations()
    if queued:
        click.echo(f"{queued} note translations queued for patients who read another language.")
    failed = sum(not report.ok for report in reports)
    if len(reports) > 1:
        click.echo(f"{len(reports) - failed} of {len(reports)} bundles imported, {failed} refused.", err=bool(failed))
    if failed:
        raise SystemExit(1)


languages_cli = AppGroup("languages", help="Machine-translation models (Argos Translate packages).")
portal_cli.add_command(languages_cli)


def _packages_dir() -> str:
    from flask import current_app
    return current_app.config["ARGOS_PACKAGES_DIR"]


def _pairs_for(code: str) -> list[tuple[str, str]]:
    """"es" means both directions with English; "en-es" one pair."""
    from portal.language.packages import LANGUAGE_CODE
    parts = code.replace("_", "-").split("-")
    if len(parts) == 2 and all(LANGUAGE_CODE.fullmatch(p) for p in parts):
        return [(parts[0], parts[1])]
    if len(parts) == 1 and LANGUAGE_CODE.fullmatch(code) and code != "en":
        return [("en", code), (code, "en")]
    raise click.BadParameter(f"{code!r} is not a language code like 'es' or a pair like 'en-es'.")


@languages_cli.command("list")
@click.option("--available", "index", metavar="INDEX",
              help="Also list what an Argos package index (a URL or a saved index.json) offers.")
def languages_list(index: str | None):
    """Installed translation models (and, with --available, what can be installed)."""
    from portal.language.packages import PackageError, fetch_index, list_installed

    installed = list_installed(_packages_dir())
    if not installed:
        click.echo(f"No translation models installed in {_packages_dir()}.")
    for package in installed:
        click.echo(f"installed  {package.from_code}->{package.to_code}  version {package.version}  {package.path}")
    if index:
        try:
            available = fetch_index(index)
        except PackageError as error:
            raise click.ClickException(str(error))
        for package in available:
            click.echo(f"available  {package.from_code}->{package.to_code}  version {package.version}")


@languages_cli.command("install")
@click.argument("code", required=False)
@click.option("--from-file", "files", multiple=True, type=click.Path(dir_okay=False),
              help="Install an .argosmodel file copied to this server (no internet needed).")
@click.option("--index", help="Argos package index URL or file (default: the public Argos index).")
def languages_install(code: str | None, files: tuple[str, ...], index: str | None):
    """Install models: `install es` (from the Argos index, needs the internet) or `install --from-file F`."""
    from portal.language.packages import PackageError, install_from_file, install_from_index

    if not code and not files:
        raise click.UsageError("Give a language code (e.g. es) or --from-file FILE.argosmodel.")
    try:
        for path in files:
            package = install_from_file(path, _packages_dir())
            click.echo(f"Installed {package.from_code}->{package.to_code} version {package.version}.")
        for pair in _pairs_for(code) if code else []:
            package = install_from_index(pair, index, packages_dir=_packages_dir())
            click.echo(f"Installed {package.from_code}->{package.to_code} version {package.version}.")
    except PackageError as error:
        raise click.ClickException(str(error))
    click.echo("Restart the queue consumers so they load the new models.")


@languages_cli.command("remove")
@click.argument("code")
def languages_remove(code: str):
    """Remove installed models: `remove es` (both directions) or `remove en-es`."""
    from portal.language.packages import PackageError, remove

    removed = []
    for from_code, to_code in _pairs_for(code):
        try:
            removed += remove(from_code, to_code, _packages_dir())
        except PackageError as error:
            if len(_pairs_for(code)) == 1:
                raise click.ClickException(str(error))
    if not removed:
        raise click.ClickException(f"No installed model matches {code!r}.")
    for path in removed:
        click.echo(f"Removed {path}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate_cli)

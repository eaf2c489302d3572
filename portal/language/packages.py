"""Operator functions for Argos Translate packages: list, install (file or index), remove.

An Argos package (``.argosmodel``) is a zip of ONE folder holding ``metadata.json``, a
CTranslate2 model in ``model/`` and a tokenizer (``sentencepiece.model``, or ``bpe.model`` in
a few old packages). Installing means unzipping that folder into the packages folder; that is
all ``argostranslate.package.install_from_path`` does too. This module reads and writes the very
same layout, so Argos's own tools (``argospm``) and the portal see the same packages, but it
does not call argostranslate, because:
  - ``install_from_path`` checks nothing beyond "is a zip" (any zip lands in the packages
    folder), and afterwards imports ``argostranslate.translate``, which raises
    ``ModuleNotFoundError: stanza`` in the lean install the portal uses. Telling "installed,
    then failed on an unrelated import" apart from a real failure is guesswork;
  - ``argostranslate.settings`` reads ``ARGOS_PACKAGES_DIR`` once at import and creates folders
    under ``~/.local/share``, ``~/.config`` and ``~/.local/cache`` as a side effect.
Here the package is validated first, unpacked into a hidden temporary folder next to the
installed ones, and only then moved into place, so a bad or half-copied file never appears as
an installed package.

The packages folder is ``$ARGOS_PACKAGES_DIR``, else ``$XDG_DATA_HOME/argos-translate/packages``
(``~/.local/share/...``): the same default as Argos. A ``packages_dir`` argument overrides both.
(Argos's ``settings.json`` can also set the folder; this module does not read that file.)
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_UNPACKED_BYTES = 4 * 1024**3  # real models unpack to 100-400 MB; refuse zip bombs
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")


class PackageError(Exception):
    """Base class: every message is written for the operator who ran the command."""


class InvalidPackage(PackageError):
    pass


class PackageNotFound(PackageError):
    pass


class OfflineError(PackageError):
    pass


@dataclass(frozen=True)
class InstalledPackage:
    from_code: str
    to_code: str
    version: str
    path: Path
    from_name: str = ""
    to_name: str = ""
    tokenizer: str = "sentencepiece"  # or "bpe"
    target_prefix: str = ""  # multilingual models expect e.g. "__es__" before the output

    @property
    def code(self) -> str:
        return f"translate-{self.from_code}_{self.to_code}"


@dataclass(frozen=True)
class AvailablePackage:
    """One entry of an Argos package index."""

    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...] = field(default=())
    from_name: str = ""
    to_name: str = ""

    @property
    def code(self) -> str:
        return f"translate-{self.from_code}_{self.to_code}"


def resolve_packages_dir(override: str | Path | None = None) -> Path:
    """Where packages live; read at each call so a changed environment is honoured."""
    if override:
        return Path(override)
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "argos-translate" / "packages"


def version_key(version: str) -> tuple:
    """'1.10' sorts after '1.9'; anything unparsable sorts first."""
    parts = re.findall(r"\d+", version or "")
    return tuple(int(p) for p in parts)


# --- listing ---------------------------------------------------------------------------------

def list_installed(packages_dir: str | Path | None = None) -> list[InstalledPackage]:
    """Installed translation packages, sorted by pair. Broken folders are logged and skipped."""
    root = resolve_packages_dir(packages_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # hidden: our own temporary folders while installing or removing
        try:
            package = _read_installed(folder)
        except InvalidPackage as error:
            log.warning("Skipping %s: %s", folder, error)
            continue
        if package is not None:
            found.append(package)
    return sorted(found, key=lambda p: (p.from_code, p.to_code, version_key(p.version)))


def _read_installed(folder: Path) -> InstalledPackage | None:
    metadata_path = folder / "metadata.json"
    if not metadata_path.is_file():
        raise InvalidPackage("no metadata.json")
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise InvalidPackage(f"metadata.json is not readable JSON ({error})") from error
    if not isinstance(metadata, dict):
        raise InvalidPackage("metadata.json is not a JSON object")
    if metadata.get("type", "translate") != "translate":
        return None  # e.g. an old "sbd" (sentence splitting) package: not ours to run
    if (folder / "sentencepiece.model").is_file():
        tokenizer = "sentencepiece"
    elif (folder / "bpe.model").is_file():
        tokenizer = "bpe"
    else:
        raise InvalidPackage("no sentencepiece.model or bpe.model")
    if not (folder / "model" / "model.bin").is_file():
        raise InvalidPackage("no model/model.bin")
    return InstalledPackage(
        from_code=str(metadata.get("from_code")),
        to_code=str(metadata.get("to_code")),
        version=str(metadata.get("package_version", "")),
        path=folder,
        from_name=str(metadata.get("from_name", "")),
        to_name=str(metadata.get("to_name", "")),
        tokenizer=tokenizer,
        target_prefix=str(metadata.get("target_prefix", "") or ""),
    )


# --- installing from a file ----------------------------------------------------------------

def install_from_file(path: str | Path, packages_dir: str | Path | None = None) -> InstalledPackage:
    """Validate an .argosmodel file and install it, replacing any package for the same pair."""
    path = Path(path)
    root = resolve_packages_dir(packages_dir)
    folder_name, metadata = validate_package_file(path)
    root.mkdir(parents=True, exist_ok=True)

    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(staging)  # names were checked by validate_package_file
        unpacked = staging / folder_name
        package = _read_installed(unpacked)
        if package is None:
            raise InvalidPackage(f"{path.name}: not a translation package")

        # Replace older (or same-named) packages of this pair only after the new one unpacked.
        replaced = [p.path for p in list_installed(root) if (p.from_code, p.to_code) == (package.from_code, package.to_code)]
        destination = root / folder_name
        if destination.exists() and destination not in replaced:
            replaced.append(destination)  # a broken leftover with the same folder name
        for old in replaced:
            _remove_folder(old, root)
        os.replace(unpacked, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Installed %s %s at %s", package.code, package.version, destination)
    return _read_installed(destination)


def validate_package_file(path: Path) -> tuple[str, dict]:
    """Check an .argosmodel without unpacking it; return (top folder name, metadata)."""
    name = path.name
    if not path.is_file():
        raise InvalidPackage(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise InvalidPackage(f"{name}: not a zip archive. An .argosmodel file is a zip of one folder "
                             "holding metadata.json, model/ and sentencepiece.model.")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = [e.filename for e in entries]
            metadata_names = [n for n in names if PurePosixPath(n).name == "metadata.json" and len(PurePosixPath(n).parts) == 2]
            for entry in entries:
                parts = PurePosixPath(entry.filename).parts
                if entry.filename.startswith("/") or ".." in parts or "\\" in entry.filename:
                    raise InvalidPackage(f"{name}: unsafe path inside the archive: {entry.filename!r}")
            if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise InvalidPackage(f"{name}: unpacks to more than {MAX_UNPACKED_BYTES // 1024**3} GB; refusing")
            top_folders = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
            if "metadata.json" in names:
                raise InvalidPackage(f"{name}: metadata.json is at the top of the zip; it must be inside "
                                     "one folder (the package folder), as in Argos packages.")
            if len(metadata_names) != 1 or len(top_folders) != 1:
                raise InvalidPackage(f"{name}: expected one folder containing metadata.json, found "
                                     f"{len(top_folders)} top-level entries and {len(metadata_names)} metadata.json")
            folder = top_folders.pop()
            if folder.startswith("."):
                raise InvalidPackage(f"{name}: the package folder name must not start with '.'")
            try:
                metadata = json.loads(archive.read(metadata_names[0]).decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise InvalidPackage(f"{name}: metadata.json is not valid JSON ({error})") from error
            has = set(names)
            if f"{folder}/model/model.bin" not in has:
                raise InvalidPackage(f"{name}: no model/ folder with a CTranslate2 model.bin")
            if f"{folder}/sentencepiece.model" not in has and f"{folder}/bpe.model" not in has:
                raise InvalidPackage(f"{name}: no sentencepiece.model (or bpe.model) tokenizer")
    except zipfile.BadZipFile as error:
        raise InvalidPackage(f"{name}: damaged zip archive ({error})") from error

    if not isinstance(metadata, dict):
        raise InvalidPackage(f"{name}: metadata.json must hold a JSON object")
    package_type = metadata.get("type", "translate")  # Argos's default when the key is absent
    if package_type != "translate":
        raise InvalidPackage(f"{name}: package type is {package_type!r}; only 'translate' packages can be installed")
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not LANGUAGE_CODE.fullmatch(value):
            raise InvalidPackage(f"{name}: metadata.json needs a language code in {key!r}, found {value!r}")
    return folder, metadata


# --- removing --------------------------------------------------------------------------------

def remove(from_code: str, to_code: str, packages_dir: str | Path | None = None) -> list[Path]:
    """Remove every installed package for the pair; returns the folders removed."""
    root = resolve_packages_dir(packages_dir)
    matching = [p for p in list_installed(root) if (p.from_code, p.to_code) == (from_code, to_code)]
    if not matching:
        installed = ", ".join(f"{p.from_code}->{p.to_code}" for p in list_installed(root)) or "none"
        raise PackageNotFound(f"No package for {from_code}->{to_code} in {root} (installed: {installed})")
    for package in matching:
        _remove_folder(package.path, root)
    return [p.path for p in matching]


def _remove_folder(folder: Path, root: Path) -> None:
    """Rename to a hidden name first so the package disappears from listings at once."""
    doomed = Path(tempfile.mkdtemp(prefix=".removing-", dir=root))
    os.replace(folder, doomed / folder.name)
    shutil.rmtree(doomed, ignore_errors=True)


# --- the package index (online) --------------------------------------------------------------

def available_from_index(index_json: str | bytes | list) -> list[AvailablePackage]:
    """Parse an Argos index (a JSON list of package metadata) into translation packages."""
    if isinstance(index_json, (str, bytes)):
        try:
            index_json = json.loads(index_json)
        except ValueError as error:
            raise PackageError(f"The package index is not valid JSON ({error})") from error
    if not isinstance(index_json, list):
        raise PackageError("The package index must be a JSON list of packages")
    available = []
    for entry in index_json:
        if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
            continue
        if not entry.get("from_code") or not entry.get("to_code"):
            continue
        available.append(AvailablePackage(
            from_code=entry["from_code"],
            to_code=entry["to_code"],
            version=str(entry.get("package_version", "")),
            links=tuple(entry.get("links") or ()),
            from_name=entry.get("from_name", ""),
            to_name=entry.get("to_name", ""),
        ))
    return available


def fetch_index(index_path_or_url: str | Path | None = None, timeout: float = 30) -> list[AvailablePackage]:
    """Read the index from a local file or download it (default: Argos's public index)."""
    source = str(index_path_or_url or _default_index_url())
    if "://" not in source:
        try:
            return available_from_index(Path(source).read_bytes())
        except OSError as error:
            raise PackageError(f"Cannot read the package index {source}: {error}") from error
    return available_from_index(_download(source, timeout))


def install_from_index(
    code_pair: tuple[str, str] | str,
    index_path_or_url: str | Path | None = None,
    packages_dir: str | Path | None = None,
    timeout: float = 60,
) -> InstalledPackage:
    """Download the newest package for a pair (("en", "es"), "en-es" or "translate-en_es") and install it.

    Needs the internet. Offline, raises OfflineError saying to copy the file in instead.
    """
    from_code, to_code = _parse_pair(code_pair)
    candidates = [p for p in fetch_index(index_path_or_url, timeout) if (p.from_code, p.to_code) == (from_code, to_code)]
    if not candidates:
        raise PackageNotFound(f"The package index has no {from_code}->{to_code} package. "
                              f"A pivot through English may work: install {from_code}->en and en->{to_code}.")
    package = max(candidates, key=lambda p: version_key(p.version))
    links = [link for link in package.links if urllib.parse.urlsplit(link).scheme in ("http", "https", "file")]
    if not links:
        raise PackageError(f"The index lists no http(s) download link for {package.code}")

    root = resolve_packages_dir(packages_dir)
    root.mkdir(parents=True, exist_ok=True)
    failures = []
    for link in links:  # the index may list mirrors; take the first that answers
        try:
            data = _download(link, timeout)
        except OfflineError as error:
            failures.append(str(error))
            continue
        with tempfile.NamedTemporaryFile(prefix=".download-", suffix=".argosmodel", dir=root, delete=False) as tmp:
            tmp.write(data)
        try:
            return install_from_file(tmp.name, root)
        finally:
            os.unlink(tmp.name)
    raise OfflineError("Could not download " + package.code + ": " + "; ".join(failures))


def _parse_pair(code_pair: tuple[str, str] | str) -> tuple[str, str]:
    if isinstance(code_pair, tuple):
        return code_pair
    match = re.fullmatch(r"(?:translate-)?([A-Za-z_]+?)[-_>]+([A-Za-z_]+)", code_pair.strip())
    if not match:
        raise ValueError(f"Cannot read a language pair from {code_pair!r}; use e.g. 'en-es'")
    return match[1], match[2]


def _default_index_url() -> str:
    # Same variable as Argos: a base URL to which "index.json" is appended.
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    return base.rstrip("/") + "/index.json" if base else DEFAULT_INDEX_URL


def _download(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise PackageError(f"{url} answered HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:  # no route, DNS failure, refused, timeout
        reason = getattr(error, "reason", error)
        raise OfflineError(
            f"Could not reach {url} ({reason}). This server seems to be offline. Download the "
            ".argosmodel file on a connected machine, copy it here and install it from the file."
        ) from error

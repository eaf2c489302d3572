"""Reading a bundle file safely, checking its envelope, and finding the entries its references
point to. No database here."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class BundleError(Exception):
    """The bundle as a whole cannot be imported (unreadable, too large, not a Bundle)."""


@dataclass
class Entry:
    index: int
    full_url: str | None
    resource: dict

    @property
    def type(self) -> str:
        return self.resource["resourceType"]

    @property
    def id(self) -> str | None:
        return self.resource.get("id")

    def describe(self) -> str:
        """How error messages name an entry: its place in the file and what it is."""
        where = self.full_url or (f"{self.type}/{self.id}" if self.id else "no fullUrl or id")
        return f"entry[{self.index}] ({self.type} {where})"

    @property
    def fhir_id(self) -> str | None:
        """The key the portal upserts by: the resource id, else the uuid of a urn:uuid fullUrl."""
        if self.id:
            return self.id
        if self.full_url and self.full_url.startswith("urn:uuid:"):
            return self.full_url[len("urn:uuid:"):]
        return None


class EntryError(Exception):
    """One entry is wrong; the message says which field and why."""


def read_bundle_json(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """Parse a bundle file, refusing it before reading if it is larger than max_bytes."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BundleError(f"file is {size:,} bytes, over the import limit of {max_bytes:,} bytes "
                          "(set FHIR_IMPORT_MAX_BYTES or --max-bytes to raise it)")
    with path.open("rb") as handle:
        # Read at most one byte past the limit, in case the file grew since stat().
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BundleError(f"file is over the import limit of {max_bytes:,} bytes")
    return parse_bundle_json(raw)


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed in FHIR JSON")


def parse_bundle_json(raw: bytes | str) -> dict:
    try:
        # Decimals stay exact (a lab value of 0.1 must not become 0.1000000000000000055).
        data = json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise BundleError(f"not valid JSON: the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise BundleError(f"not valid JSON: {exc}") from None
    return data


def bundle_entries(data) -> tuple[list[Entry], list[str]]:
    """The entries of a Bundle, or every problem with its envelope (BundleError)."""
    if not isinstance(data, dict):
        raise BundleError(f"not a FHIR Bundle: the file holds a JSON {type(data).__name__}, not an object")
    kind = data.get("resourceType")
    if kind != "Bundle":
        found = f"resourceType {kind!r}" if kind else "no resourceType"
        raise BundleError(f"not a FHIR Bundle: the top-level resource has {found}; expected 'Bundle'")
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise BundleError("Bundle.entry is not a list")
    entries, problems = [], []
    for index, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            problems.append(f"entry[{index}]: is not an object")
            continue
        full_url = raw.get("fullUrl")
        if full_url is not None and not isinstance(full_url, str):
            problems.append(f"entry[{index}]: fullUrl is not a string")
            continue
        resource = raw.get("resource")
        label = f"entry[{index}] ({full_url})" if full_url else f"entry[{index}]"
        if resource is None:
            problems.append(f"{label}: has no resource")
        elif not isinstance(resource, dict):
            problems.append(f"{label}: resource is not an object")
        elif not isinstance(resource.get("resourceType"), str) or not resource["resourceType"]:
            problems.append(f"{label}: resource has no resourceType")
        else:
            entries.append(Entry(index, full_url, resource))
    return entries, problems


@dataclass
class ReferenceIndex:
    """Finds the entry a reference points to, the ways FHIR bundles write them: a urn:uuid or
    absolute fullUrl, or a relative "Type/id" (optionally with /_history/n)."""
    by_full_url: dict[str, Entry] = field(default_factory=dict)
    by_type_id: dict[tuple[str, str], Entry] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[Entry]) -> "ReferenceIndex":
        index = cls()
        for entry in entries:
            if entry.full_url:
                index.by_full_url.setdefault(entry.full_url, entry)
            key = entry.id or entry.fhir_id
            if key:
                index.by_type_id.setdefault((entry.type, key), entry)
        return index

    def find(self, reference: str) -> Entry | None:
        if reference in self.by_full_url:
            return self.by_full_url[reference]
        type_id = split_reference(reference)
        return self.by_type_id.get(type_id) if type_id else None


def split_reference(reference: str) -> tuple[str, str] | None:
    """("Patient", "123") from "Patient/123", "https://ehr/fhir/Patient/123/_history/2";
    ("", uuid) from "urn:uuid:..." (the type is then whatever the entry is)."""
    if reference.startswith("urn:uuid:"):
        return None
    parts = reference.split("?")[0].split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) >= 2 and parts[-2][:1].isupper() and parts[-1]:
        return parts[-2], parts[-1]
    return None


def referenced_fhir_id(reference: str, resource_type: str) -> str | None:
    """The fhir_id a reference names when its target is not in the bundle (already imported):
    "Patient/abc" -> "abc"; "urn:uuid:abc" -> "abc" (the portal keys id-less resources by it)."""
    if reference.startswith("urn:uuid:"):
        return reference[len("urn:uuid:"):]
    type_id = split_reference(reference)
    if type_id and type_id[0] == resource_type:
        return type_id[1]
    return None

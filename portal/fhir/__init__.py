"""FHIR R4 import (and later export): `flask --app app portal import-fhir PATH`.

bundle.py     reads a file safely (size limit first) and checks the Bundle envelope
structure.py  validates the kept resources' datatypes with fhir.resources (R4B models)
values.py     FHIR datatypes -> column values (UTC times, decimals, languages, note text)
mapping.py    what the mappers share: rows, skips, reference resolution, column fitting
map_records.py, map_care.py   one function per resource type -> rows
writer.py     upsert by fhir_id in bulk; a corrected result or note shows as new again
retract.py    remove what the EHR marked entered-in-error, and what hangs off it
importer.py   the whole import of one bundle or a folder, all or nothing per bundle
report.py     counts, problems and how the command prints them
"""
from portal.fhir.importer import import_bundle_file, import_path
from portal.fhir.report import ImportReport

__all__ = ["ImportReport", "import_bundle_file", "import_path"]

"""The open-data files: each resource as CSV and JSON, the data dictionary as CSV and JSON,
and the catalogue record (DCAT, as JSON-LD) that describes the dataset for the government
open-data catalogue. The same bytes are served on the site and written by
``flask registry export-open-data``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, request, url_for

from .. import tabular
from ..agreements.services import today
from . import dictionary, queries
from .dictionary import Resource

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"

DICTIONARY_NAME = "data-dictionary"
CATALOGUE_FILE = "catalogue.json"


@dataclass(frozen=True)
class File:
    """One published file: its name, media type, format and how its bytes are made."""

    name: str
    media_type: str
    format: str
    #: Makes the bytes from the base address of the site (the catalogue links to the files).
    build: Callable[[str], bytes]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json(document: Any, indent: int | None = None) -> bytes:
    return json.dumps(
        document, ensure_ascii=False, indent=indent, default=_json_value, sort_keys=False
    ).encode("utf-8")


def resource_csv(resource: Resource, on: date | None = None) -> bytes:
    """A resource as CSV: a header row of field names, then one row per record."""
    records = queries.READERS[resource.name](on or today())
    columns = [tabular.Column(name, _getter(name)) for name in resource.field_names]
    return tabular.to_csv(columns, records)


def _getter(name: str) -> Callable[[dict], Any]:
    return lambda record: record[name]


def resource_json(resource: Resource, on: date | None = None) -> bytes:
    """A resource as JSON: its name, the day its states hold for, the count, the records."""
    on = on or today()
    records = queries.READERS[resource.name](on)
    return _json(
        {
            "resource": resource.name,
            "as_of": on.isoformat(),
            "count": len(records),
            "records": records,
        }
    )


def dictionary_csv() -> bytes:
    """The data dictionary as CSV, one row per field."""
    names = ("resource", "field", "type", "required", "description_th", "description_en",
             "values")  # fmt: skip
    columns = [tabular.Column(name, _getter(name)) for name in names]
    rows = [row | {"required": "yes" if row["required"] else "no"} for row in dictionary.as_rows()]
    return tabular.to_csv(columns, rows)


def dictionary_json() -> bytes:
    """The data dictionary as one JSON document."""
    return _json(dictionary.as_document(), indent=2)


# --- the catalogue record ------------------------------------------------------------------

#: JSON-LD context: the short keys of the catalogue record as DCAT and Dublin Core terms.
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "identifier": "dct:identifier",
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "keyword": {"@id": "dcat:keyword", "@container": "@language"},
    "name": {"@id": "foaf:name", "@container": "@language"},
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
    "publisher": "dct:publisher",
    "license": {"@id": "dct:license", "@type": "@id"},
    "rights": {"@id": "dct:rights", "@container": "@language"},
    "accrualPeriodicity": {"@id": "dct:accrualPeriodicity", "@type": "@id"},
    "language": "dct:language",
    "spatial": "dct:spatial",
    "modified": {"@id": "dct:modified", "@type": "xsd:dateTime"},
    "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
    "describedBy": {"@id": "dct:conformsTo", "@type": "@id"},
    "distribution": "dcat:distribution",
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
    "mediaType": "dcat:mediaType",
    "format": "dct:format",
}


def site_base(base_url: str | None = None) -> str:
    """The public address of the site: given, else PUBLIC_BASE_URL, else this request's host
    (a command without either writes http://localhost)."""
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://localhost").rstrip("/")


def _path(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def file_url(base: str, name: str) -> str:
    """The public address of a published file."""
    return base + _path("opendata.download", name=name)


def catalogue(base: str) -> dict:
    """The catalogue record: the dataset (DCAT) with one distribution per file."""
    changed = queries.last_change()
    distributions = []
    for resource in dictionary.RESOURCES:
        for extension, media_type, label in (("csv", "text/csv", "CSV"),
                                             ("json", JSON_TYPE, "JSON")):  # fmt: skip
            url = file_url(base, f"{resource.name}.{extension}")
            distributions.append(
                {
                    "@type": "dcat:Distribution",
                    "identifier": f"{resource.name}.{extension}",
                    "title": resource.title.as_dict(),
                    "description": resource.description.as_dict(),
                    "downloadURL": url,
                    "accessURL": url,
                    "mediaType": media_type,
                    "format": label,
                    "license": dictionary.LICENCE_URL,
                    "describedBy": file_url(base, f"{DICTIONARY_NAME}.json"),
                }
            )
    for extension, media_type, label in (("csv", "text/csv", "CSV"), ("json", JSON_TYPE, "JSON")):
        url = file_url(base, f"{DICTIONARY_NAME}.{extension}")
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "identifier": f"{DICTIONARY_NAME}.{extension}",
                "title": {"th": "พจนานุกรมข้อมูล", "en": "Data dictionary"},
                "description": {
                    "th": "คำอธิบายทุกฟิลด์ของทุกแฟ้มข้อมูล ชนิดข้อมูล และรหัสที่ใช้ได้",
                    "en": "Every field of every resource: its type, meaning and allowed codes.",
                },
                "downloadURL": url,
                "accessURL": url,
                "mediaType": media_type,
                "format": label,
                "license": dictionary.LICENCE_URL,
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "dcat:Dataset",
        "identifier": dictionary.IDENTIFIER,
        "title": dictionary.TITLE.as_dict(),
        "description": dictionary.DESCRIPTION.as_dict(),
        "keyword": {
            "th": [k.th for k in dictionary.KEYWORDS],
            "en": [k.en for k in dictionary.KEYWORDS],
        },
        "publisher": {
            "@type": "foaf:Organization",
            "name": dictionary.PUBLISHER.as_dict(),
            "homepage": dictionary.PUBLISHER_URL,
        },
        "license": dictionary.LICENCE_URL,
        "rights": dictionary.LICENCE_TITLE.as_dict(),
        # The CKAN licence id, for a catalogue that takes the record as a package.
        "license_id": dictionary.LICENCE_ID,
        "accrualPeriodicity": dictionary.UPDATE_FREQUENCY_URI,
        "update_frequency": dictionary.UPDATE_FREQUENCY.as_dict(),
        "language": ["th", "en"],
        "spatial": "TH",
        "modified": (changed.isoformat(timespec="seconds") + "Z") if changed else None,
        "landingPage": base + _path("opendata.index"),
        "describedBy": file_url(base, f"{DICTIONARY_NAME}.json"),
        "distribution": distributions,
    }


def catalogue_json(base: str) -> bytes:
    """The catalogue record as JSON-LD."""
    return _json(catalogue(base), indent=2)


def _files() -> dict[str, File]:
    found: dict[str, File] = {}
    for resource in dictionary.RESOURCES:
        found[f"{resource.name}.csv"] = File(
            f"{resource.name}.csv", CSV_TYPE, "CSV", lambda _base, r=resource: resource_csv(r)
        )
        found[f"{resource.name}.json"] = File(
            f"{resource.name}.json", JSON_TYPE, "JSON", lambda _base, r=resource: resource_json(r)
        )
    found[f"{DICTIONARY_NAME}.csv"] = File(
        f"{DICTIONARY_NAME}.csv", CSV_TYPE, "CSV", lambda _base: dictionary_csv()
    )
    found[f"{DICTIONARY_NAME}.json"] = File(
        f"{DICTIONARY_NAME}.json", JSON_TYPE, "JSON", lambda _base: dictionary_json()
    )
    found[CATALOGUE_FILE] = File(CATALOGUE_FILE, JSON_TYPE, "JSON", catalogue_json)
    return found


#: Every published file by name: what the site serves and the command writes.
FILES: dict[str, File] = _files()


def published(name: str, base: str) -> tuple[bytes, str] | None:
    """A published file's bytes and ETag, or None for an unknown name.

    The files are public and a large register takes a while to write, so each worker keeps
    the latest bytes of each file and makes them again only when the data changed (see
    ``queries.fingerprint``) or the day changed (states follow the date): a flood of
    anonymous downloads costs one small query each.
    """
    file = FILES.get(name)
    if file is None:
        return None
    # Only the catalogue holds addresses: a request under another host name (when
    # PUBLIC_BASE_URL is not set) must not make the other files again.
    key = (base if name == CATALOGUE_FILE else "", today(), queries.fingerprint())
    cache = current_app.extensions.setdefault("opendata_files", {})
    kept = cache.get(name)
    if kept is not None and kept[0] == key:
        return kept[1], kept[2]
    data = file.build(base)
    etag = hashlib.sha256(data).hexdigest()
    cache[name] = (key, data, etag)
    return data, etag


def write_all(folder: Path, base_url: str | None = None) -> list[Path]:
    """Write every file into a folder (made if missing); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    base = site_base(base_url)
    written = []
    for file in FILES.values():
        path = folder / file.name
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(file.build(base))
        temporary.replace(path)
        written.append(path)
    return written

"""A large, reproducible register for the benchmark: organisations and contacts with Thai names.

The generators live in the app (``registry/benchdata``), where ``flask registry seed-bench``
uses them too; this module keeps the names the benchmark scripts import. Rows go in with Core
``executemany`` inserts, in one transaction: 10,000 organisations and 50,000 contacts take a
few seconds.
"""

from __future__ import annotations

from registry.benchdata.organisations import (
    contact_rows,
    organisation_names,
    organisation_rows,
    seed,
)
from registry.benchdata.text import (
    FIRST_NAMES,
    LAST_PARTS,
    POSITIONS,
    TITLES,
    TOPICS,
    TOPICS_EN,
    latin,
    syllable,
    word,
)

__all__ = [
    "FIRST_NAMES",
    "LAST_PARTS",
    "POSITIONS",
    "TITLES",
    "TOPICS",
    "TOPICS_EN",
    "contact_rows",
    "latin",
    "organisation_names",
    "organisation_rows",
    "seed",
    "syllable",
    "word",
]

"""A large, reproducible register for the benchmark: organisations and contacts with Thai names.

The generators live in ``bench/dataset``, where ``python -m bench.seed``
uses them too; this module keeps the names the benchmark scripts import. Rows go in with Core
``executemany`` inserts, in one transaction: 10,000 organisations and 50,000 contacts take a
few seconds.
"""

from __future__ import annotations

from bench.dataset.organisations import (
    contact_rows,
    organisation_names,
    organisation_rows,
    seed,
)
from bench.dataset.text import (
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

"""Helpers for the open-data tests: records made through the services (agreements, seats,
proposals, endorsements), and every published file read through the public site."""

from __future__ import annotations

import json

import pytest

from registry.opendata import services

# The agreement, committee and proposal helpers serve here too.
from tests.agreements.conftest import make_agreement, staff_user, two_organisations  # noqa: F401
from tests.committees.conftest import appoint, make_committee  # noqa: F401
from tests.proposals.conftest import call, category, details, endorse, staff, submit  # noqa: F401


def get(client, name: str):
    """One published file through the site: (status, headers, body bytes)."""
    with client.get(f"/open-data/{name}") as response:
        return response.status_code, response.headers, response.get_data()


@pytest.fixture
def records(client):
    """The records of a resource as its JSON file publishes them."""

    def read(resource: str) -> list[dict]:
        status, _headers, body = get(client, f"{resource}.json")
        assert status == 200
        return json.loads(body)["records"]

    return read


@pytest.fixture
def every_file(client):
    """Every published file, by name, as text (the catalogue and dictionary too)."""

    def read() -> dict[str, str]:
        found = {}
        for name in services.FILES:
            status, _headers, body = get(client, name)
            assert status == 200, name
            found[name] = body.decode("utf-8-sig")
        return found

    return read

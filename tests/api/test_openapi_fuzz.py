"""The API answers as its OpenAPI document says: schemathesis reads the document the app
serves and sends every GET operation generated requests, valid ones and invalid ones, in
process (WSGI), with a staff token, on a small register. Every answer must be documented
for its operation, match the documented schema and media type, and never be a server
error; a request the document allows must be answered, one it forbids refused.

Bounded so that it runs in well under a minute on a slow machine: a fixed number of
examples per operation and mode, a deadline, derandomised (the same requests every run),
no shrinking and no example database. The operations are driven one by one with
Hypothesis rather than through schemathesis' pytest plugin, whose lazy schemas do not
run under this version of pytest."""

from __future__ import annotations

import re
from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import bearer, issue_token

#: Requests generated per operation and kind of data.
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _records(world) -> dict[str, int]:
    """A record of the small register for each path parameter, so that whole records are
    checked against their schema too (a random id finds nothing)."""
    return {
        "organisation_id": world.a,
        "agreement_id": world.signed_a,
        "committee_id": world.joint,
        "meeting_id": world.certified,
        "proposal_id": world.from_a,
    }


def _exercise(strategy, headers: dict) -> str | None:
    """Send the strategy's requests; the first failure's report, or None."""

    @BOUNDED
    @given(case=strategy)
    def send(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        send()
    except (Exception, BaseExceptionGroup) as failure:  # a check failed: report, go on
        return str(failure)
    return None


def test_every_get_operation_answers_as_its_document_says(app, world, make_user):
    headers = bearer(issue_token(app, make_user("staff")))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(method="GET")
    records = _records(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11
    failures = []
    for operation in operations:
        known = {p.name: records[p.name] for p in operation.path_parameters if p.name in records}
        strategies = {"valid": operation.as_strategy(GenerationMode.POSITIVE)}
        if operation.path_parameters or operation.query:  # else nothing can be invalid
            strategies["invalid"] = operation.as_strategy(GenerationMode.NEGATIVE)
        if known:
            strategies["valid, a record"] = operation.as_strategy(
                GenerationMode.POSITIVE, path_parameters=known
            )
        for kind, strategy in strategies.items():
            report = _exercise(strategy, headers)
            if report:
                failures.append(f"{operation.method.upper()} {operation.path} ({kind}):\n{report}")
    assert not failures, "\n\n".join(failures)


# --- what the fuzzing found, each kept as a regression test ------------------------------------

FILTERS = {
    "/api/v1/organisations": ("kind", "status", "province", "page", "per_page"),
    "/api/v1/agreements": ("kind", "status", "organisation", "expiring_before"),
    "/api/v1/committees": ("kind",),
    "/api/v1/meetings": ("committee", "status", "from", "to"),
    "/api/v1/proposals": ("status", "kind", "category", "organisation", "sort"),
}


def _documented(app, path: str, name: str) -> dict:
    with app.test_client().get("/api/v1/openapi.json") as response:
        operation = response.get_json()["paths"][path.removeprefix("/api/v1")]["get"]
    return next(p["schema"] for p in operation["parameters"] if p["name"] == name)


def test_an_empty_filter_is_refused_as_the_document_says(app, api, world):
    # It was taken as no filter, while the document allows no empty value.
    for url, names in FILTERS.items():
        for name in names:
            assert "" not in _documented(app, url, name).get("enum", [None])
            status, body = api("staff", url, **{name: ""})
            assert status == 400, (url, name)
            assert body["error"]["parameter"] == name


def test_an_empty_or_blank_search_text_searches_for_nothing(api, world):
    for url in ("/api/v1/organisations", "/api/v1/agreements", "/api/v1/proposals"):
        everything = api("staff", url)[1]["total"]
        for text in ("", "   ", "\t"):
            status, body = api("staff", url, q=text)
            assert (status, body["total"]) == (200, everything)


def test_control_characters_are_refused_and_documented_as_refused(app, api, world):
    pattern = re.compile(_documented(app, "/api/v1/proposals", "q")["pattern"])
    for text in ("ab\x00c", "\x1b[31m", "x\x7f", "\x0b"):
        assert not pattern.match(text)
        status, body = api("staff", "/api/v1/proposals", q=text)
        assert (status, body["error"]["parameter"]) == (400, "q")
    for text in ("ปัญญา\tประดิษฐ์", "line\nbreak"):
        assert pattern.match(text)
        assert api("staff", "/api/v1/proposals", q=text)[0] == 200


def test_the_length_limit_counts_the_text_as_sent(app, api, world):
    # Spaces were squeezed out before counting, so 101 characters could pass a limit of 100.
    assert _documented(app, "/api/v1/organisations", "q")["maxLength"] == 100
    status, body = api("staff", "/api/v1/organisations", q=" " * 60 + "ก" * 41)
    assert (status, body["error"]["parameter"]) == (400, "q")
    assert api("staff", "/api/v1/organisations", q=" " * 59 + "ก" * 41)[0] == 200

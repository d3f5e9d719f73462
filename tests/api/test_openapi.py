"""The OpenAPI description: served to anyone, it names every API route and parameter, and
the records the API writes have exactly the fields it describes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from registry.api.openapi import DESCRIPTION


@pytest.fixture
def description(client):
    with client.get("/api/v1/openapi.json") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        return response.get_json()


def _api_routes(app) -> dict[str, set[str]]:
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes[path] = {m.lower() for m in rule.methods} - {"head", "options"}
    return routes


def test_it_is_openapi_3_1_with_bearer_security(description):
    assert description["openapi"] == "3.1.0"
    assert description["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert description["security"] == [{"bearer": []}]
    assert "Gregorian" in description["info"]["description"]


def test_every_api_route_is_described_with_its_methods(app, description):
    routes = _api_routes(app)
    assert set(routes) == set(description["paths"])
    for path, methods in routes.items():
        assert set(description["paths"][path]) == methods


def test_every_reference_resolves(description):
    text = str(description)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in description["components"][ref[0]], ref


def _example(parameter: dict, world) -> str:
    schema = parameter["schema"]
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("format") == "date":
        return date.today().isoformat()
    if schema["type"] == "integer":
        return str(schema.get("default", 1))
    return "ทดสอบ"


def test_every_documented_parameter_is_accepted(api, world, description):
    for path, item in description["paths"].items():
        if "{" in path or path == "/openapi.json":
            continue
        for parameter in item["get"]["parameters"]:
            value = _example(parameter, world)
            status, body = api("admin", "/api/v1" + path, **{parameter["name"]: value})
            assert status == 200, (path, parameter["name"], body)


def _check(record: dict, schema: dict, schemas: dict, where: str) -> None:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        return
    properties = schema.get("properties")
    if properties is None or record is None:
        return
    assert set(record) <= set(properties), (where, set(record) - set(properties))
    assert set(schema.get("required", ())) <= set(record), where
    for key, value in record.items():
        inner = properties[key]
        if isinstance(value, dict):
            _check(value, inner, schemas, f"{where}.{key}")
        elif isinstance(value, list) and "items" in inner:
            for element in value:
                _check(element, inner["items"], schemas, f"{where}.{key}[]")
        if "enum" in inner and value is not None:
            assert value in inner["enum"], (where, key, value)


@pytest.mark.parametrize(
    ("collection", "schema", "record_attr"),
    [
        ("organisations", "Organisation", "a"),
        ("agreements", "Agreement", "signed_a"),
        ("committees", "Committee", "joint"),
        ("meetings", "Meeting", "certified"),
        ("proposals", "Proposal", "from_a"),
    ],
)
def test_records_have_exactly_the_described_fields(api, world, collection, schema, record_attr):
    schemas = DESCRIPTION["components"]["schemas"]
    ref = {"$ref": f"#/components/schemas/{schema}"}
    status, body = api("admin", f"/api/v1/{collection}")
    assert status == 200
    page = {key: value for key, value in body.items() if key != "items"}
    _check(page, {"$ref": "#/components/schemas/Page"}, schemas, "page")
    assert set(body) == {"items", *schemas["Page"]["properties"]}
    assert body["items"]
    for item in body["items"]:
        _check(item, ref, schemas, collection)
    status, record = api("admin", f"/api/v1/{collection}/{getattr(world, record_attr)}")
    assert status == 200
    _check(record, ref, schemas, f"{collection}/id")


def test_the_token_page_links_to_the_description(client, sign_in):
    sign_in("admin")
    with client.get("/admin/api-tokens/") as response:
        assert 'href="/api/v1/openapi.json"' in response.get_data(as_text=True)

"""The committed OpenAPI document, the sandbox's routes and the kiosk client's lists all agree."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from kiosk.platform import feeds as client_lists
from sandbox import contract
from sandbox.app import create_app, openapi_text
from sandbox.db import make_engine
from sandbox.server import HostRefused, bind, check_host
from sandbox.service import Platform

OPENAPI_FILE = Path(__file__).resolve().parents[3] / "sandbox" / "openapi.json"


@pytest.fixture(scope="module")
def doc() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def test_the_committed_openapi_document_is_what_the_server_serves():
    app = create_app(Platform(make_engine(db_url="sqlite://")))
    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_text(app), \
        "regenerate: python -m sandbox openapi > sandbox/openapi.json"


def test_the_document_is_openapi_3_1_with_every_contract_endpoint(doc):
    assert doc["openapi"].startswith("3.1")
    expected = {
        ("post", "/v1/kiosks/{kiosk_id}/heartbeat"), ("post", "/v1/sessions"), ("post", "/v1/submissions"),
        ("get", "/v1/me/cases"), ("post", "/v1/cases/{case_no}/withdraw"), ("get", "/v1/me/records/{kind}"),
        ("post", "/v1/fault-reports"), ("get", "/v1/fault-reports"), ("post", "/v1/admin/cases/{case_no}/review"),
        *(("get", f"/v1/feeds/{feed}") for feed in contract.FEEDS),
    }
    present = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert expected <= present


def test_every_kiosk_endpoint_requires_the_signature_and_resident_ones_the_token(doc):
    for path, ops in doc["paths"].items():
        for op in ops.values():
            security = op.get("security")
            if path.startswith("/v1/admin/") or path == "/v1/time":  # the time answer is unsigned on purpose
                assert security == []  # said outright: no signature, no token (was: left out)
                continue
            assert security and {"kioskId", "timestamp", "nonce", "bodySha256", "signature"} <= set(security[0])
            assert ("residentToken" in security[0]) == (path.startswith("/v1/me/") or path.startswith("/v1/cases/"))


def test_feed_item_schemas_carry_exactly_the_contract_fields(doc):
    schemas = doc["components"]["schemas"]
    for feed, fields in contract.FEED_FIELDS.items():
        page = doc["paths"][f"/v1/feeds/{feed}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        page_schema = schemas[page["$ref"].rsplit("/", 1)[1]]
        item_ref = page_schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]
        item = schemas[item_ref]
        assert list(item["properties"]) == [*contract.FEED_ITEM_KEYS, *fields]
        assert set(item["required"]) == set(item["properties"])


def test_the_kiosk_client_uses_the_same_lists_as_the_platform():
    assert client_lists.FEED_FIELDS == contract.FEED_FIELDS
    assert client_lists.ITEM_KEYS == contract.FEED_ITEM_KEYS
    assert client_lists.SUBMISSION_KINDS == contract.SUBMISSION_KINDS
    assert client_lists.RECORD_KINDS == contract.RECORD_KINDS
    assert set(client_lists.FAULT_CATEGORIES) == set(contract.FAULT_CATEGORIES)
    assert client_lists.FAULT_ROUTES == contract.FAULT_CATEGORIES


def test_both_sides_read_the_one_vocabulary_file():
    """The lists are data in config/platform_contract.toml, not two copies kept in step by hand."""
    from kiosk.maintenance.fault_reports import ROUTING

    assert client_lists.CONTRACT_FILE.resolve() == contract.VOCABULARY_FILE.resolve()
    assert ROUTING == contract.FAULT_CATEGORIES
    assert client_lists.AGE_BANDS == contract.AGE_BANDS


def _body_schema(doc: dict, path: str) -> dict:
    return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_the_case_statuses_of_the_shapes_are_the_contract_s():
    from typing import get_args

    from sandbox.schemas import CaseStatus

    assert get_args(CaseStatus) == contract.CASE_STATUSES


def test_required_request_fields_in_the_document(doc):
    schemas = doc["components"]["schemas"]
    for kind in contract.SUBMISSION_KINDS:
        name = "".join(p.title() for p in kind.split("_"))
        assert set(schemas[f"{name}Submission"]["required"]) == {"idempotency_key", "kind", "submitted_at", "person",
                                                                  "payload"}
        assert schemas[f"{name}Submission"]["properties"]["kind"]["const"] == kind
    assert set(schemas["FaultReportIn"]["required"]) == {"idempotency_key", "category", "description", "suggestion"}
    assert {"app_version", "uptime_s", "disk_free_mb"} <= set(schemas["HeartbeatIn"]["required"])


def test_one_login_schema_per_method_chosen_by_a_discriminator(doc):
    schemas = doc["components"]["schemas"]
    body = _body_schema(doc, "/v1/sessions")
    assert body["discriminator"]["propertyName"] == "method"
    assert set(body["discriminator"]["mapping"]) == {"id_card", "ss_card", "essc"}
    assert set(schemas["IdCardLogin"]["required"]) == {"method", "id_number", "name"}
    assert set(schemas["SsCardLogin"]["required"]) == {"method", "card_number"}
    assert set(schemas["EsscLogin"]["required"]) == {"method", "essc_token"}
    assert schemas["IdCardLogin"]["properties"]["id_number"]["pattern"] == "^[0-9]{17}[0-9X]$"


def test_each_submission_kind_has_its_payload_schema_with_its_required_fields(doc):
    from sandbox.rules import PAYLOAD_RULES

    schemas = doc["components"]["schemas"]
    body = _body_schema(doc, "/v1/submissions")
    assert body["discriminator"]["propertyName"] == "kind"
    assert set(body["discriminator"]["mapping"]) == set(contract.SUBMISSION_KINDS)
    for kind, rules in PAYLOAD_RULES.items():
        payload = schemas["".join(p.title() for p in kind.split("_")) + "Payload"]
        assert set(payload.get("required", [])) == {name for name, (_t, required) in rules.items() if required}
    assert schemas["GigHiringRegistrationPayload"]["properties"]["start_date"]["format"] == "date"


def test_every_operation_documents_its_errors_in_the_contract_shape(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
            assert "422" in errors, (method, path)  # unknown query parameters, malformed bodies
            if op["security"]:
                assert "401" in errors, (method, path)
            for r in errors.values():
                assert r["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_the_feed_limit_and_cursor_are_bounded(doc):
    params = {p["name"]: p for p in doc["paths"]["/v1/feeds/fixed_jobs"]["get"]["parameters"]}
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 1000)
    assert params["cursor"]["schema"]["pattern"]


def test_the_resident_token_flow_is_linked(doc):
    links = doc["paths"]["/v1/sessions"]["post"]["responses"]["200"]["links"]
    assert {link["operationId"] for link in links.values()} == {"my_cases", "my_record", "withdraw_case", "my_registrations"}
    assert all(link["parameters"]["header.Authorization"] == "Bearer {$response.body#/resident_token}"
               for link in links.values())
    withdraw = doc["paths"]["/v1/submissions"]["post"]["responses"]["201"]["links"]["Withdraw"]
    assert withdraw["parameters"] == {"path.case_no": "$response.body#/case_no"}


def test_admin_routes_say_they_are_unauthenticated_sandbox_play(doc):
    tag = next(t for t in doc["tags"] if t["name"] == "sandbox admin")
    assert "unauthenticated" in tag["description"] and "127.0.0.1" in tag["description"]
    for path, ops in doc["paths"].items():
        if path.startswith("/v1/admin/"):
            assert all(op["tags"] == ["sandbox admin"] and op["security"] == [] for op in ops.values())


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org", ""])
def test_the_sandbox_refuses_to_listen_anywhere_but_loopback(host):
    with pytest.raises(HostRefused):
        check_host(host)


def test_loopback_binds():
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)  # replies are not held for an ACK
    finally:
        sock.close()

"""Check HTTP requests against the platform's OpenAPI document (sandbox/openapi.json) with jsonschema.

Used to hold the kiosk's client to the contract: every request it sends in the integration suite is
recorded (RequestRecorder, a requests response hook) and checked here: a declared method and path, path
and query parameters (no undeclared ones), the signing headers and the resident token where the
operation's security asks for them, and the JSON body against the operation's request schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
from jsonschema import Draft202012Validator, FormatChecker

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "sandbox" / "openapi.json"
SIGNING_HEADERS = {"kioskId": "X-Kiosk-Id", "timestamp": "X-Timestamp", "nonce": "X-Nonce",
                   "bodySha256": "X-Body-SHA256", "signature": "X-Signature"}


def load_document(path: Path = OPENAPI_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SentRequest:
    """One request as it went on the wire."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @classmethod
    def of(cls, prepared: requests.PreparedRequest) -> SentRequest:
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        raw = body if isinstance(body, bytes) else b""  # requests leaves bytes or str here: no streamed bodies
        return cls(prepared.method or "", prepared.url or "", {k: str(v) for k, v in prepared.headers.items()}, raw)

    def __str__(self) -> str:
        return f"{self.method} {urlsplit(self.url).path}"


class ContractChecker:
    """Finds where a request departs from the document (an empty list: it conforms)."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.doc = document or load_document()
        self._routes = [(re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$"), path)
                        for path in self.doc["paths"]]

    def _validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        wrapper = {"components": self.doc.get("components", {}), "allOf": [schema]}  # "#/components/…" resolve here
        return Draft202012Validator(wrapper, format_checker=FormatChecker())

    def _errors(self, schema: dict[str, Any], value: Any, where: str) -> list[str]:
        return [f"{where}: {e.message[:200]}" for e in self._validator(schema).iter_errors(value)]

    def operation(self, method: str, url_path: str) -> tuple[str, dict[str, Any], dict[str, str]] | None:
        for pattern, template in self._routes:
            m = pattern.match(url_path)
            if m and method.lower() in self.doc["paths"][template]:
                return template, self.doc["paths"][template][method.lower()], m.groupdict()
        return None

    def problems(self, request: SentRequest) -> list[str]:
        parts = urlsplit(request.url)
        found = self.operation(request.method, parts.path)
        if found is None:
            return [f"{request.method} {parts.path}: no such operation in the document"]
        template, op, path_values = found
        out: list[str] = []
        params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        for name, raw in path_values.items():
            out += self._errors(params[("path", name)]["schema"], unquote(raw), f"path {name}")
        seen: set[str] = set()
        for name, raw in parse_qsl(parts.query, keep_blank_values=True):
            seen.add(name)
            spec = params.get(("query", name))
            if spec is None:
                out.append(f"query {name}: not declared")
                continue
            out += self._errors(spec["schema"], _typed(spec["schema"], raw), f"query {name}")
        out += [f"query {name}: required, missing" for (where, name), p in params.items()
                if where == "query" and p.get("required") and name not in seen]
        headers = {k.lower(): v for k, v in request.headers.items()}
        for requirement in op.get("security", []):
            for scheme in requirement:
                if scheme in SIGNING_HEADERS and SIGNING_HEADERS[scheme].lower() not in headers:
                    out.append(f"header {SIGNING_HEADERS[scheme]}: missing")
                if scheme == "residentToken" and not headers.get("authorization", "").startswith("Bearer "):
                    out.append("header Authorization: no Bearer token")
        body_spec = op.get("requestBody")
        if body_spec is None:
            if request.body:
                out.append(f"body: {template} takes none")
        elif not request.body:
            if body_spec.get("required"):
                out.append("body: required, missing")
        else:
            schema = body_spec["content"]["application/json"]["schema"]
            try:
                value = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                out.append("body: not JSON")
            else:
                out += self._errors(schema, value, "body")
        return out


def _typed(schema: dict[str, Any], raw: str) -> Any:
    """A query value as the type its schema names (query strings are text on the wire)."""
    types = {schema.get("type")} | {alt.get("type") for alt in schema.get("anyOf", [])}
    if "integer" in types:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


@dataclass
class RequestRecorder:
    """A requests response hook that keeps every request sent through a session."""

    sent: list[SentRequest] = field(default_factory=list)
    on_purpose: set[str] = field(default_factory=set)

    def off_contract_on_purpose(self, label: str) -> None:
        """A test sends this request ("GET /v1/me/records/bank_balance") off the contract on purpose."""
        self.on_purpose.add(label)

    def checked(self) -> list[SentRequest]:
        return [r for r in self.sent if str(r) not in self.on_purpose]

    def __call__(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.sent.append(SentRequest.of(response.request))
        return response

    def attach(self, session: requests.Session) -> None:
        session.hooks.setdefault("response", []).append(self)

"""Schemathesis hooks for the platform contract: sign requests as the kiosk does; keep generated data real.

Loaded by `schemathesis run` through SCHEMATHESIS_HOOKS=tests.helpers.schemathesis_hooks (the test in
tests/integration/platform/test_schemathesis.py and bench/bench_contract.py do so).

- Signing: every request gets the five X-* headers from the kiosk's own signing code
  (kiosk.platform.signing.sign) over the request exactly as it goes on the wire: method, the path with
  its query as sent, and the raw body bytes. Requests schemathesis sends on purpose without credentials
  (its ignored_auth probes) go unsigned, and the platform must refuse them.
- ID numbers: JSON Schema can say `^[0-9]{17}[0-9X]$` but not GB 11643's birth date and mod-11 check
  digit, which the document states in words. Every generated string of that shape is made a real number
  (same region and serial, a real birth date of working age, the right check digit), so the
  positive_data_acceptance check still tests everything the schema can state. Dates (`format: date`)
  are moved onto the calendar the same way, a gig's end_date onto or after its start_date, and an
  working-age registrations' (sandbox.rules.WORKING_AGE_KINDS) submitted_at to a day on which its person is of working age; each is a
  rule the document states in words and the server answers 422 for. A submission's `assisted_by`
  (全程代理) must name a worker login made at the same kiosk, which random data never does: it is left
  out (tests/ui/test_staff_assisted.py and test_client_contract.py send real ones).
- The 一寸电子照片 (payload.photo_jpeg): the schema can state base64 starting like a JPEG, not that it
  decodes to a 295×413 JPEG (stated in words, 422 otherwise). A string of the schema's shape is replaced by
  a real one-inch JPEG.

Kiosk id and secret: SANDBOX_KIOSK_ID / SANDBOX_KIOSK_SECRET, else the first demo kiosk.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from datetime import date, datetime
from typing import Any

import requests
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import negated_parameters

from kiosk.platform.signing import SIGNED_HEADERS, sign
from sandbox.rules import id_check_digit
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, demo_secret

_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_PHOTO = re.compile(r"^/9j/[A-Za-z0-9+/]*={0,2}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class KioskSignature(requests.auth.AuthBase):
    """requests' auth hook: the kiosk's signature over the prepared request (final path, query and body)."""

    def __init__(self, kiosk_id: str, secret: str) -> None:
        self.kiosk_id = kiosk_id
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        raw = body if isinstance(body, bytes) else b""  # requests leaves bytes or str here: no streamed bodies
        request.headers.update(sign(secret=self.secret, method=request.method or "GET",
                                    path_with_query=request.path_url, kiosk_id=self.kiosk_id,
                                    timestamp=int(time.time()), nonce=secrets.token_hex(16), body=raw))
        return request


_kiosk_id = os.environ.get("SANDBOX_KIOSK_ID", DEMO_KIOSK_ID)
_SIGNER = KioskSignature(_kiosk_id, os.environ.get("SANDBOX_KIOSK_SECRET") or demo_secret(_kiosk_id))
_SIGNED_HEADERS = {name.lower() for name in SIGNED_HEADERS}


def _leaves_out_signature(case: Any) -> bool:
    """A negative case that drops or breaks signing headers (named, or the headers' `required` as a whole)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    left_out = {name.lower() for name, location in negated_parameters(meta) if location == ParameterLocation.HEADER}
    if left_out & _SIGNED_HEADERS:
        return True
    data = meta.phase.data
    mutations = [*getattr(data, "mutations", ())]
    whole_headers = any(m.parameter is None and m.parameter_location == ParameterLocation.HEADER for m in mutations)
    if getattr(data, "parameter", None) is None and getattr(data, "parameter_location", None) == ParameterLocation.HEADER:
        whole_headers = True
    return whole_headers


@schemathesis.auth(refresh_interval=None)  # decided per case, never cached
class KioskSigning:
    """Sign every request, except those whose signing headers schemathesis left out on purpose (negative cases)."""

    def get(self, case: Any, _context: Any) -> KioskSignature | None:
        return None if _leaves_out_signature(case) else _SIGNER

    def set(self, case: Any, data: KioskSignature, _context: Any) -> None:
        case._auth = data  # what schemathesis' own set_from_requests does: requests applies it when sending


from sandbox.rules import WORKING_AGE_KINDS  # noqa: E402  (the kinds with 劳动年龄, seed 004)


def real_id_number(shape: str, year: int | None = None) -> str:
    """A GB 11643 number from a string of the right shape: its region and serial, a real birth date."""
    seed = int(shape[6:14])
    born_year = year if year is not None else date.today().year - 20 - seed % 30
    first17 = f"{shape[:6]}{born_year:04d}{seed % 12 + 1:02d}{seed % 28 + 1:02d}{shape[14:17]}"
    return first17 + id_check_digit(first17)


_REAL_PHOTO: list[str] = []


def real_photo() -> str:
    """A real 一寸电子照片 as the contract wants it: base64 of a 295×413 JPEG (made once)."""
    if not _REAL_PHOTO:
        import base64
        import io

        from PIL import Image

        from sandbox.contract import PHOTO_PX

        out = io.BytesIO()
        Image.new("RGB", PHOTO_PX, (222, 232, 240)).save(out, "JPEG", quality=90)
        _REAL_PHOTO.append(base64.b64encode(out.getvalue()).decode("ascii"))
    return _REAL_PHOTO[0]


def _real_date(value: str) -> str:
    try:
        date.fromisoformat(value)
        return value
    except ValueError:
        year = max(int(value[:4]), 1)
        return f"{year:04d}-{int(value[5:7]) % 12 + 1:02d}-{int(value[8:10]) % 28 + 1:02d}"


def _fix(value: Any) -> Any:
    """Every ID-number-shaped string made real and every date-shaped string put on the calendar, recursively."""
    if isinstance(value, str):
        if _ID.match(value):
            return real_id_number(value)
        if _DATE.match(value):
            return _real_date(value)
        return value
    if isinstance(value, dict):
        return {k: _fix(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix(v) for v in value]
    return value


def _year_of(instant: Any) -> int | None:
    try:
        return datetime.fromisoformat(str(instant).upper().replace("Z", "+00:00")).year
    except ValueError:
        return None


@schemathesis.hook
def before_call(_context: Any, case: Any, _kwargs: dict[str, Any]) -> None:
    """Runs in every phase (coverage included, where map_body does not); schemathesis re-checks the case after."""
    body = case.body
    if isinstance(body, dict | list):
        fixed = _real_body(body)
        if fixed != body:
            case.body = fixed


def _real_body(body: Any) -> Any:
    body = _fix(body)
    if not isinstance(body, dict):
        return body
    payload = body.get("payload")
    person = body.get("person")
    if isinstance(body.get("kind"), str) and isinstance(person, dict):
        body.pop("assisted_by", None)  # names a worker login of this kiosk, which random data cannot (422)
    if isinstance(payload, dict) and isinstance(payload.get("photo_jpeg"), str) and _PHOTO.match(payload["photo_jpeg"]):
        payload["photo_jpeg"] = real_photo()
    if body.get("kind") == "gig_hiring_registration" and isinstance(payload, dict):
        start, end = payload.get("start_date"), payload.get("end_date")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            payload["start_date"], payload["end_date"] = end, start
    code, region = body.get("card_identification_code"), body.get("issuing_region")
    if isinstance(code, str) and isinstance(region, str) and len(code) == 32 and len(region) == 6:
        body["card_identification_code"] = region + code[6:]  # the region is the code's first 3 bytes (BCD)
    if (isinstance(body.get("kind"), str) and body["kind"] in WORKING_AGE_KINDS and isinstance(person, dict)
            and isinstance(person.get("id_number"), str) and _ID.match(person["id_number"])):
        year = _year_of(body.get("submitted_at"))
        if year is None or year < 1930:  # a date-time the format allows, but no one alive was of working age then
            body["submitted_at"], year = "2025-03-01T09:30:00+08:00", 2025
        person["id_number"] = real_id_number(person["id_number"], year - 30)
    return body

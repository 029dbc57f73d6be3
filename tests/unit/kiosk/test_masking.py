"""Personal data never reaches a log file in clear."""

import logging
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.logging_setup import NameRegistry, configure_logging
from kiosk.masking import mask_id_number, mask_name, mask_phone, scrub
from offline_cache.private import tighten_tree
from tests.helpers.id_numbers import fake_id_number

FAKE_ID = "140222199003071236"
FAKE_ID_X = "14022219851112001X"
FAKE_PHONE = "13812345678"
FAKE_NAME = "李秀英"


def test_mask_helpers() -> None:
    assert mask_id_number(FAKE_ID) == "140222********1236"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_scrub_masks_ids_phones_names_and_tokens() -> None:
    line = f"login id={FAKE_ID} other {FAKE_ID_X} tel {FAKE_PHONE} name={FAKE_NAME} essc_token=ABCDEF0123456789"
    out = scrub(line)
    for secret in (FAKE_ID, FAKE_ID_X, FAKE_PHONE, FAKE_NAME, "ABCDEF0123456789"):
        assert secret not in out
    assert "140222********1236" in out and "138****5678" in out


def test_log_file_holds_no_personal_data(tmp_path: Path) -> None:
    names = NameRegistry()
    names.add(FAKE_NAME)
    handler = configure_logging(tmp_path, names=names, console=False)
    log = logging.getLogger("kiosk.test")
    try:
        log.info("resident %s (%s) phone %s says hello", FAKE_NAME, FAKE_ID, FAKE_PHONE)
        log.warning('payload {"name": "%s", "id_number": "%s", "phone": "%s"}', FAKE_NAME, FAKE_ID_X, FAKE_PHONE)
        try:
            raise ValueError(f"bad card for {FAKE_ID}\nsecond line")
        except ValueError:
            log.exception("card failed")
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    for secret in (FAKE_ID, FAKE_ID_X, FAKE_PHONE, FAKE_NAME):
        assert secret not in text
    assert len(text.strip().splitlines()) == 3, "one line per event, tracebacks included"
    assert "李**" in text


def test_a_new_log_folder_and_file_are_private_even_under_a_loose_umask(tmp_path: Path) -> None:
    """build_core's callers need not set main()'s umask first: the log folder (and a missing data folder)
    are made 0700 and kiosk.log 0600, so the start's tighten_tree finds nothing to warn about in English
    in the technician's log view (tests/ui/test_visible_english.py)."""
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        handler = configure_logging(data / "logs", console=False)
        try:
            logging.getLogger("kiosk.test").warning("written under a loose umask")
        finally:
            handler.flush()
            logging.getLogger().removeHandler(handler)
            handler.close()
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (data, data / "logs", data / "logs" / "kiosk.log")}
    assert modes == {"data": 0o700, "logs": 0o700, "kiosk.log": 0o600}
    assert tighten_tree(data) == 0


def test_a_library_handler_installed_before_us_gets_nothing_unmasked(tmp_path: Path) -> None:
    import io

    import escpos.printer  # noqa: F401  (it calls logging.basicConfig on import)

    stray = io.StringIO()
    foreign = logging.StreamHandler(stray)
    logging.getLogger().addHandler(foreign)
    handler = configure_logging(tmp_path, console=False)
    try:
        logging.getLogger("kiosk.test").warning("id %s", FAKE_ID)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert FAKE_ID not in stray.getvalue()


# ---- masking wherever a number stands (property tests) ----------------------------------------

ascii_context = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
escapes = st.sampled_from(["", "\\n", "\\r\\n", "\\x0a", "\\x01", "%3D", "%0A", "=", "ID", "id:", "b'", "\\t", "\\u3000"])
ids = st.builds(
    fake_id_number,
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    birth=st.dates(date(1930, 1, 1), date(2020, 12, 31)),
    serial=st.from_regex(r"[0-9]{3}", fullmatch=True),
)
separators = st.sampled_from([(6, 14), (6, 10, 14), (3, 6, 10, 14), ()])


def _grouped(number: str, cuts: tuple[int, ...], sep: str) -> str:
    parts, last = [], 0
    for c in (*cuts, len(number)):
        parts.append(number[last:c])
        last = c
    return sep.join(parts)


@settings(max_examples=400, deadline=None)
@given(prefix=ascii_context, escape=escapes, number=ids, suffix=ascii_context, cuts=separators,
       sep=st.sampled_from([" ", "-"]))
def test_an_id_number_is_masked_wherever_it_stands(prefix: str, escape: str, number: str, suffix: str,
                                                    cuts: tuple[int, ...], sep: str) -> None:
    birth = number[6:14]
    assume(birth not in prefix + escape and birth not in suffix)
    written = _grouped(number, cuts, sep)
    out = scrub(prefix + escape + written + suffix)
    flat = re.sub(r"[ -]", "", out)
    assert number not in flat
    assert birth not in flat, "the date of birth must not survive, grouped or not"


@settings(max_examples=200, deadline=None)
@given(prefix=ascii_context, escape=escapes, number=ids, suffix=ascii_context)
def test_an_old_15_digit_number_is_masked_wherever_it_stands(prefix: str, escape: str, number: str,
                                                              suffix: str) -> None:
    old = number[:6] + number[8:17]  # 15 digits: region, YYMMDD, serial
    assume(old[6:12] not in prefix + escape + suffix)
    out = re.sub(r"[ -]", "", scrub(prefix + escape + old + suffix))
    assert old not in out and old[6:12] not in out


phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(prefix=ascii_context, escape=escapes, phone=phones, suffix=ascii_context,
       style=st.sampled_from(["plain", "spaced", "dashed", "+86", "86", "0086"]))
def test_a_mobile_number_is_masked_wherever_it_stands(prefix: str, escape: str, phone: str, suffix: str,
                                                      style: str) -> None:
    assume(phone[3:7] not in prefix + escape + suffix and phone[:3] not in prefix + escape + suffix)
    written = {
        "plain": phone, "spaced": f"{phone[:3]} {phone[3:7]} {phone[7:]}", "dashed": f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        "+86": "+86 " + phone, "86": "86" + phone, "0086": "0086-" + phone,
    }[style]
    out = re.sub(r"[ -]", "", scrub(prefix + escape + written + suffix))
    assert phone not in out
    assert phone[:7] not in out and phone[3:] not in out, "the middle four digits are the secret part"


@pytest.mark.parametrize("line,secret", [
    ("ID140222199003071236", "19900307"),
    ("b'\\n140222199003071236'", "19900307"),
    ("GET /v1?id%3D140222199003071236", "19900307"),
    ("证件 140222 19900307 1236", "19900307"),
    ("证件 140222-1990-0307-1236", "19900307"),
    ("tel:8613812345678;", "1234"),
    ("座机 0351-2345678", "2345678"),
])
def test_the_reviewers_examples(line: str, secret: str) -> None:
    assert secret not in scrub(line)


def test_a_name_logged_after_its_session_ended_is_still_masked(tmp_path: Path) -> None:
    names = NameRegistry()
    handler = configure_logging(tmp_path, names=names, console=False)
    log = logging.getLogger("kiosk.test")
    try:
        names.add(FAKE_NAME)
        log.info("during: %s", FAKE_NAME)
        names.clear()  # logout
        assert names.snapshot() == ()
        log.info("a late sync error for %s after logout", FAKE_NAME)
        log.info("an unrelated line: 李秀 and 秀英 are not the name")
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    assert FAKE_NAME not in text
    assert text.count("李**") == 2 and "李秀 and 秀英" in text


def test_maintenance_commands_log_to_the_console_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk devices|sync|cache` used logging.basicConfig(): an unmasked stderr handler."""
    from unittest import mock

    from kiosk import app

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    for h in saved[0]:  # as in a real command run: nothing installed yet
        root.removeHandler(h)
    try:
        with mock.patch("kiosk.cli_sync.cache_search", return_value=0):
            app._sync_command(mock.Mock(), app._parser().parse_args(["cache", "search", "保洁"]))
        logging.getLogger("kiosk.test").warning("resident %s tel %s", FAKE_ID, FAKE_PHONE)
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert "resident" in err and FAKE_ID not in err and FAKE_PHONE not in err

"""Personal data never reaches a log file in clear."""

import logging
from pathlib import Path

from kiosk.logging_setup import NameRegistry, configure_logging
from kiosk.masking import mask_id_number, mask_name, mask_phone, scrub

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

"""Bench: a social security card read through SsCardReader vs the raw pyscard APDU sequence, same virtual card.

Starts its own isolated pcscd + vpcd (tests/helpers/pcscd.py) and a VirtualSsCard, then times N reads:
  driver: SsCardReader.read_now()  (context + reader list + connect + SELECT/READ RECORD logic + decode)
  raw:    pyscard createConnection().connect() + the very same APDUs the driver sent, + disconnect
and prints both medians and ratio = driver/raw.
Usage: .venv/bin/python bench/bench_sscard_read.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.sscard.pcsc_driver import SsCardReader  # noqa: E402
from tests.helpers.pcscd import IsolatedPcscd  # noqa: E402
from tests.helpers.ssc_emulator import SsCardProfile, ef06_values  # noqa: E402
from tests.helpers.vcard import VirtualSsCard  # noqa: E402


def main(n: int) -> None:
    with IsolatedPcscd() as daemon:
        from smartcard.System import readers  # after PCSCLITE_CSOCK_NAME is set by start()

        card = VirtualSsCard(daemon.port, SsCardProfile(select_with_61=True, ef06=ef06_values(name="王喆")))
        card.insert()
        daemon.wait_card(present=True)
        driver = SsCardReader(daemon.reader_names[0], today=lambda: date(2026, 11, 22))

        ident = driver.read_now()  # also records the APDU sequence the raw baseline replays
        assert ident.name == "王喆"
        start = len(card.model.log)
        driver.read_now()
        sequence = card.model.log[start:]
        reader = next(r for r in readers() if str(r) == daemon.reader_names[0])

        def raw_read() -> None:
            conn = reader.createConnection()
            conn.connect()
            for command in sequence:
                data, sw1, sw2 = conn.transmit(list(command))
            conn.disconnect()
            conn.release()

        def timed(fn) -> list[float]:
            out = []
            for _ in range(n):
                t0 = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t0)
            return out

        for _ in range(10):  # warm up both paths
            driver.read_now()
            raw_read()
        # interleave rounds so drift on a shared machine hits both sides alike
        drv: list[float] = []
        raw: list[float] = []
        rounds = 5
        for _ in range(rounds):
            drv += timed(driver.read_now)
            raw += timed(raw_read)
        card.remove()
        d_med, r_med = statistics.median(drv) * 1000, statistics.median(raw) * 1000
        print(f"APDUs per read: {len(sequence)}; reads per side: {n * rounds}")
        print(f"driver median = {d_med:.3f} ms   raw median = {r_med:.3f} ms")
        print(f"ratio = driver/raw = {d_med / r_med:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)

"""Technician PINs: scrypt hashes with their own salt, constant-time checks, a lockout that survives restarts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.technician import (
    EntryLocked,
    Lockout,
    MaintenanceHolds,
    PinHash,
    PinHashInvalid,
    TechnicianError,
    TechnicianGate,
    WrongPin,
    hash_pin,
    hash_pin_command,
    match_pin,
    parse_hashes,
    read_pin_lines,
)

N = 2**8  # cheap scrypt for unit tests


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def gate(tmp_path: Path, clock: Clock, lockout_s: int = 300) -> TechnicianGate:
    lines = [hash_pin("246810", "T01-张工", n=N), hash_pin("135791", "T02-李工", n=N)]
    return TechnicianGate(lines, Lockout(tmp_path / "lock.json", lockout_s, clock=clock))


def test_a_hash_names_the_technician_keeps_a_salt_and_never_the_pin() -> None:
    a, b = hash_pin("246810", "T01", n=N), hash_pin("246810", "T01", n=N)
    assert a != b, "a fresh salt every time"
    assert "246810" not in a and a.startswith("scrypt:T01:256:8:1:")
    h = PinHash.parse(a)
    assert h.matches("246810") and not h.matches("246811")
    assert "digest" not in repr(h) and h.label == "T01"


def test_the_right_pin_names_its_technician(tmp_path: Path) -> None:
    g = gate(tmp_path, Clock())
    assert g.verify("135791") == "T02-李工"
    assert g.verify("246810") == "T01-张工"


def test_every_hash_is_checked_whichever_matches(monkeypatch) -> None:
    hashes = parse_hashes([hash_pin("111111", "A", n=N), hash_pin("222222", "B", n=N)])
    calls = []
    original = PinHash.matches

    def counting(self: PinHash, pin: str) -> bool:
        calls.append(self.label)
        return original(self, pin)

    monkeypatch.setattr(PinHash, "matches", counting)
    assert match_pin("111111", hashes) == "A"
    assert calls == ["A", "B"], "no early exit: the time does not tell which entry matched"


def test_five_wrong_pins_lock_and_a_restart_does_not_unlock(tmp_path: Path) -> None:
    clock = Clock()
    g = gate(tmp_path, clock)
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as exc:
            g.verify("000000")
        assert exc.value.left == left and f"还可以再试 {left} 次" in exc.value.message
    with pytest.raises(EntryLocked) as locked:
        g.verify("000000")
    assert "已锁定" in locked.value.message and "5 分钟" in locked.value.message
    restarted = gate(tmp_path, clock)
    with pytest.raises(EntryLocked):
        restarted.verify("246810")  # even the right PIN
    clock.t += 301
    assert restarted.verify("246810") == "T01-张工"
    assert restarted.lockout.state().failures == 0


def test_a_right_pin_resets_the_count(tmp_path: Path) -> None:
    g = gate(tmp_path, Clock())
    for _ in range(4):
        with pytest.raises(WrongPin):
            g.verify("000000")
    g.verify("246810")
    with pytest.raises(WrongPin) as exc:
        g.verify("000000")
    assert exc.value.left == 4


def test_a_clock_set_back_cannot_stretch_the_lock_forever(tmp_path: Path) -> None:
    clock = Clock()
    lock = Lockout(tmp_path / "l.json", 300, clock=clock)
    for _ in range(5):
        lock.failed()
    clock.t -= 10 * 86400  # someone set the clock back ten days
    assert 0 < lock.locked_for() <= 300


def test_a_damaged_lockout_file_keeps_the_entry_locked(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text("{broken", encoding="utf-8")
    assert Lockout(path, 300, clock=Clock()).locked_for() > 0


def test_malformed_pins_count_as_wrong(tmp_path: Path) -> None:
    g = gate(tmp_path, Clock())
    with pytest.raises(WrongPin):
        g.verify("12")


def test_no_configured_pins_means_no_entry(tmp_path: Path) -> None:
    g = TechnicianGate([], Lockout(tmp_path / "l.json", 300, clock=Clock()))
    assert not g.configured
    with pytest.raises(TechnicianError, match="未配置"):
        g.verify("246810")


def test_a_broken_hash_line_is_named_without_echoing_it() -> None:
    with pytest.raises(PinHashInvalid) as exc:
        parse_hashes(["plaintext-246810"])
    assert "246810" not in exc.value.message


def test_hash_pin_command_asks_twice_and_prints_a_toml_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert hash_pin_command("T03-王工", pin_source=read_pin_lines(io.StringIO("864200\n864200\n")), out=out, err=err,
                            n=N) == 0
    line = out.getvalue().splitlines()[-1].strip('"')
    assert PinHash.parse(line).matches("864200") and "864200" not in out.getvalue()
    assert hash_pin_command("T03", pin_source=read_pin_lines(io.StringIO("864200\n864201\n")), out=out, err=err,
                            n=N) == 2
    assert "不一致" in err.getvalue()
    assert hash_pin_command("T03", pin_source=read_pin_lines(io.StringIO("12\n12\n")), out=out, err=err) == 2


def test_kiosk_hash_pin_subcommand(capsys, monkeypatch) -> None:
    from kiosk.app import main

    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n246810\n"))
    assert main(["hash-pin", "T09", "--stdin"]) == 0
    line = capsys.readouterr().out.splitlines()[-1].strip('"')
    assert PinHash.parse(line).label == "T09"


def test_maintenance_holds_release_only_when_nobody_holds() -> None:
    calls: list[tuple[bool, str]] = []
    holds = MaintenanceHolds(lambda on, msg: calls.append((on, msg)), "默认维护")
    holds.hold("technician")
    holds.hold("platform", "平台维护")
    assert calls[-1] == (True, "平台维护")
    holds.release("technician")
    assert calls[-1] == (True, "平台维护")
    holds.release("platform")
    assert calls[-1][0] is False and not holds.active

"""Technician PINs: scrypt hashes with their own salt, constant-time checks, a lockout that survives restarts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.technician import (
    DAILY_MAX_FAILURES,
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


# ---- escalation, daily cap, audit of lockouts, a disk that cannot be written, scrypt cost ----------
def _five_wrong(g: TechnicianGate) -> None:
    for _ in range(4):
        with pytest.raises(WrongPin):
            g.verify("000000")
    with pytest.raises(EntryLocked):
        g.verify("000000")


def test_each_further_lockout_is_twice_as_long(tmp_path: Path) -> None:
    clock = Clock()
    g = gate(tmp_path, clock)
    for expected in (300, 600, 1200):
        _five_wrong(g)
        assert g.lockout.locked_for() == pytest.approx(expected)
        clock.t += expected + 1
    restarted = gate(tmp_path, clock)  # the escalation survives a restart
    _five_wrong(restarted)
    assert restarted.lockout.locked_for() > 1200


def test_a_guesser_gets_at_most_the_daily_cap_in_a_day(tmp_path: Path) -> None:
    clock = Clock()
    g = gate(tmp_path, clock)
    start, guesses = clock.t, 0
    while clock.t < start + 24 * 3600:  # try whenever the entry is open, all day long
        left = g.lockout.locked_for()
        if left > 0:
            clock.t += left + 1
            continue
        with pytest.raises((WrongPin, EntryLocked)):
            g.verify("000000")
        guesses += 1
        if guesses == DAILY_MAX_FAILURES:  # the cap: locked for the rest of the day, even the right PIN
            assert g.lockout.locked_for() > 20 * 3600
            with pytest.raises(EntryLocked) as locked:
                g.verify("246810")
            assert "24 小时" in locked.value.message
    assert guesses <= DAILY_MAX_FAILURES == 20, f"{guesses} guesses in a day"
    clock.t += 2
    assert g.verify("246810") == "T01-张工", "the next day the entry opens again"


def test_the_right_pin_starts_every_count_again(tmp_path: Path) -> None:
    clock = Clock()
    g = gate(tmp_path, clock)
    _five_wrong(g)
    clock.t += 301
    assert g.verify("246810") == "T01-张工"
    _five_wrong(g)
    assert g.lockout.locked_for() == pytest.approx(300), "no escalation left over after a right PIN"


def test_every_lockout_is_reported_for_the_audit(tmp_path: Path) -> None:
    clock = Clock()
    heard: list[tuple[int, int]] = []
    lines = [hash_pin("246810", "T01", n=N)]
    g = TechnicianGate(lines, Lockout(tmp_path / "l.json", 300, clock=clock),
                       on_lockout=lambda s: heard.append((s.lockouts, int(s.lock_s))))
    for _ in range(3):
        _five_wrong(g)
        clock.t += g.lockout.locked_for() + 1
    assert heard == [(1, 300), (2, 600), (3, 1200)]


def test_a_failing_audit_does_not_change_the_answer(tmp_path: Path) -> None:
    def broken(_state: object) -> None:
        raise OSError(28, "No space left on device")

    g = TechnicianGate([hash_pin("246810", "T01", n=N)], Lockout(tmp_path / "l.json", 300, clock=Clock()),
                       on_lockout=broken)
    _five_wrong(g)


def test_an_unwritable_lockout_file_neither_blocks_the_right_pin_nor_forgets_wrong_ones(tmp_path: Path) -> None:
    """A real failing write: the lockout file's folder is a plain file, so every save raises OSError.

    (A full disk is the same code path, tested for real in a tiny tmpfs in
    tests/integration/tech/test_storage_faults.py; a read-only folder cannot be made here as root.)
    """
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    clock = Clock()
    lines = [hash_pin("246810", "T01", n=N)]
    g = TechnicianGate(lines, Lockout(blocker / "lock.json", 300, clock=clock))
    assert g.verify("246810") == "T01"
    assert g.lockout.save_failed
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as exc:
            g.verify("000000")
        assert exc.value.left == left, "wrong PINs still count (in memory)"
    with pytest.raises(EntryLocked):
        g.verify("000000")
    clock.t += 301
    assert g.verify("246810") == "T01"


def test_one_guess_costs_at_least_100_ms_and_old_hashes_still_verify() -> None:
    import time

    from kiosk.technician import DEFAULT_N

    h = PinHash.parse(hash_pin("246810", "T01"))
    assert h.n == DEFAULT_N
    started = time.process_time()  # CPU time: other programs on the machine do not shorten or stretch it
    assert h.matches("246810")
    assert time.process_time() - started >= 0.1
    old = PinHash.parse(hash_pin("246810", "T00", n=2**14))  # made before the cost was raised
    assert old.n == 2**14 and old.matches("246810") and not old.matches("246811")

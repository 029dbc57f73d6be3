"""Technician credentials: scrypt PIN hashes, constant-time checks, a persisted lockout, maintenance holds."""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import logging
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from kiosk.atomic_file import write_text_atomically
from kiosk.errors import PlainError

log = logging.getLogger(__name__)

SCHEME = "scrypt"
# 64 MiB and about 0.2 s of CPU per try on the reference kiosk (measured: 2**14 took 0.04 s, 2**15 0.09 s):
# at least 0.1 s per guess. Older hashes keep their own cost (it is part of the hash line).
DEFAULT_N = 2**16
DEFAULT_R = 8
DEFAULT_P = 1
KEY_LEN = 32
SALT_LEN = 16
PIN_MIN, PIN_MAX = 6, 12
MAX_FAILURES = 5  # wrong PINs in a row before a lockout
DAILY_MAX_FAILURES = 20  # wrong PINs in one day before the entry stays locked for the rest of that day
MAX_LOCK_S = 24 * 3600.0  # the longest a doubled lockout gets
DAY_S = 24 * 3600.0
LOCKOUT_FILE = "technician_lockout.json"
_LABEL = re.compile(r"^[^\s:]{1,32}$")
_PIN = re.compile(rf"^\d{{{PIN_MIN},{PIN_MAX}}}$")

# What a technician reads (the UI shows these; `kiosk hash-pin` prints them).
MESSAGES = {
    "pin_form": f"PIN 应为 {PIN_MIN} 到 {PIN_MAX} 位数字",
    "label_form": "技术员标识应为 1 到 32 个字符，不含空格和冒号，例如 T01-张工",
    "pin_mismatch": "两次输入的 PIN 不一致",
    "no_pins": "本机未配置技术员 PIN（technician.pin_hashes），无法进入维护模式",
    "wrong": "PIN 不正确，还可以再试 {left} 次",
    "locked": "错误次数过多，维护入口已锁定，请 {minutes} 分钟后再试",
    "locked_hours": "错误次数过多，维护入口已锁定，请 {hours} 小时后再试",
}


class TechnicianError(PlainError):
    """A technician-facing problem with the plain Chinese message to show."""


class PinHashInvalid(TechnicianError):
    """A stored hash line is not in the scrypt format."""


class EntryLocked(TechnicianError):
    """Too many wrong PINs: the entry is locked until `until` (Unix seconds)."""

    def __init__(self, message: str, until: float) -> None:
        super().__init__(message)
        self.until = until


class WrongPin(TechnicianError):
    """The PIN matched no technician; `left` tries remain before the lockout."""

    def __init__(self, message: str, left: int) -> None:
        super().__init__(message)
        self.left = left


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class PinHash:
    """One stored technician credential: `scrypt:<label>:<n>:<r>:<p>:<salt b64>:<hash b64>`."""

    label: str
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def __repr__(self) -> str:  # the digest is a secret-equivalent: keep it out of logs
        return f"PinHash(label={self.label!r}, n={self.n})"

    @classmethod
    def parse(cls, line: str) -> PinHash:
        parts = line.strip().split(":")
        if len(parts) != 7 or parts[0] != SCHEME:
            raise PinHashInvalid("technician.pin_hashes 中有一行格式不对（应由 kiosk hash-pin 生成）")
        _s, label, n, r, p, salt, digest = parts
        try:
            value = cls(label, int(n), int(r), int(p), base64.b64decode(salt, validate=True),
                        base64.b64decode(digest, validate=True))
        except ValueError as exc:
            raise PinHashInvalid("technician.pin_hashes 中有一行无法解析（应由 kiosk hash-pin 生成）") from exc
        if value.n < 2 or value.n & (value.n - 1) or value.r < 1 or value.p < 1 or len(value.digest) < 16:
            raise PinHashInvalid("technician.pin_hashes 中有一行的 scrypt 参数无效")
        return value

    def line(self) -> str:
        return ":".join((SCHEME, self.label, str(self.n), str(self.r), str(self.p), _b64(self.salt),
                         _b64(self.digest)))

    def matches(self, pin: str) -> bool:
        """Compare in constant time (the scrypt work itself does not depend on the PIN)."""
        candidate = _scrypt(pin, self.salt, self.n, self.r, self.p, len(self.digest))
        return hmac.compare_digest(candidate, self.digest)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=max(64 * 1024 * 1024, 130 * n * r * p))


def check_pin_form(pin: str) -> None:
    if not _PIN.match(pin):
        raise TechnicianError(MESSAGES["pin_form"])


def check_label(label: str) -> None:
    if not _LABEL.match(label):
        raise TechnicianError(MESSAGES["label_form"])


def hash_pin(pin: str, label: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P,
             salt: bytes | None = None) -> str:
    """The line to put in technician.pin_hashes for this technician (a fresh random salt each time)."""
    check_pin_form(pin)
    check_label(label)
    salt = secrets.token_bytes(SALT_LEN) if salt is None else salt
    return PinHash(label, n, r, p, salt, _scrypt(pin, salt, n, r, p, KEY_LEN)).line()


def parse_hashes(lines: Iterable[str]) -> tuple[PinHash, ...]:
    """Every configured credential; PinHashInvalid names the problem without echoing the line."""
    return tuple(PinHash.parse(line) for line in lines)


def match_pin(pin: str, hashes: Sequence[PinHash]) -> str | None:
    """The label of the technician whose PIN this is, else None; every hash is always computed."""
    found: str | None = None
    for h in hashes:  # no early exit: the time taken does not reveal which entry matched
        if h.matches(pin) and found is None:
            found = h.label
    return found


# ---- lockout -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LockoutState:
    """Wrong PINs and lockouts, kept across restarts (all times Unix seconds).

    `failures` counts wrong PINs since the last lock ended; every `max_failures`-th locks the entry,
    each lockout of the same day twice as long as the one before. `day_failures` counts every wrong
    PIN since `day_start`: at the daily cap the entry stays locked until that day is over.
    """

    failures: int = 0
    locked_until: float | None = None
    lockouts: int = 0
    day_failures: int = 0
    day_start: float | None = None
    lock_s: float = 0.0  # the length of the current lock: a clock set back cannot stretch it

    def to_json(self) -> dict[str, Any]:
        return {"failures": self.failures, "locked_until": self.locked_until, "lockouts": self.lockouts,
                "day_failures": self.day_failures, "day_start": self.day_start, "lock_s": self.lock_s}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LockoutState:
        def number(key: str) -> float | None:
            value = data.get(key)
            return float(value) if value is not None else None

        return cls(int(data.get("failures", 0)), number("locked_until"), int(data.get("lockouts", 0)),
                   int(data.get("day_failures", 0)), number("day_start"), float(data.get("lock_s") or 0.0))


class Lockout:
    """Escalating lockout of the technician entry, kept in memory and saved to a JSON file.

    The file only carries the state over a restart: when it cannot be written (disk full, read-only
    folder) the state in memory still counts every wrong PIN and a right PIN still opens the entry.
    """

    def __init__(self, path: Path, lockout_s: float, *, max_failures: int = MAX_FAILURES,
                 daily_max_failures: int = DAILY_MAX_FAILURES, max_lock_s: float = MAX_LOCK_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.lockout_s = float(lockout_s)
        self.max_failures = max_failures
        self.daily_max_failures = daily_max_failures
        self.max_lock_s = float(max_lock_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._memory: LockoutState | None = None
        self.save_failed = False  # the last save did not reach the disk (diagnostics may say so)

    def _load(self) -> LockoutState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return LockoutState.from_json(data)
        except (FileNotFoundError, NotADirectoryError):  # no file (or no folder) yet: nothing counted
            return LockoutState()
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            # A damaged file must not unlock the entry: treat it as locked now.
            log.warning("technician lockout file unreadable (%s); locking the entry", type(exc).__name__)
            now = self._clock()
            return LockoutState(0, now + self.lockout_s, 1, self.max_failures, now, self.lockout_s)

    def _save(self, state: LockoutState) -> None:
        """Keep `state`; write it through to the file when the disk lets us (never raises OSError)."""
        self._memory = state
        try:
            self._write(state)
        except OSError as exc:
            self.save_failed = True
            log.error("technician lockout state not saved (%s, errno %s); kept in memory",
                      type(exc).__name__, exc.errno)
        else:
            self.save_failed = False

    def _write(self, state: LockoutState) -> None:
        write_text_atomically(self.path, json.dumps(state.to_json()))

    def state(self) -> LockoutState:
        """The current state; an expired lock or day is cleared, a lock stretched by a clock set back is capped."""
        with self._lock:
            return self._current()

    def _current(self) -> LockoutState:
        state = self._memory if self._memory is not None else self._load()
        self._memory = state
        now = self._clock()
        changed = state
        if state.locked_until is not None:
            if now >= state.locked_until:
                changed = replace(changed, locked_until=None, lock_s=0.0)
            elif state.locked_until - now > max(state.lock_s, self.lockout_s):
                changed = replace(changed, locked_until=now + max(state.lock_s, self.lockout_s))
        day_start = changed.day_start
        if day_start is not None and changed.locked_until is None:
            if now >= day_start + DAY_S:  # a day without reaching the cap: start afresh
                changed = LockoutState()
            elif now < day_start:  # the clock was set back: the day starts now
                changed = replace(changed, day_start=now)
        if changed != state:
            self._save(changed)
        return changed

    def locked_for(self) -> float:
        """Seconds left of the lock (0 when the entry is open)."""
        state = self.state()
        return max(0.0, state.locked_until - self._clock()) if state.locked_until else 0.0

    def failed(self) -> LockoutState:
        """One more wrong PIN; every max_failures-th locks the entry, longer each time, all day at the daily cap."""
        with self._lock:
            state = self._current()
            now = self._clock()
            day_start = state.day_start if state.day_start is not None else now
            failures, day_failures = state.failures + 1, state.day_failures + 1
            state = replace(state, failures=failures, day_failures=day_failures, day_start=day_start)
            if day_failures >= self.daily_max_failures:
                lock_s = max(day_start + DAY_S - now, self.lockout_s)
            elif failures >= self.max_failures:
                lock_s = min(self.lockout_s * 2 ** state.lockouts, self.max_lock_s)
            else:
                self._save(state)
                return state
            state = replace(state, failures=0, lockouts=state.lockouts + 1, locked_until=now + lock_s,
                            lock_s=lock_s)
            self._save(state)
            return state

    def succeeded(self) -> None:
        """The right PIN: the technician is here, every count starts again."""
        with self._lock:
            self._save(LockoutState())


class TechnicianGate:
    """Checks a PIN against the configured hashes under the lockout; returns the technician's label.

    `on_lockout` hears of every new lockout (the audit trail records it); it may not stop the check.
    """

    def __init__(self, hash_lines: Sequence[str], lockout: Lockout, *,
                 on_lockout: Callable[[LockoutState], None] | None = None) -> None:
        self._hashes = parse_hashes(hash_lines)
        self.lockout = lockout
        self._on_lockout = on_lockout

    @property
    def configured(self) -> bool:
        return bool(self._hashes)

    def check_open(self) -> None:
        """EntryLocked while locked."""
        left = self.lockout.locked_for()
        if left > 0:
            until = self.lockout.state().locked_until or 0.0
            raise EntryLocked(_locked_message(left), until)

    def verify(self, pin: str) -> str:
        """The technician label for a right PIN; WrongPin / EntryLocked / TechnicianError otherwise (blocks: scrypt)."""
        self.check_open()
        if not self._hashes:
            raise TechnicianError(MESSAGES["no_pins"])
        label = match_pin(pin, self._hashes) if _PIN.match(pin) else None
        if label is None:
            # Run the same work for a malformed PIN so its timing tells nothing.
            if not _PIN.match(pin):
                match_pin("0" * PIN_MIN, self._hashes)
            state = self.lockout.failed()
            log.warning("technician PIN wrong (%d of %d; %d today)", state.failures, self.lockout.max_failures,
                        state.day_failures)
            if state.locked_until is not None:
                log.warning("technician entry locked for %d s (lockout %d today)", int(state.lock_s),
                            state.lockouts)
                self._report_lockout(state)
                self.check_open()
            left = min(self.lockout.max_failures - state.failures,
                       self.lockout.daily_max_failures - state.day_failures)
            raise WrongPin(MESSAGES["wrong"].format(left=left), left)
        self.lockout.succeeded()
        log.info("technician %s entered the PIN", label)
        return label

    def _report_lockout(self, state: LockoutState) -> None:
        if self._on_lockout is None:
            return
        try:
            self._on_lockout(state)
        except Exception as exc:  # the audit failing (full disk) must not change what the PIN check says
            log.error("technician lockout not recorded: %s", type(exc).__name__)


def _locked_message(left_s: float) -> str:
    minutes = max(1, -(-int(left_s) // 60))
    if minutes >= 120:
        return MESSAGES["locked_hours"].format(hours=-(-minutes // 60))
    return MESSAGES["locked"].format(minutes=minutes)


# ---- maintenance holds ---------------------------------------------------------------------------
class MaintenanceHolds:
    """Who holds the devices in maintenance (a technician on site, the platform's message); devices follow."""

    def __init__(self, set_maintenance: Callable[[bool, str], None], default_message: str) -> None:
        self._set = set_maintenance
        self._default = default_message
        self._holds: dict[str, str] = {}
        self._lock = threading.Lock()

    def hold(self, who: str, message: str | None = None) -> None:
        with self._lock:
            self._holds[who] = message or self._default
            self._apply()

    def release(self, who: str) -> None:
        with self._lock:
            self._holds.pop(who, None)
            self._apply()

    @property
    def active(self) -> bool:
        return bool(self._holds)

    @property
    def message(self) -> str | None:
        # The platform's words win: they tell residents where to go meanwhile.
        return self._holds.get("platform") or next(iter(self._holds.values()), None)

    def _apply(self) -> None:
        message = self.message
        self._set(message is not None, message or self._default)


# ---- `kiosk hash-pin` ----------------------------------------------------------------------------
def hash_pin_command(label: str, *, pin_source: Callable[[str], str] | None = None,
                     out: IO[str] | None = None, err: IO[str] | None = None, n: int = DEFAULT_N) -> int:
    """Ask for a PIN twice (never echoed, never an argument) and print the TOML line for pin_hashes."""
    pin_source = pin_source or getpass.getpass
    out, err = out or sys.stdout, err or sys.stderr
    try:
        check_label(label)
        first = pin_source("技术员 PIN：")
        check_pin_form(first)
        if pin_source("再输入一次：") != first:
            raise TechnicianError(MESSAGES["pin_mismatch"])
        line = hash_pin(first, label, n=n)
    except TechnicianError as exc:
        print(exc.message, file=err)
        return 2
    print(f"# 加入站点配置的 [technician] pin_hashes 列表：\n{json.dumps(line, ensure_ascii=False)}", file=out)
    return 0


def read_pin_lines(stream: IO[str]) -> Callable[[str], str]:
    """A pin_source that reads lines from a stream (for `--stdin`: scripted provisioning, tests)."""

    def source(_prompt: str) -> str:
        return stream.readline().rstrip("\r\n")

    return source


def summary(hash_lines: Sequence[str]) -> dict[str, Any]:
    """What diagnostics may show about the configured credentials: labels only."""
    try:
        return {"technicians": [h.label for h in parse_hashes(hash_lines)]}
    except PinHashInvalid as exc:
        return {"technicians": [], "error": exc.message}

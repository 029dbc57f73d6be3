"""A command run on a pseudo-terminal as its controlling terminal, driven like a technician at the keyboard.

What the program prompts and what the terminal echoes both arrive on the master side, so a test can
check that a secret typed at a getpass prompt never came back (echo off), as on a real console.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def _take_terminal() -> None:
    """In the child after setsid: make its stdin (the pty's slave) the controlling terminal (for /dev/tty)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`argv` on a fresh pty; `expect` reads until a text appears, `type` sends one line as typed."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> None:
        master, slave = pty.openpty()
        self._master = master
        self.proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True, preexec_fn=_take_terminal, close_fds=True)
        os.close(slave)
        self.transcript = ""  # everything the terminal showed so far
        self._seen = 0  # how much of the transcript `expect` has consumed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self._master, 4096)
        except OSError:  # EIO: the child closed its end
            return False
        if not data:
            return False
        self.transcript += data.decode("utf-8", errors="replace")
        return True

    def expect(self, text: str, timeout: float = 30.0) -> str:
        """Wait for `text` after what was already expected; returns the output up to and including it."""
        deadline = time.monotonic() + timeout
        while text not in self.transcript[self._seen:]:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.2)) and text not in self.transcript[self._seen:]:
                raise AssertionError(f"{text!r} did not appear; the terminal showed:\n{self.transcript}")
        end = self.transcript.index(text, self._seen) + len(text)
        shown, self._seen = self.transcript[self._seen:end], end
        return shown

    def type(self, line: str) -> None:
        os.write(self._master, (line + "\n").encode("utf-8"))

    def wait(self, timeout: float = 60.0) -> int:
        """The exit code, after reading what the program printed until it closed the terminal."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            if self.proc.poll() is not None and not select.select([self._master], [], [], 0)[0]:
                break
        code = self.proc.wait(max(0.1, deadline - time.monotonic()))
        os.close(self._master)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        try:
            os.close(self._master)
        except OSError:
            pass

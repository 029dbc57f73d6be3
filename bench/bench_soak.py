"""Soak: memory kept per resident session, over N full sessions through the real UI (offscreen).

Builds the kiosk as the app does (kiosk.app.build_core with its workers, the demo's own sandbox platform
child process on 127.0.0.1, simulated devices, ui.app.KioskUi) and drives N sessions by objectName:
ID card on the simulated reader → 我要找工作 → 固定工岗位信息查询 (results shown) → 返回 → 首页 → 我要办社保 →
退出登录 → card taken away. Waiting is on events (worker results are queued Qt signals), not on sleeps.

Prints the resident set size after the warm-up and at the end, the growth per session, malloc's bytes
in use (kept memory, as opposed to freed memory the allocator holds on to) and SQLite's share, the
Python object types whose live count grew most (gc), and the allocation sites that grew most
(tracemalloc, started after the warm-up; its own bookkeeping is subtracted from the RSS figures).
The baseline is the budget: ≤ 2 MiB of growth after the warm-up over 500 sessions (ratio = measured /
budget). The session script is tests/helpers/soak.py, shared with tests/ui/test_soak.py.

Usage: .venv/bin/python bench/bench_soak.py [--sessions 60] [--warmup 10] [--no-trace]
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.ports import free_port  # noqa: E402
from tests.helpers.qt_env import configure_offscreen  # noqa: E402

BUDGET_MIB_PER_500 = 2.0


def rss_mib() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    import resource

    return pages * resource.getpagesize() / 2**20


class MallInfo2(ctypes.Structure):
    """glibc's struct mallinfo2."""

    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def malloc_in_use_mib() -> float | None:
    """Bytes glibc's malloc has handed out and not had back (mallinfo2), or None off glibc."""
    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


def sqlite_in_use_mib() -> float | None:
    """Memory SQLite holds (page caches, statements) in the library Python's sqlite3 module uses."""
    import _sqlite3

    try:
        lib = ctypes.CDLL(_sqlite3.__file__)  # resolves sqlite3_* through the library it links to
        used = lib.sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    used.restype = ctypes.c_int64
    return used() / 2**20


def quiet_offscreen_warnings() -> None:
    """Drop the offscreen platform's one harmless warning, printed for every top-level widget shown."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: object, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=60, help="sessions measured after the warm-up")
    parser.add_argument("--warmup", type=int, default=10, help="sessions before the first measurement")
    parser.add_argument("--top", type=int, default=12, help="rows of each growth table")
    parser.add_argument("--no-trace", action="store_true", help="no tracemalloc (pure RSS figures)")
    args = parser.parse_args(argv)
    configure_offscreen()
    quiet_offscreen_warnings()

    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_core
    from kiosk.demo_residents import load_demo_residents
    from kiosk.settings import load_settings
    from tests.helpers.soak import SessionDriver, live_counts_by_type, live_qt_wrappers
    from ui.app import KioskUi, prepare_environment

    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        folder = Path(tmp)
        site = folder / "site.toml"
        site.write_text(f'[kiosk]\ndata_dir = "{folder / "data"}"\n[platform]\nurl = "http://127.0.0.1:{free_port()}"\n'
                        "start_sandbox = true\n", encoding="utf-8")
        settings = load_settings(site, env={})
        t0 = time.monotonic()
        core = build_core(settings, console_log=False)  # workers on, the demo sandbox as a child process
        try:
            report = core.sync.run_once()  # type: ignore[union-attr]
            assert report.feeds, "the demo feeds were pulled"
            prepare_environment(settings.data_dir)
            _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept alive until the end
            ui = KioskUi(core, kiosk_mode=False)
            ui.window.setGeometry(0, 0, 1920, 1080)
            ui.window.show()
            world = argparse.Namespace(ui=ui, core=core, residents=load_demo_residents())
            d = SessionDriver(world)
            print(f"kiosk up in {time.monotonic() - t0:.1f} s, RSS {rss_mib():.1f} MiB")

            t1 = time.monotonic()
            for i in range(args.warmup):
                d.session(i)
            # RSS first at both points: counting objects needs memory of its own.
            rss_warm = rss_mib()
            before_types = live_counts_by_type()
            before_qt = live_qt_wrappers()
            if not args.no_trace:
                tracemalloc.start(8)
            heap_warm, lite_warm = malloc_in_use_mib(), sqlite_in_use_mib()
            snap_warm = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
            print(f"warm-up: {args.warmup} sessions in {time.monotonic() - t1:.1f} s, RSS {rss_warm:.1f} MiB")

            t2 = time.monotonic()
            for i in range(args.warmup, args.warmup + args.sessions):
                d.session(i)
                if (i - args.warmup + 1) % 50 == 0:
                    heap, lite = malloc_in_use_mib(), sqlite_in_use_mib()
                    print(f"  … {i - args.warmup + 1} sessions, RSS {rss_mib():.1f} MiB"
                          + (f", malloc'd in use {heap:.1f} MiB" if heap is not None else "")
                          + (f", SQLite {lite:.1f} MiB" if lite is not None else ""), flush=True)
            elapsed = time.monotonic() - t2
            trace_mem = tracemalloc.get_tracemalloc_memory() if tracemalloc.is_tracing() else 0
            rss_end = rss_mib() - trace_mem / 2**20  # before counting: that grows the heap by itself
            after_types = live_counts_by_type()
            after_qt = live_qt_wrappers()
            snap_end = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
            trace_mem = tracemalloc.get_tracemalloc_memory() if tracemalloc.is_tracing() else 0
            rss_counted = rss_mib() - trace_mem / 2**20
            heap_end, lite_end = malloc_in_use_mib(), sqlite_in_use_mib()
            growth = rss_end - rss_warm
            per = growth / args.sessions * 1024
            budget = BUDGET_MIB_PER_500 / 500 * 1024
            print(f"measured: {args.sessions} sessions in {elapsed:.1f} s ({elapsed / args.sessions:.2f} s each)")
            print(f"RSS after warm-up {rss_warm:.1f} MiB, at end {rss_end:.1f} MiB, growth {growth:+.2f} MiB "
                  f"= {per:+.1f} KiB/session; budget {budget:.1f} KiB/session → ratio {per / budget:.2f}x"
                  + ("" if args.no_trace else " (tracemalloc's own memory subtracted)"))
            print(f"RSS once the objects are counted again: {rss_counted:.1f} MiB (counting needs memory of its own)")
            if heap_warm is not None and heap_end is not None:
                print(f"malloc'd and in use (C and Python heap, not freed memory the allocator keeps): "
                      f"{heap_warm:.1f} → {heap_end:.1f} MiB, {(heap_end - heap_warm) / args.sessions * 1024:+.1f} "
                      f"KiB/session" + ("" if args.no_trace else " (tracemalloc's traces included)"))
            if lite_warm is not None and lite_end is not None:
                print(f"of which SQLite's page caches and statements: {lite_warm:.1f} → {lite_end:.1f} MiB")
            print(f"Python wrappers of QObjects: {before_qt[0]} → {after_qt[0]}; "
                  f"of them with the C++ object deleted: {before_qt[1]} → {after_qt[1]}")
            grown = [(t, after_types[t] - before_types.get(t, 0)) for t in after_types]
            grown = sorted((g for g in grown if g[1] > 0), key=lambda g: -g[1])[: args.top]
            print(f"Python objects by type, growth over {args.sessions} sessions (gc):")
            for name, n in grown or [("(none)", 0)]:
                print(f"  {n:+8d}  {n / args.sessions:+7.2f}/session  {name}")
            if snap_warm is not None and snap_end is not None:
                skip = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen *>"),
                        tracemalloc.Filter(False, "*/tests/helpers/soak.py")]  # the counting itself
                stats = snap_end.filter_traces(skip).compare_to(snap_warm.filter_traces(skip), "lineno")
                print("allocation sites, growth (tracemalloc):")
                for st in [s for s in stats if s.size_diff > 0][: args.top]:
                    frame = st.traceback[0]
                    print(f"  {st.size_diff / 1024:+9.1f} KiB {st.count_diff:+7d} blocks  {frame.filename}:{frame.lineno}")
            ui.close()
        finally:
            core.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

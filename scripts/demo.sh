#!/usr/bin/env bash
# Run the kiosk in demo mode: simulated devices + the local sandbox platform on 127.0.0.1.
# With a display: fullscreen kiosk (a presenter panel drives the simulated cards and printer).
# Without one: the same app under Xvfb walks a scripted tour and writes screenshots to a folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
OUT=${KIOSK_TOUR_DIR:-$PWD/screenshots}

if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1 && [ -z "${KIOSK_FORCE_TOUR:-}" ]; then
  exec .venv/bin/kiosk --demo "$@"
fi

echo "demo: no display; running the scripted tour under Xvfb"
rm -rf "$OUT"; mkdir -p "$OUT"
for geometry in 1920x1080 1080x1920; do
  for n in $(seq 90 120); do [ -e /tmp/.X$n-lock ] || break; done
  Xvfb :$n -screen 0 ${geometry}x24 -nolisten tcp >/dev/null 2>&1 &
  xpid=$!
  for _ in $(seq 50); do DISPLAY=:$n xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  set +e
  DISPLAY=:$n QT_QPA_PLATFORM=xcb .venv/bin/kiosk --demo tour --out "$OUT" "$@"
  rc=$?
  set -e
  kill $xpid 2>/dev/null; wait $xpid 2>/dev/null || true
  [ $rc -eq 0 ] || { echo "demo: tour failed at $geometry (exit $rc)" >&2; exit $rc; }
done
echo "demo: screenshots written to $OUT"
ls -1 "$OUT"

#!/usr/bin/env bash
# Build what a county technician installs: the frozen one-folder bundle dist/kiosk/ (kiosk.spec,
# PyInstaller; executable dist/kiosk/kiosk, the same CLI as .venv/bin/kiosk) and the Debian package
# dist/village-kiosk_<version>_amd64.deb (dpkg-deb; nothing is fetched when it is installed).
#
# Usage: bash scripts/package.sh [STEP...]      steps: bundle deb (default: all, in that order)
# Each step is a function build_<step> reading and writing dist/; a later step (e.g. a signed APT
# repository from the .deb) is one more function appended to STEPS. Set KIOSK_PACKAGE_NO_BOOTSTRAP=1 to
# skip scripts/bootstrap.sh when the virtualenv is known to be ready (the test suite does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STEPS=(bundle deb)
DIST=$ROOT/dist
BUILD=$ROOT/build/package

if [ -z "${KIOSK_PACKAGE_NO_BOOTSTRAP:-}" ]; then
  bash scripts/bootstrap.sh
fi
export PYTHONPATH=$ROOT PYTHONDONTWRITEBYTECODE=1
PY=$ROOT/.venv/bin/python
VERSION=$("$PY" -c 'from kiosk import __version__; print(__version__)')
DEB=$DIST/village-kiosk_${VERSION}_amd64.deb

log() { echo "package: $*"; }

build_bundle() {
  local t0=$SECONDS
  "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" kiosk.spec
  test -x "$DIST/kiosk/kiosk"
  local got
  got=$("$DIST/kiosk/kiosk" --version)
  [ "$got" = "$VERSION" ] || { echo "package: the bundle says version $got, expected $VERSION" >&2; exit 1; }
  log "bundle dist/kiosk ($(du -sh "$DIST/kiosk" | cut -f1)) in $((SECONDS - t0)) s"
}

build_deb() {
  local t0=$SECONDS
  [ -x "$DIST/kiosk/kiosk" ] || { echo "package: dist/kiosk is missing: run the bundle step first" >&2; exit 1; }
  local stage=$BUILD/deb
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/lib/udev/rules.d" \
           "$stage/usr/share/doc/village-kiosk" "$stage/usr/share/polkit-1/rules.d"
  cp -a "$DIST/kiosk" "$stage/opt/village-kiosk"
  cp README.md "$stage/opt/village-kiosk/README.md"
  ln -s /opt/village-kiosk/kiosk "$stage/usr/bin/kiosk"
  install -m 0644 packaging/systemd/village-kiosk.service "$stage/lib/systemd/system/"
  python3 packaging/udev_rules.py packaging/usb-devices.toml > "$stage/lib/udev/rules.d/70-village-kiosk.rules"
  install -m 0644 packaging/polkit/50-village-kiosk-pcscd.rules "$stage/usr/share/polkit-1/rules.d/"
  install -m 0644 packaging/usb-devices.toml "$stage/usr/share/doc/village-kiosk/"
  install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
  local size
  size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$size/" packaging/debian/control.in > "$stage/DEBIAN/control"
  # Owned by root whoever builds it; files readable by all (the kiosk user runs them), nothing writable.
  chmod -R u+rwX,go+rX,go-w "$stage"
  rm -f "$DEB"
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$DEB" >/dev/null
  log "deb dist/$(basename "$DEB") ($(du -sh "$DEB" | cut -f1)) in $((SECONDS - t0)) s"
}

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${STEPS[@]}")
for step in "${wanted[@]}"; do
  case " ${STEPS[*]} " in *" $step "*) ;; *) echo "package: unknown step $step (steps: ${STEPS[*]})" >&2; exit 2 ;; esac
  "build_$step"
done

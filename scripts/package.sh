#!/usr/bin/env bash
# Build what a county technician installs: the frozen one-folder bundle dist/kiosk/ (kiosk.spec,
# PyInstaller; executable dist/kiosk/kiosk, the same CLI as .venv/bin/kiosk) and the Debian package
# dist/village-kiosk_<version>_amd64.deb (dpkg-deb; nothing is fetched when it is installed).
#
# and the signed APT repository dist/apt/ the kiosks update from (apt-ftparchive + gpg).
#
# Usage: bash scripts/package.sh [STEP...]      steps: bundle deb apt (default: all, in that order)
# Each step is a function build_<step> reading and writing dist/. Set KIOSK_PACKAGE_NO_BOOTSTRAP=1 to
# skip scripts/bootstrap.sh when the virtualenv is known to be ready (the test suite does).
#
# Environment:
#   KIOSK_PACKAGE_VERSION   the Debian version of the .deb (default: kiosk/__init__.py's). The deb step
#                           stamps it into the staged bundle (_internal/kiosk/RELEASE), so a new release
#                           needs no new bundle: `KIOSK_PACKAGE_VERSION=0.1.0+1 bash scripts/package.sh deb apt`.
#   KIOSK_APT_GNUPGHOME     the GnuPG home holding the repository's secret signing key (step apt; required:
#                           without it the script stops at once and says how to make a throwaway key)
#   KIOSK_APT_KEY_ID        which key in it signs (fingerprint or id; required)
#   KIOSK_APT_DIR           the repository folder (default dist/apt). The .debs already in its pool/ are
#                           kept and indexed again, so kiosks can roll back to an earlier release.
#   KIOSK_PACKAGE_DEB_LEVEL gzip level of the .deb (default 6; tests use 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STEPS=(bundle deb apt)
DIST=$ROOT/dist
BUILD=$ROOT/build/package

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${STEPS[@]}")
for step in "${wanted[@]}"; do
  case " ${STEPS[*]} " in *" $step "*) ;; *) echo "package: unknown step $step (steps: ${STEPS[*]})" >&2; exit 2 ;; esac
done
# The repository is signed with a key only its owner has: said before minutes are spent on the bundle.
if [[ " ${wanted[*]} " == *" apt "* ]]; then
  if [ -z "${KIOSK_APT_GNUPGHOME:-}" ] || [ -z "${KIOSK_APT_KEY_ID:-}" ]; then
    cat >&2 <<'EOF_USAGE'
package: the apt step signs the APT repository (dist/apt) and needs the signing key:
  KIOSK_APT_GNUPGHOME=<GnuPG home holding the secret key> KIOSK_APT_KEY_ID=<its fingerprint> bash scripts/package.sh
A throwaway key for trying it out:
  export KIOSK_APT_GNUPGHOME=$(mktemp -d)
  gpg --homedir "$KIOSK_APT_GNUPGHOME" --batch --passphrase '' --quick-gen-key 'Test archive <test@localhost>' ed25519 sign never
  export KIOSK_APT_KEY_ID=$(gpg --homedir "$KIOSK_APT_GNUPGHOME" --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')
Or build only the bundle and the .deb: bash scripts/package.sh bundle deb
EOF_USAGE
    exit 2
  fi
  if ! gpg --homedir "$KIOSK_APT_GNUPGHOME" --batch --list-secret-keys "$KIOSK_APT_KEY_ID" >/dev/null 2>&1; then
    echo "package: no secret key $KIOSK_APT_KEY_ID in KIOSK_APT_GNUPGHOME=$KIOSK_APT_GNUPGHOME" >&2
    exit 2
  fi
fi

if [ -z "${KIOSK_PACKAGE_NO_BOOTSTRAP:-}" ]; then
  bash scripts/bootstrap.sh
fi
export PYTHONPATH=$ROOT PYTHONDONTWRITEBYTECODE=1
PY=$ROOT/.venv/bin/python
SOURCE_VERSION=$("$PY" -c 'from kiosk import SOURCE_VERSION; print(SOURCE_VERSION)')
VERSION=${KIOSK_PACKAGE_VERSION:-$SOURCE_VERSION}
APT_DIR=${KIOSK_APT_DIR:-$DIST/apt}
DEB=$DIST/village-kiosk_${VERSION}_amd64.deb

log() { echo "package: $*"; }

build_bundle() {
  local t0=$SECONDS
  "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" kiosk.spec
  test -x "$DIST/kiosk/kiosk"
  local got
  got=$("$DIST/kiosk/kiosk" --version)
  [ "$got" = "$SOURCE_VERSION" ] || { echo "package: the bundle says version $got, expected $SOURCE_VERSION" >&2; exit 1; }
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
  rm -f "$stage/opt/village-kiosk/_internal/kiosk/RELEASE"
  if [ "$VERSION" != "$SOURCE_VERSION" ]; then
    mkdir -p "$stage/opt/village-kiosk/_internal/kiosk"
    printf '%s\n' "$VERSION" > "$stage/opt/village-kiosk/_internal/kiosk/RELEASE"
  fi
  local got
  got=$("$stage/opt/village-kiosk/kiosk" --version)
  [ "$got" = "$VERSION" ] || { echo "package: the staged bundle says version $got, expected $VERSION" >&2; exit 1; }
  cp README.md "$stage/opt/village-kiosk/README.md"
  ln -s /opt/village-kiosk/kiosk "$stage/usr/bin/kiosk"
  install -m 0644 packaging/systemd/village-kiosk.service packaging/systemd/kiosk-update.service \
    packaging/systemd/kiosk-update.timer packaging/systemd/kiosk-update.path "$stage/lib/systemd/system/"
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
  dpkg-deb --root-owner-group -Zgzip "-z${KIOSK_PACKAGE_DEB_LEVEL:-6}" --build "$stage" "$DEB" >/dev/null
  log "deb dist/$(basename "$DEB") ($(du -sh "$DEB" | cut -f1)) in $((SECONDS - t0)) s"
}

build_apt() {
  local t0=$SECONDS
  [ -f "$DEB" ] || { echo "package: dist/$(basename "$DEB") is missing: run the deb step first" >&2; exit 1; }
  : "${KIOSK_APT_GNUPGHOME:?package: set KIOSK_APT_GNUPGHOME to the GnuPG home with the repository signing key}"
  : "${KIOSK_APT_KEY_ID:?package: set KIOSK_APT_KEY_ID to the signing key (fingerprint)}"
  local pool=$APT_DIR/pool/main/v/village-kiosk dists=$APT_DIR/dists/stable
  mkdir -p "$pool" "$dists/main/binary-amd64" "$BUILD"
  rm -f "$dists/Release" "$dists/InRelease" "$dists/Release.gpg"
  # Earlier releases stay in the pool (rollback reinstalls them); this one is added or replaced.
  install -m 0644 "$DEB" "$pool/"
  (cd "$APT_DIR" && apt-ftparchive --arch amd64 packages pool/main > dists/stable/main/binary-amd64/Packages)
  gzip -9nc "$dists/main/binary-amd64/Packages" > "$dists/main/binary-amd64/Packages.gz"
  apt-ftparchive -o APT::FTPArchive::Release::Origin=village-kiosk -o APT::FTPArchive::Release::Label=village-kiosk \
    -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
    -o APT::FTPArchive::Release::Architectures=amd64 -o APT::FTPArchive::Release::Components=main \
    release "$dists" > "$BUILD/Release"
  mv "$BUILD/Release" "$dists/Release"
  local gpg=(gpg --homedir "$KIOSK_APT_GNUPGHOME" --batch --yes --pinentry-mode loopback --local-user "$KIOSK_APT_KEY_ID")
  "${gpg[@]}" --clearsign -o "$dists/InRelease" "$dists/Release"
  "${gpg[@]}" --armor --detach-sign -o "$dists/Release.gpg" "$dists/Release"
  # The public key kiosks trust (provisioning installs it as /etc/apt/keyrings/village-kiosk-archive-keyring.gpg).
  gpg --homedir "$KIOSK_APT_GNUPGHOME" --batch --yes --export "$KIOSK_APT_KEY_ID" > "$APT_DIR/apt-archive-keyring.gpg"
  log "apt $APT_DIR: $(find "$APT_DIR/pool" -name '*.deb' | wc -l) release(s), signed by $KIOSK_APT_KEY_ID in $((SECONDS - t0)) s"
}

for step in "${wanted[@]}"; do
  "build_$step"
done

#!/usr/bin/env bash
# Install the Debian packages the kiosk, its demo and its tests need — only those missing.
set -euo pipefail

PACKAGES=(
  # Python build and venv (pyscard builds from source)
  python3 python3-venv python3-dev gcc
  # smart cards: PC/SC daemon, the vpcd virtual reader driver, headers for pyscard
  pcscd vsmartcard-vpcd libpcsclite-dev libpcsclite1
  # screens: virtual X server, window tools, screenshots
  xvfb xdotool imagemagick x11-utils
  # CJK fonts (without them Chinese renders as boxes)
  fonts-noto-cjk fonts-wqy-microhei
  # Qt 6 (PySide6 6.11) runtime libraries, xcb platform and the virtual keyboard
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libglib2.0-0
  libdbus-1-3 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-util1 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0
  libxcb-render0 libxcb-shape0 libxcb-xkb1 libpulse0
  # voice guidance: espeak-ng's Mandarin voice (kiosk/speech) and aplay for the default sound device
  espeak-ng alsa-utils
  # reading QR codes back in tests; serial bridging
  zbar-tools socat
  # isolated pcscd uses unshare/mount from util-linux
  util-linux mount
  # time zone data: zoneinfo reads /usr/share/zoneinfo for service_point.timezone (Asia/Shanghai)
  tzdata
  # packaging (scripts/package.sh: PyInstaller reads libraries with objdump; dpkg-deb builds the .deb) and
  # the deploy tests (tests/deploy: a Debian 12 root made by debootstrap, used through chroot)
  binutils dpkg debootstrap
  # the signed APT repository (scripts/package.sh step apt: apt-ftparchive, gpg) and its tests
  apt-utils gnupg
  # the gateway's production store: the tests start a private cluster (initdb, pg_ctl) and run on it
  postgresql
  # the fleet console's browser test: headless chromium driven by selenium through chromium-driver
  chromium chromium-driver
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: missing ${missing[*]} and not root (no sudo). Run as root." >&2; exit 1
  fi
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600 -q -y)
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  "${APT[@]}" update
fi
"${APT[@]}" install --no-install-recommends "${missing[@]}" </dev/null
# pcscd may be started by the package's socket unit; our tests never use the system one.

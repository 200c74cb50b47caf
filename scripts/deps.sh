#!/usr/bin/env bash
# Install the system packages Madoguchi needs, only when missing.
#   scripts/deps.sh build   — to build and run the app (make run)
#   scripts/deps.sh test    — to build and run the whole test suite (make test)
# Debian/Ubuntu: installs with apt-get (non-interactive, idempotent).
# Elsewhere: prints what to install and exits non-zero.
set -euo pipefail
profile=${1:-build}

build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev libwayland-dev wayland-protocols libpcsclite-dev)
test_pkgs=("${build_pkgs[@]}" pcscd vsmartcard-vpcd opensc pcsc-tools xvfb xauth imagemagick gnome-keyring dbus dbus-x11 libsecret-tools)
case "$profile" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: install Go 1.26 or newer from your distribution or the Go website, then retry." >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'MSG'
This is not a Debian/Ubuntu system; install these by hand, then retry:
  Fedora:  sudo dnf install gcc pkgconf-pkg-config mesa-libGL-devel libXcursor-devel libXrandr-devel \
             libXinerama-devel libXi-devel libXxf86vm-devel libxkbcommon-devel wayland-devel \
             pcsc-lite-devel pcsc-lite opensc xorg-x11-server-Xvfb ImageMagick gnome-keyring
           (vsmartcard-vpcd: build from the vsmartcard project, needed only for the test suite)
  macOS:   Xcode command-line tools (xcode-select --install); PC/SC is built in (CryptoTokenKit).
           The pcscd/vpcd integration tests run on Linux only.
  Windows: a MinGW-w64 gcc (e.g. MSYS2: pacman -S mingw-w64-x86_64-gcc); winscard.dll is built in.
MSG
  exit 1
fi

# The SD-JWT interop test runs OpenWallet Foundation's sd-jwt-js (npm) when
# node is present; installed once, from the committed lockfile.
interop() {
  [ "$profile" = test ] || return 0
  local dir; dir="$(dirname "$0")/../protocol/sdjwt/interop"
  if command -v npm >/dev/null 2>&1 && [ ! -d "$dir/node_modules/@sd-jwt/core" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      echo "sd-jwt-js could not be installed (npm): the live interop test will be skipped; the committed vector still runs" >&2
  fi
  return 0
}
trap interop EXIT

missing=()
for p in "${want[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Run as root or install sudo, or install by hand: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

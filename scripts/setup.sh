#!/usr/bin/env bash
# Installs everything the kiosk needs to build, run and be tested on Debian 12
# (with Rust and Node already there): apt packages, the UI's npm packages,
# tauri-driver, and a Python venv with the OpenAPI validator, schemathesis and
# moto's S3-API server (for the server's object-store tests).
# Idempotent: what is already there is not installed again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

APT_PACKAGES=(
  # Tauri / WebKitGTK
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libssl-dev pkg-config build-essential
  # The real app under a virtual display, driven through WebDriver
  xvfb xauth webkit2gtk-driver
  # Screenshots of the X framebuffer
  imagemagick
  chromium # headless, for the UI's accessibility and size audit (ui/tests/audit.mjs)
  chromium-driver # chromedriver, for the helper console's browser test (crates/server/tests/console_browser.rs)
  # Python venv for the OpenAPI validator
  python3-venv
  # The voice behind "Nghe"
  espeak-ng
  # The kiosk compositor the systemd unit runs (checked by systemd-analyze verify)
  cage
  # Scanners: scanimage, and SANE's test driver that motcua-capture's tests scan with
  sane-utils libsane1
  # pdfinfo, with which motcua-receipt's tests check its PDFs
  poppler-utils
  # The server's tests run a second time against a throwaway PostgreSQL
  # cluster (scripts/postgres.sh); runuser (util-linux) runs it as postgres
  postgresql
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is missing: install Node.js 20+ first" >&2; exit 1; }
rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! command -v tauri-driver >/dev/null; then
  echo "== cargo: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

echo "== npm: ui dependencies"
(cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)

VENV="$TARGET/pyenv"
if [ ! -x "$VENV/bin/openapi-spec-validator" ] || [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "== pip: openapi-spec-validator, schemathesis"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q openapi-spec-validator 'schemathesis>=4.32,<5'
fi
if [ ! -x "$VENV/bin/moto_server" ]; then
  echo "== pip: moto[server] (an S3-API server for crates/server/tests/s3.rs)"
  "$VENV/bin/pip" install -q 'moto[server]>=5,<6'
fi

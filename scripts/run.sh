#!/usr/bin/env bash
# Builds and runs the kiosk (release build, embedded backend, sample catalog).
# Arguments go to the kiosk: --backend URL, --data DIR, --kiosk-id ID.
# Without a display, it starts Xvfb :99 at 1920x1080 (look with
# `DISPLAY=:99 import -window root shot.png`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

"$ROOT/scripts/setup.sh"
(cd "$ROOT/ui" && npm run --silent build)
cargo build --release --manifest-path "$ROOT/Cargo.toml" -p motcua-kiosk --features custom-protocol -p motcua-cli

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "== no display: starting Xvfb :99 (1920x1080)"
  Xvfb :99 -screen 0 1920x1080x24 -nolisten tcp &
  XVFB=$!
  trap 'kill $XVFB 2>/dev/null || true' EXIT
  export DISPLAY=:99
  for _ in $(seq 100); do [ -S /tmp/.X11-unix/X99 ] && break; sleep 0.1; done
fi
"$CARGO_TARGET_DIR/release/motcua-kiosk" "$@"

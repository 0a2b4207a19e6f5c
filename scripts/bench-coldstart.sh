#!/usr/bin/env bash
# The cold-start benchmark of issue 8: starts the kiosk (release build, embedded backend,
# fresh data directory) under Xvfb and times it to its first interactive screen, and sums the
# memory of all its processes; does the same, in the same run, for Chromium in --kiosk mode
# showing the same built UI (mock IPC). Prints medians and ratios; the table is also written to
# artifacts/bench-coldstart.md.
#
#   scripts/bench-coldstart.sh [--runs N] [--profile release|debug]
#
# Not part of scripts/test.sh: its numbers depend on the machine. As root it empties the page
# cache before every start (a truly cold start); otherwise it says so.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

RUNS=5
PROFILE=release
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --profile) PROFILE="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--profile release|debug]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
(cd ui && npm run --silent build)
if [ "$PROFILE" = release ]; then
  cargo build --locked --release -p motcua-kiosk --features custom-protocol
else
  cargo build --locked -p motcua-kiosk
fi
KIOSK="$CARGO_TARGET_DIR/$PROFILE/motcua-kiosk"

# A display of our own, so that nothing else draws while we measure.
DISPLAY_NUM=97
while [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ]; do DISPLAY_NUM=$((DISPLAY_NUM + 1)); done
Xvfb ":$DISPLAY_NUM" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -S "/tmp/.X11-unix/X$DISPLAY_NUM" ] && break; sleep 0.1; done
export DISPLAY=":$DISPLAY_NUM"

python3 scripts/bench-coldstart.py --kiosk "$KIOSK" --dist ui/dist --runs "$RUNS" \
  --out artifacts/bench-coldstart.md --logs "$CARGO_TARGET_DIR/coldstart-logs"

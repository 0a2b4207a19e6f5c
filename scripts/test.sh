#!/usr/bin/env bash
# Runs every test: formatting and lints, the UI's checks and unit tests, every
# crate's tests (server against real SQLite, Tauri mock runtime, bindings
# freshness), the standalone server's OpenAPI document through a validator
# and schemathesis, a small load run with a SIGKILL, the outbox's chaos run,
# and the real app end to end under Xvfb. Installs what it needs first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
START=$(date +%s)
stage() { echo; echo "== $* ($(( $(date +%s) - START ))s)"; }

stage "setup"
scripts/setup.sh

stage "rustfmt"
cargo fmt --all -- --check

stage "ui: svelte-check, unit tests, build"
(cd ui && npm run --silent check && npm test --silent && npm run --silent build)

stage "ui: accessibility and size audit (Chromium, axe-core)"
(cd ui && npm run --silent audit)

stage "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

stage "cargo test (all crates)"
cargo test --workspace --exclude motcua-e2e --locked

stage "deploy: the systemd unit verifies"
systemd-analyze verify --man=no deploy/motcua-kiosk.service

stage "build the kiosk and the CLI"
cargo build --locked -p motcua-kiosk -p motcua-cli

stage "motcua server: /healthz and a valid OpenAPI 3 document"
DATA=$(mktemp -d)
LOG="$DATA/server.log"
"$CARGO_TARGET_DIR/debug/motcua" server --data "$DATA" --listen 127.0.0.1:0 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
URL=""
for _ in $(seq 200); do
  URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$LOG")
  [ -n "$URL" ] && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.05
done
[ -n "$URL" ] || { echo "server did not start"; cat "$LOG"; exit 1; }
python3 - "$URL" "$DATA/openapi.json" <<'PY'
import json, sys, urllib.request
url, out = sys.argv[1], sys.argv[2]
health = json.load(urllib.request.urlopen(url + "/healthz"))
assert health["status"] == "ok" and health["procedures"] >= 10, health
doc = urllib.request.urlopen(url + "/openapi.json").read()
open(out, "wb").write(doc)
print("healthz:", health)
PY
"$CARGO_TARGET_DIR/pyenv/bin/openapi-spec-validator" "$DATA/openapi.json"
kill $SERVER; wait $SERVER 2>/dev/null || true

stage "schemathesis: the API against its own /openapi.json (no 5xx, nothing undeclared)"
scripts/schemathesis.sh "$CARGO_TARGET_DIR/debug/motcua"

stage "bench-load smoke: 20 kiosks, SIGKILL mid-load, every acknowledged dossier once"
"$CARGO_TARGET_DIR/debug/motcua" bench-load --kiosks 20 --dossiers 40 --kill-after 1 --after-restart 2 --seed 20261126

stage "chaos: dossiers through the outbox under network faults and SIGKILL (small run)"
"$CARGO_TARGET_DIR/debug/motcua" chaos --dossiers 20 --seed 20261126

stage "real app end to end (Xvfb, tauri-driver, WebKitWebDriver)"
MOTCUA_KIOSK_BIN="$CARGO_TARGET_DIR/debug/motcua-kiosk" \
  cargo test --locked -p motcua-e2e -- --test-threads=1

stage "all tests passed; screenshots in artifacts/screenshots"

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

# Sets URL once the server started in the background as $SERVER, logging to
# $LOG, says where it listens; fails with its log if it exits first.
wait_for_server() {
  URL=""
  for _ in $(seq 200); do
    URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$LOG")
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER" 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.05
  done
  echo "server did not start"; cat "$LOG"; exit 1
}

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
# The server's S3 object store is tested against moto's server (setup.sh).
export MOTCUA_TEST_MOTO_SERVER="$CARGO_TARGET_DIR/pyenv/bin/moto_server"
[ -x "$MOTCUA_TEST_MOTO_SERVER" ] || { echo "moto_server missing: run scripts/setup.sh"; exit 1; }
cargo test --workspace --exclude motcua-e2e --locked

stage "server tests again on PostgreSQL (a throwaway cluster), and motcua server --database"
PG_DIR=$(mktemp -d /tmp/motcua-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
PG_URL=$(scripts/postgres.sh start "$PG_DIR")
echo "PostgreSQL at $PG_URL"
MOTCUA_TEST_POSTGRES_URL="$PG_URL" cargo test --locked -p motcua-server
left=$(psql "$PG_URL" -tAc "SELECT count(*) FROM pg_database WHERE datname LIKE 'motcua_test_%'")
[ "$left" = "0" ] || { echo "the tests left $left databases behind"; exit 1; }

stage "deploy: the systemd unit verifies"
systemd-analyze verify --man=no deploy/motcua-kiosk.service

stage "build the kiosk and the CLI"
cargo build --locked -p motcua-kiosk -p motcua-cli

stage "motcua server: /healthz and a valid OpenAPI 3 document"
DATA=$(mktemp -d)
LOG="$DATA/server.log"
"$CARGO_TARGET_DIR/debug/motcua" server --data "$DATA" --listen 127.0.0.1:0 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"; scripts/postgres.sh stop "$PG_DIR"' EXIT
wait_for_server
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

stage "motcua server on PostgreSQL: a kiosk added with --database, its token accepted"
psql "$PG_URL" -qc "CREATE DATABASE motcua_cli"
DB_URL="${PG_URL%/postgres}/motcua_cli"
TOKEN=$(MOTCUA_DATABASE_URL="$DB_URL" "$CARGO_TARGET_DIR/debug/motcua" server kiosk add quay-pg | tail -n 1)
"$CARGO_TARGET_DIR/debug/motcua" server --data "$DATA" --database "$DB_URL" --listen 127.0.0.1:0 >"$LOG" 2>&1 &
SERVER=$!
wait_for_server
python3 - "$URL" "$TOKEN" <<'PY'
import json, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url + "/v1/help-requests", method="POST",
    data=json.dumps({"kiosk_id": "quay-pg", "step": "welcome"}).encode(),
    headers={"authorization": "Bearer " + token, "content-type": "application/json"})
created = json.load(urllib.request.urlopen(req))
assert created["status"] == "open", created
print("help request stored in PostgreSQL:", created["id"])
PY
[ "$(psql "$DB_URL" -tAc "SELECT count(*) FROM help_requests")" = "1" ]
kill $SERVER; wait $SERVER 2>/dev/null || true

stage "schemathesis: the API against its own /openapi.json (no 5xx, nothing undeclared)"
scripts/schemathesis.sh "$CARGO_TARGET_DIR/debug/motcua"

stage "bench-load smoke on SQLite and PostgreSQL: 20 kiosks, SIGKILL mid-load, every acknowledged dossier once"
"$CARGO_TARGET_DIR/debug/motcua" bench-load --kiosks 20 --dossiers 40 --kill-after 1 --after-restart 2 --seed 20261126
psql "$PG_URL" -qc "CREATE DATABASE motcua_bench"
"$CARGO_TARGET_DIR/debug/motcua" bench-load --kiosks 20 --dossiers 40 --kill-after 1 --after-restart 2 --seed 20261126 \
  --database "${PG_URL%/postgres}/motcua_bench"

stage "chaos: dossiers through the outbox under network faults and SIGKILL (small run)"
"$CARGO_TARGET_DIR/debug/motcua" chaos --dossiers 20 --seed 20261126

stage "real app end to end (Xvfb, tauri-driver, WebKitWebDriver)"
MOTCUA_KIOSK_BIN="$CARGO_TARGET_DIR/debug/motcua-kiosk" \
  cargo test --locked -p motcua-e2e -- --test-threads=1

stage "all tests passed; screenshots in artifacts/screenshots"

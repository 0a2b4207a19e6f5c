#!/usr/bin/env bash
# Property-based run of the API against its own contract: starts `motcua
# server` on a fresh data folder, registers a kiosk and a helper, logs the
# helper in, and runs schemathesis over /openapi.json with both tokens. It
# fails on any 5xx, any response whose body, status or content type the
# document does not declare. Seeded and bounded so it stays under ~3 minutes.
# scripts/schemathesis_hooks.py makes about half of some operations' bodies
# realistic, so that success answers are checked against the schema too.
#
#   scripts/schemathesis.sh [MOTCUA_BINARY] [extra schemathesis args…]
#
# Needs the venv that scripts/setup.sh makes ($CARGO_TARGET_DIR/pyenv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${1:-$TARGET/debug/motcua}"
shift || true
ST="$TARGET/pyenv/bin/schemathesis"
[ -x "$ST" ] || { echo "schemathesis is missing: run scripts/setup.sh" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no motcua binary at $BIN: cargo build -p motcua-cli" >&2; exit 1; }

DATA=$(mktemp -d)
LOG="$DATA/server.log"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

KIOSK_TOKEN=$("$BIN" server kiosk add schemathesis --data "$DATA" 2>/dev/null)
STAFF_USER=st-helper
STAFF_PASSWORD="schemathesis-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n%s\n' "$STAFF_PASSWORD" 480173 | "$BIN" server staff add "$STAFF_USER" --data "$DATA" >/dev/null

"$BIN" server --data "$DATA" --listen 127.0.0.1:0 >"$LOG" 2>"$DATA/server.err" &
SERVER=$!
URL=""
for _ in $(seq 400); do
  URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$LOG")
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.err"; exit 1; }
  sleep 0.05
done
[ -n "$URL" ] || { echo "server did not start"; cat "$DATA/server.err"; exit 1; }

# A console session (X-Staff-Token for the back office's routes) and helper
# mode unlocked on the kiosk (the token a vouch wants).
read -r STAFF_TOKEN UNLOCK_TOKEN < <(python3 - "$URL" "$STAFF_USER" "$STAFF_PASSWORD" "$KIOSK_TOKEN" <<'PY'
import json, sys, urllib.request
url, user, password, kiosk = sys.argv[1:5]
def post(path, body, headers):
    req = urllib.request.Request(url + path, method="POST", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers})
    return json.load(urllib.request.urlopen(req))["token"]
console = post("/v1/staff/sessions", {"user": user, "password": password}, {})
unlock = post("/v1/staff/unlock", {"user": user, "pin": "480173"}, {"Authorization": "Bearer " + kiosk})
print(console, unlock)
PY
)

# Left out: the console's event stream (Server-Sent Events: it never ends)
# and the helper's logout (it would end the session the run tests with).
set +e
# From the data folder, so schemathesis's own cache stays out of the tree.
cd "$DATA"
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
"$ST" run "$URL/openapi.json" \
  --url "$URL" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --header "Authorization: Bearer $KIOSK_TOKEN" \
  --header "X-Staff-Token: $STAFF_TOKEN" \
  --exclude-path /v1/console/events \
  --exclude-operation-id staff_logout \
  --phases examples,coverage,fuzzing \
  --seed 20261126 \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --workers 2 \
  --request-timeout 10 \
  --suppress-health-check all \
  --output-sanitize true \
  "$@"
RC=$?
if [ "$RC" -eq 0 ]; then
  # The vouch wants helper mode's token, not the console's.
  PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
  "$ST" run "$URL/openapi.json" \
    --url "$URL" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --header "Authorization: Bearer $KIOSK_TOKEN" \
    --header "X-Staff-Token: $UNLOCK_TOKEN" \
    --include-path /v1/accounts/vouch \
    --phases coverage,fuzzing \
    --seed 20261126 \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
    --request-timeout 10 \
    --suppress-health-check all \
    --output-sanitize true
  RC=$?
fi
set -e
cd "$ROOT"
if [ "$RC" -ne 0 ]; then
  echo "== schemathesis failed; the server's log:" >&2
  grep -E 'ERROR|panicked' "$DATA/server.err" | tail -30 >&2 || true
fi
exit "$RC"

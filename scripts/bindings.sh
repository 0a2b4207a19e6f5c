#!/usr/bin/env bash
# Regenerates ui/src/lib/bindings.ts from the Rust commands (tauri-specta).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTCUA_UPDATE_BINDINGS=1 cargo test --manifest-path "$ROOT/Cargo.toml" -p motcua-kiosk --test bindings

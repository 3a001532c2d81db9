#!/usr/bin/env bash
# Sets everything up and runs every test: Rust (compiler, host, wasmtime CLI), Node (jco) and the
# browser (playwright + Chromium). Nothing is skipped: a missing tool is a failure.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$COVENANT_ROOT"
bash scripts/setup.sh
export COVENANT_REQUIRE_ALL=1

log "Rust tests (compiler, host, wasmtime CLI)"
cargo test --locked

log "building the covenant binary"
cargo build --locked -p covenant-host --bin covenant
export COVENANT_BIN="$CARGO_TARGET_DIR/debug/covenant"

bash scripts/build-playground.sh

log "Node tests (jco + preview2-shim) and browser tests (playwright + Chromium)"
node --test --test-concurrency=1 tests/node/ tests/browser/

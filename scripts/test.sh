#!/usr/bin/env bash
# Sets everything up and runs every test: Rust (compiler, host, wasmtime CLI), Node (jco) and the
# browser (playwright + Chromium). Nothing is skipped: a missing tool is a failure.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$COVENANT_ROOT"
bash scripts/setup.sh

claim_target_dirs

log "formatting (rustfmt.toml)"
cargo fmt --all --check

log "Rust tests (compiler, host, wasmtime CLI)"
# Tests that need an outside tool are #[ignore]d for a bare `cargo test`; here they run, and fail
# if their tool is missing. The upstream-corpus test needs a checkout of Cyronius/covenant
# (COVENANT_UPSTREAM_DIR); without one it is filtered out, not counted as passed.
skip=()
if [ -z "${COVENANT_UPSTREAM_DIR:-}" ]; then
  log "no COVENANT_UPSTREAM_DIR: the upstream-corpus tests (parse, check, format) are left out, not passed"
  skip=(--skip upstream_programs_parse_without_syntax_errors --skip upstream_programs_check_without_false_errors
    --skip upstream_programs_format_idempotently_to_the_same_tree)
fi
# The database tests fail, not skip, when the PostgreSQL or MariaDB server is missing.
COVENANT_REQUIRE_DATABASES=1 cargo test --locked -- --include-ignored "${skip[@]}"

log "building the covenant binary"
cargo build --locked -p covenant-host --bin covenant
export COVENANT_BIN="$CARGO_TARGET_DIR/debug/covenant"

bash scripts/build-playground.sh

log "Node tests (jco + preview2-shim) and browser tests (playwright + Chromium)"
node --test --test-concurrency=1 tests/node/ tests/browser/

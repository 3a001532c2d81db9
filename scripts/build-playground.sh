#!/usr/bin/env bash
# Builds the playground into dist/ with trunk (release profile).
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$COVENANT_ROOT"
claim_target_dirs
log "building the playground (wasm32)"
# A plain cargo build first: with build-std it fetches the standard library's own dependencies,
# which trunk's offline build cannot; trunk then finds everything fresh.
with_wasm_env cargo build --target wasm32-unknown-unknown --release -p covenant-playground
log "bundling the playground (trunk)"
with_wasm_env trunk build --release --offline "$@"

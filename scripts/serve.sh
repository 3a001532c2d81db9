#!/usr/bin/env bash
# Sets everything up, builds the playground and serves it on localhost (rebuilding on changes).
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$COVENANT_ROOT"
bash scripts/setup.sh
bash scripts/build-playground.sh
PORT="${PORT:-8080}"
log "Covenant playground: http://127.0.0.1:$PORT/"
with_wasm_env exec trunk serve --release --offline --address 127.0.0.1 --port "$PORT"

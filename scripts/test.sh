#!/usr/bin/env bash
# Set up and run every test of the workspace (release profile, the one HiGHS
# is built for); the browser test drives Debian's chromium, installed when
# missing. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --browser
cargo test --release --workspace "$@"

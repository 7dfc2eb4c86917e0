#!/usr/bin/env bash
# Set up and run every test of the workspace (release profile, the one HiGHS
# is built for). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo test --release --workspace "$@"

#!/usr/bin/env bash
# Set up and run every test of the workspace (release profile, the one HiGHS
# is built for); the browser test drives Debian's chromium and the print test
# renders workbooks and letters with LibreOffice, both installed when missing.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --browser --office
cargo test --release --workspace "$@"

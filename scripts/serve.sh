#!/usr/bin/env bash
# Set up, build, and serve the HTTP API and the planners' web page on
# http://127.0.0.1:8080/ for a planner working alone (--single-user: no login;
# instances and plans are kept in sanlian.db). Extra arguments go to
# `sanlian serve` (e.g. --addr 127.0.0.1:9000). For the province and its
# cities with accounts, run `sanlian serve` without --single-user (docs/http-api.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo run --release -p sanlian-cli -- serve --single-user "$@"

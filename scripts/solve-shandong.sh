#!/usr/bin/env bash
# Set up, build, and solve the Shandong fixture in strict mode; the plan goes
# to shandong-plan.json. Extra arguments go to `sanlian solve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo run --release -p sanlian-cli -- solve fixtures/shandong/instance.json -o shandong-plan.json "$@"

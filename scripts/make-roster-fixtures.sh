#!/usr/bin/env bash
# Make fixtures/small/roster.xls: the small fixture's roster in template form, converted by
# LibreOffice ("MS Excel 97" filter), for the legacy-workbook import tests and the fuzz suite.
# Needs soffice (./scripts/setup.sh --office) and a release build of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --release --workspace --quiet --bin sanlian -- roster export fixtures/small/instance.json -o "$tmp/roster.xlsx"
soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to xls --outdir "$tmp" "$tmp/roster.xlsx" >/dev/null
cp "$tmp/roster.xls" fixtures/small/roster.xls
echo "fixtures/small/roster.xls written"

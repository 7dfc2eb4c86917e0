#!/usr/bin/env bash
# Make fixtures/small/roster.xls, roster.ods and roster-libreoffice.xlsx: the small fixture's
# roster in template form, converted by LibreOffice ("MS Excel 97", "calc8", then the .ods back
# to xlsx), for the legacy-workbook, OpenDocument and LibreOffice-xlsx import tests and the
# fuzz suite.
# Needs soffice (./scripts/setup.sh --office) and a release build of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --release --quiet -p sanlian-cli --bin sanlian -- roster export fixtures/small/instance.json -o "$tmp/roster.xlsx"
soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to xls --outdir "$tmp" "$tmp/roster.xlsx" >/dev/null
soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to ods --outdir "$tmp" "$tmp/roster.xlsx" >/dev/null
cp "$tmp/roster.xls" fixtures/small/roster.xls
cp "$tmp/roster.ods" fixtures/small/roster.ods
# The .ods saved back as .xlsx by LibreOffice: an archive written with data descriptors.
mkdir "$tmp/lo"
soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to xlsx --outdir "$tmp/lo" "$tmp/roster.ods" >/dev/null
cp "$tmp/lo/roster.xlsx" fixtures/small/roster-libreoffice.xlsx
echo "fixtures/small/roster.xls, roster.ods and roster-libreoffice.xlsx written"

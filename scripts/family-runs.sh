#!/usr/bin/env bash
# Whole CLI runs on the instance families (issue 16): 3 runs of `sanlian solve` per family,
# the median wall time and peak RSS, and the stage times of that run.
#   cargo run --release -p sanlian-gen --example write_families -- DIR
#   scripts/family-runs.sh DIR [FAMILY...]
set -euo pipefail
dir=${1:?usage: family-runs.sh DIR [FAMILY...]}
shift
bin="$(cd "$(dirname "$0")/.." && pwd)/target/release/sanlian"
families=("$@")
[ ${#families[@]} -gt 0 ] || families=(fixture preferences one_year service_periods department_cap)
for f in "${families[@]}"; do
  rows=()
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/$f.time" "$bin" solve "$dir/$f.json" -o "$dir/$f.plan.json" --quiet >/dev/null 2>"$dir/$f.err" || { cat "$dir/$f.err" >&2; exit 1; }
    stages=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(' '.join('%s=%.3f' % (s['id'], s['seconds']) for s in p['stages']))" "$dir/$f.plan.json")
    rows+=("$(cat "$dir/$f.time") $stages")
  done
  printf '%s\n' "${rows[@]}" | sort -n | sed -n 2p | awk -v f="$f" '{printf "%s: %s s, %d MB,", f, $1, $2 / 1024; for (i = 3; i <= NF; i++) printf " %s", $i; print ""}'
done

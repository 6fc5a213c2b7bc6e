#!/usr/bin/env bash
# A partitioned run against one run on the same data, back to back:
#   scripts/bench_parts.sh DATA_DIR PARTS [JOBS]
# DATA_DIR holds aid.csv and population.parquet (`dedupe synth`). Runs one run, then
# `dedupe partition`, the parts as JOBS parallel processes (a local job array; default 2),
# and `dedupe merge`; prints wall seconds and peak RSS of each step and compares the
# merged outputs with the one run's byte for byte.
set -euo pipefail
data=$1
parts=$2
jobs=${3:-2}
bin=${DEDUPE:-target/release/dedupe}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-parts.XXXXXX")
trap 'rm -rf "$work"' EXIT
t() { /usr/bin/time -f "$1 %e s %M KB" "${@:2}"; }

t one "$bin" "$data/aid.csv" "$data/population.parquet" -o "$work/one" -q --threads 2
t partition "$bin" partition "$data/aid.csv" "$data/population.parquet" \
  --parts "$parts" -o "$work/parts" -q --threads 2
start=$(date +%s.%N)
seq 0 $((parts - 1)) | xargs -P "$jobs" -I{} \
  /usr/bin/time -f "part {} %e s %M KB" "$bin" part "$work/parts" {} -q --threads 1
end=$(date +%s.%N)
echo "parts ($jobs at a time) $(echo "$end - $start" | bc) s"
t merge "$bin" merge "$work/parts" -o "$work/merged"
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print('region digits', m['region_digits'], 'aid rows', m['aid_rows'], 'register rows', m['register_rows'])" "$work/parts/manifest.json"
for f in decisions.csv verified.csv duplicates.csv rejected.csv model.json review.csv review.html report.html; do
  if cmp -s "$work/merged/$f" "$work/one/$f"; then echo "same $f"; else echo "DIFFERS $f"; fi
done

#!/usr/bin/env bash
# End-to-end benchmark: generate synthetic data at several register sizes, run dedupe on
# each, and print one Markdown table row per size with wall time, CPU time, peak memory,
# the time of each stage (from summary.json) and the accuracy (dedupe eval).
#
# Usage: scripts/bench.sh [SIZE ...]        (default: 100000 704110 5000000)
# Env:   BENCH_DIR (default /tmp/dedupe-bench), THREADS (default 0 = all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/dedupe
dir=${BENCH_DIR:-/tmp/dedupe-bench}
threads=${THREADS:-0}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 704110 5000000)
mkdir -p "$dir"

echo "| register rows | aid rows | synth s | wall s | CPU s | peak RSS MiB | load | normalize | link | fuzzy | cluster | verify | report | candidate pairs | pairwise F1 | register_nik acc |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  d="$dir/$n"
  s0=$(date +%s.%N)
  "$bin" synth --persons "$n" --seed 1 -o "$d" 2>/dev/null
  s1=$(date +%s.%N)
  /usr/bin/time -v -o "$d/time.txt" "$bin" "$d/aid.csv" "$d/population.parquet" -o "$d/out" --quiet --threads "$threads"
  "$bin" eval "$d/out" "$d/truth.csv" --json > "$d/eval.json"
  python3 scripts/bench_row.py "$d" "$n" "$(echo "$s1 - $s0" | bc)"
done

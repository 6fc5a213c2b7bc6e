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

echo "| register rows | aid rows | synth s | wall s | CPU s | peak RSS MiB | load | normalize | link | cluster | verify | report | pairwise F1 | register_nik acc |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  d="$dir/$n"
  s0=$(date +%s.%N)
  "$bin" synth --persons "$n" --seed 1 -o "$d" 2>/dev/null
  s1=$(date +%s.%N)
  /usr/bin/time -v -o "$d/time.txt" "$bin" "$d/aid.csv" "$d/population.parquet" -o "$d/out" --quiet --threads "$threads"
  "$bin" eval "$d/out" "$d/truth.csv" --json > "$d/eval.json"
  python3 - "$d" "$n" "$s0" "$s1" <<'PY'
import json, re, sys
d, n, s0, s1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
t = open(f"{d}/time.txt").read()
def field(name):
    return re.search(re.escape(name) + r":\s*(.+)", t).group(1).strip()
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
s = json.load(open(f"{d}/out/summary.json"))
e = json.load(open(f"{d}/eval.json"))
st = s["stage_seconds"]
stages = " | ".join(f"{st.get(k, 0):.2f}" for k in ["load", "normalize", "link", "cluster", "verify", "report"])
print(f"| {n:,} | {s['rows_in']:,} | {s1 - s0:.1f} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {stages} | {e['pairwise']['f1']:.4f} | {e['register_nik_accuracy']:.4f} |")
PY
done

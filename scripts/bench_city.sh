#!/usr/bin/env bash
# One-sitting benchmark of a run against the I/O floor (and, optionally, an older binary):
# for each size, synthetic data from `dedupe synth --persons N --aid N/10 --seed 1`, then
#   1. the I/O floor: scripts/io_floor.py (polars reads both inputs, writes the aid rows);
#   2. the run: `dedupe AID REGISTER -o OUT --quiet --threads $THREADS` under /usr/bin/time;
#   3. accuracy: `dedupe eval`.
# With BASE=/path/to/old/dedupe the old binary runs on the same data and its outputs are
# compared byte for byte with the new ones.
# Usage: scripts/bench_city.sh [SIZE ...]   (default: 100000 704110 2000000 5000000)
# Env:   BENCH_DIR (default /tmp/dedupe-bench), THREADS (default 2), BASE (optional)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-target/release/dedupe}
dir=${BENCH_DIR:-/tmp/dedupe-bench}
threads=${THREADS:-2}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 704110 2000000 5000000)
mkdir -p "$dir"
for n in "${sizes[@]}"; do
  d="$dir/$n"
  [ -f "$d/aid.csv" ] || "$bin" synth --persons "$n" --aid $((n / 10)) --seed 1 -o "$d" 2>/dev/null
  floor=$(python3 scripts/io_floor.py "$d/aid.csv" "$d/population.parquet" "$d/floor" | awk '{print $2}')
  /usr/bin/time -f "%e %M" -o "$d/time.txt" "$bin" "$d/aid.csv" "$d/population.parquet" -o "$d/out" --quiet --threads "$threads"
  read -r wall kb < "$d/time.txt"
  f1=$("$bin" eval "$d/out" "$d/truth.csv" --json | python3 -c "import json,sys; e=json.load(sys.stdin); print(f\"{e['pairwise']['f1']:.4f} {e['register_nik_accuracy']:.4f}\")" 2>/dev/null || echo "? ?")
  stages=$(python3 -c "import json; s=json.load(open('$d/out/summary.json'))['stage_seconds']; print(' '.join(f'{k}={v:.2f}' for k,v in sorted(s.items())))")
  line="n=$n wall=$wall rss_mib=$((kb / 1024)) floor=$floor ratio=$(echo "scale=1; $wall / $floor" | bc) f1_nikacc=$f1 $stages"
  if [ -n "${BASE:-}" ]; then
    /usr/bin/time -f "%e %M" -o "$d/time-base.txt" "$BASE" "$d/aid.csv" "$d/population.parquet" -o "$d/out-base" --quiet --threads "$threads"
    read -r bwall bkb < "$d/time-base.txt"
    bf1=$("$bin" eval "$d/out-base" "$d/truth.csv" --json | python3 -c "import json,sys; e=json.load(sys.stdin); print(f\"{e['pairwise']['f1']:.4f} {e['register_nik_accuracy']:.4f}\")" 2>/dev/null || echo "? ?")
    same=yes
    for f in decisions.csv verified.csv duplicates.csv rejected.csv model.json; do
      cmp -s "$d/out/$f" "$d/out-base/$f" || same="no($f)"
    done
    line="$line | base wall=$bwall rss_mib=$((bkb / 1024)) f1_nikacc=$bf1 identical=$same"
  fi
  echo "$line"
done

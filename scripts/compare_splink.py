"""Link a `dedupe synth` aid list to its register with Splink (DuckDB backend) and write
a decisions.csv that `dedupe eval` scores, so both tools are measured on the same data.

Not part of the test suite. Needs `pip install splink` (5.x).
Usage: python3 scripts/compare_splink.py SYNTH_DIR OUT_DIR
Then:  dedupe eval OUT_DIR SYNTH_DIR/truth.csv

The inputs get the generic standardisation a Splink user would write (digits of the
NIK, upper-case names split into first and last token, dates parsed from the common
formats, area names without spaces); none of dedupe's Indonesian rules (titles, old
spellings, damaged-NIK handling) are given to Splink.
"""
import datetime as dt
import os
import re
import sys
import time

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI

synth, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
t0 = time.time()
aid = pd.read_csv(f"{synth}/aid.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
reg = duckdb.sql(f"select * from '{synth}/population.parquet'").df()


def digits(s):
    s = str(s).strip()
    if s.endswith(".0"):
        s = s[:-2]
    d = re.sub(r"\D", "", s)
    return d or None


def name_parts(s):
    toks = re.sub(r"[^A-Z ]", " ", str(s).upper()).split()
    if not toks:
        return None, None
    return toks[0], (toks[-1] if len(toks) > 1 else None)


def parse_date(s):
    s = str(s).strip()
    if not s:
        return None
    if re.fullmatch(r"\d{1,5}", s):
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(s))).isoformat()
    for f in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(s, f).date().isoformat()
        except ValueError:
            pass
    return None


def area(s):
    s = re.sub(r"[^A-Z0-9]", "", str(s).upper())
    return re.sub(r"^(KEL|KELURAHAN|DESA)", "", s) or None


def first_number(s):
    m = re.search(r"\d+", str(s))
    return str(int(m.group())) if m and int(m.group()) > 0 else None


def sex(s):
    s = str(s).strip().upper()
    return {"L": "L", "LAKI-LAKI": "L", "1": "L", "P": "P", "PEREMPUAN": "P", "2": "P"}.get(s)


a = pd.DataFrame({"uid": range(len(aid))})
a["nik"] = aid["NIK"].map(digits)
a[["first_name", "surname"]] = pd.DataFrame(aid["NAMA"].map(name_parts).tolist())
a["dob"] = aid["TGL_LAHIR"].map(parse_date)
a["sex"] = aid["JENIS_KELAMIN"].map(sex)
a["kk"] = aid["NO_KK"].map(digits)
a["kel"] = aid["KELURAHAN"].map(area)
a["rt"] = aid["RT"].map(first_number)

r = pd.DataFrame({"uid": range(len(reg))})
r["nik"] = reg["NIK"].astype(str)
r[["first_name", "surname"]] = pd.DataFrame(reg["NAMA_LGKP"].map(name_parts).tolist())
r["dob"] = reg["TGL_LHR"].astype(str)
r["sex"] = reg["JENIS_KLMIN"].map(lambda v: "L" if v == 1 else "P")
r["kk"] = reg["NO_KK"].map(digits)
r["kel"] = reg["KEL_NAME"].map(area)
r["rt"] = reg["NO_RT"].astype(str)

settings = SettingsCreator(
    link_type="link_only",
    unique_id_column_name="uid",
    comparisons=[
        cl.LevenshteinAtThresholds("nik", [1, 2]),
        cl.JaroWinklerAtThresholds("first_name", [0.92, 0.8]).configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("kk"),
        cl.ExactMatch("kel"),
        cl.ExactMatch("rt"),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("nik"),
        block_on("first_name", "dob"),
        block_on("surname", "dob"),
        block_on("first_name", "kel", "rt"),
    ],
)
db = DuckDBAPI()
linker = Linker([db.register(a, dataset_display_name="aid"), db.register(r, dataset_display_name="register")], settings)
linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
t1 = time.time()

# Each aid row: its best register candidate at probability >= 0.99.
left_is_aid = pred["source_dataset_l"] == "aid"
pairs = pd.DataFrame({
    "aid": pred["uid_l"].where(left_is_aid, pred["uid_r"]),
    "reg": pred["uid_r"].where(left_is_aid, pred["uid_l"]),
    "p": pred["match_probability"],
})
best = pairs[pairs["p"] >= 0.99].sort_values(["aid", "p"], ascending=[True, False]).drop_duplicates("aid")
link = dict(zip(best["aid"], best["reg"]))
life = {"MATI": "DECEASED", "PINDAH KELUAR": "MOVED_OUT"}
rows, seen = [], {}
for i in range(len(a)):
    j = link.get(i)
    if j is None:
        rows.append((i + 1, "NOT_IN_REGISTER", "", ""))
        continue
    status = life.get(reg["STATUS"][j], "VERIFIED")
    if status == "VERIFIED" and j in seen:
        status = "DUPLICATE"
    seen.setdefault(j, i)
    rows.append((i + 1, status, str(reg["NIK"][j]), f"R{j}"))
# Groups: rows linked to the same register person (two or more).
counts = pd.Series([g for *_, g in rows if g]).value_counts()
with open(f"{out}/decisions.csv", "w") as f:
    f.write("row,status,register_nik,group_id\n")
    for row, status, nik, g in rows:
        f.write(f"{row},{status},{nik},{g if g and counts[g] > 1 else ''}\n")
print(f"splink: {t1 - t0:.1f} s (load, standardise, train, predict); {len(pred)} pairs above 0.5")

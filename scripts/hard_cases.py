#!/usr/bin/env python3
"""Build an aid list of hard cases from any register, independently of `dedupe synth`.

Usage: scripts/hard_cases.py REGISTER.parquet OUT_DIR [--per-class N] [--seed S]
Writes OUT_DIR/aid.csv (`;`-separated, as Indonesian-locale Excel writes it) and
OUT_DIR/truth.csv (row, person_id, register_nik, status, defects) for `dedupe eval`.

The register needs the columns NIK, NO_KK, NAMA_LGKP, TGL_LHR, TMPT_LHR, JENIS_KLMIN, ALAMAT,
NO_RT, NO_RW, KEL_NAME, KEC_NAME, STAT_HBKEL and STATUS (the Disdukcapil export names).
Each class takes living residents at random and writes one aid row each:

- clean: the person as the register has them (control).
- household_head_nik: a household member on the NIK of the head of the family (the form was
  filled from the first line of the KK); the truth is the member.
- nik_two_digits: two digits of the NIK mistyped (the result held by nobody).
- name_variant: the right NIK under a spelling no short rule covers (CH/H, doubled
  letters, P/F, KH/H, joined words, one wrong letter).
- name_variant_no_nik: the same with the NIK cell empty.
- kelurahan_typed: NIK and birth date empty, the kelurahan typed as heard (a letter dropped
  or added, GUNUNG as GN.).
- borrowed_nik: someone else's NIK (not of the household) under the row's own data; the truth
  is NAME_MISMATCH, linked to nobody.
- partial_name_other_person: the holder's first name only, another birth date: a different
  person (a child named after a parent) on the holder's NIK; NAME_MISMATCH.
"""
import argparse
import csv
import os
import random

import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("register")
ap.add_argument("out")
ap.add_argument("--per-class", type=int, default=500)
ap.add_argument("--seed", type=int, default=7)
args = ap.parse_args()
rng = random.Random(args.seed)

reg = pl.read_parquet(args.register).with_row_index("row")
reg = reg.with_columns(pl.col("NIK").cast(pl.Utf8), pl.col("NO_KK").cast(pl.Utf8))
all_niks = set(reg["NIK"].to_list())
alive = reg.filter(pl.col("STATUS") == "HIDUP")
people = alive.to_dicts()
by_kk = {}
for p in people:
    by_kk.setdefault(p["NO_KK"], []).append(p)
heads = {kk: next((m for m in ms if m["STAT_HBKEL"] == "KEPALA KELUARGA"), None) for kk, ms in by_kk.items()}


def date_text(d):
    return d.strftime("%d-%m-%Y") if d else ""


def row_of(p, **over):
    r = {
        "ID_DTKS": "",
        "NIK": p["NIK"],
        "NO_KK": p["NO_KK"],
        "NAMA": p["NAMA_LGKP"],
        "TGL_LAHIR": date_text(p["TGL_LHR"]),
        "TMP_LAHIR": p["TMPT_LHR"] or "",
        "JENIS_KELAMIN": "L" if p["JENIS_KLMIN"] == 1 else "P",
        "ALAMAT": p["ALAMAT"] or "",
        "RT": str(p["NO_RT"] or ""),
        "RW": str(p["NO_RW"] or ""),
        "KELURAHAN": p["KEL_NAME"] or "",
        "KECAMATAN": p["KEC_NAME"] or "",
        "PROGRAM": "BPNT",
    }
    r.update(over)
    return r


def variant(name):
    """A spelling variant of one word of the name, by a rule picked at random."""
    words = name.split()
    rules = []
    for i, w in enumerate(words):
        if "CH" in w:
            rules.append((i, w.replace("CH", "H", 1)))
        if "KH" in w:
            rules.append((i, w.replace("KH", "H", 1)))
        for j in range(1, len(w)):
            if w[j] == w[j - 1] and w[j] not in "AIUEO":
                rules.append((i, w[:j] + w[j + 1 :]))
                break
        for j in range(1, len(w) - 1):
            if w[j] in "TNLM" and w[j - 1] in "AIUEO" and w[j + 1] in "AIUEO":
                rules.append((i, w[: j + 1] + w[j:]))
                break
        if w.endswith("F"):
            rules.append((i, w[:-1] + "P"))
        elif w.endswith("P"):
            rules.append((i, w[:-1] + "F"))
        if w.startswith("F"):
            rules.append((i, "P" + w[1:]))
        elif w.startswith("P"):
            rules.append((i, "F" + w[1:]))
    if len(words) >= 2 and len(words[0]) <= 4:
        return words[0] + words[1] + (" " + " ".join(words[2:]) if len(words) > 2 else "")
    if not rules:
        # One wrong letter, not the first.
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) < 4:
            return None
        j = rng.randrange(1, len(w))
        rules.append((i, w[:j] + rng.choice("ABDEGHIKLMNORSTUY") + w[j + 1 :]))
    i, w = rng.choice(rules)
    out = list(words)
    out[i] = w
    v = " ".join(out)
    return v if v != name else None


def kelurahan_typed(k):
    if k.startswith("GUNUNG "):
        return "GN. " + k[len("GUNUNG ") :]
    for j in range(1, len(k)):
        if k[j] == k[j - 1] and k[j].isalpha():
            return k[:j] + k[j + 1 :]
    if k.startswith("KL"):
        return "KEL" + k[2:]
    j = rng.randrange(1, len(k) - 1)
    if k[j].isalpha() and k[j] not in " ":
        return k[:j] + k[j + 1 :]
    return None


rows, truth = [], []


def add(r, p, status, defect):
    rows.append(r)
    truth.append(
        {
            # A person the register does not hold under this row gets an id of its own.
            "person_id": f"R{p['row']}" if p else f"X{len(rows)}",
            "register_nik": p["NIK"] if p and status != "NAME_MISMATCH" else "",
            "status": status,
            "defects": defect,
        }
    )


n = args.per_class
pool = rng.sample(people, min(len(people), 40 * n))
it = iter(pool)
for _ in range(n):
    p = next(it)
    add(row_of(p), p, "VERIFIED", "clean")
made = 0
for p in it:
    if made >= n:
        break
    h = heads.get(p["NO_KK"])
    if h is None or h["NIK"] == p["NIK"]:
        continue
    add(row_of(p, NIK=h["NIK"]), p, "VERIFIED", "household_head_nik")
    made += 1
made = 0
for p in it:
    if made >= n:
        break
    nik = list(p["NIK"])
    for pos in rng.sample(range(12, 16), 2):
        nik[pos] = rng.choice([d for d in "0123456789" if d != nik[pos]])
    nik = "".join(nik)
    if nik in all_niks or nik.endswith("0000"):
        continue
    add(row_of(p, NIK=nik), p, "VERIFIED", "nik_two_digits")
    made += 1
for cls in ("name_variant", "name_variant_no_nik"):
    made = 0
    for p in it:
        if made >= n:
            break
        v = variant(p["NAMA_LGKP"])
        if not v:
            continue
        over = {"NAMA": v}
        if cls.endswith("no_nik"):
            over["NIK"] = ""
        add(row_of(p, **over), p, "VERIFIED", cls)
        made += 1
made = 0
for p in it:
    if made >= n:
        break
    k = kelurahan_typed(p["KEL_NAME"] or "")
    if not k:
        continue
    add(row_of(p, NIK="", TGL_LAHIR="", KELURAHAN=k), p, "VERIFIED", "kelurahan_typed")
    made += 1
made = 0
for p in it:
    if made >= n:
        break
    other = rng.choice(people)
    if other["NO_KK"] == p["NO_KK"] or other["NAMA_LGKP"].split()[0] == p["NAMA_LGKP"].split()[0]:
        continue
    add(row_of(p, NIK=other["NIK"]), None, "NAME_MISMATCH", "borrowed_nik")
    made += 1
made = 0
for p in it:
    if made >= n:
        break
    first = p["NAMA_LGKP"].split()[0]
    if len(p["NAMA_LGKP"].split()) < 2 or len(first) < 4 or p["TGL_LHR"] is None:
        continue
    b = p["TGL_LHR"]
    child_birth = b.replace(year=min(b.year + rng.randint(18, 30), 2020), month=rng.randint(1, 12), day=rng.randint(1, 28))
    if child_birth.month == b.month and child_birth.day == b.day:
        continue
    add(row_of(p, NAMA=first, TGL_LAHIR=date_text(child_birth)), None, "NAME_MISMATCH", "partial_name_other_person")
    made += 1

order = list(range(len(rows)))
rng.shuffle(order)
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "aid.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
    w.writeheader()
    for k, i in enumerate(order):
        rows[i]["ID_DTKS"] = f"HARD{k + 1:07d}"
        w.writerow(rows[i])
with open(os.path.join(args.out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=["row", "person_id", "register_nik", "status", "defects"])
    w.writeheader()
    for k, i in enumerate(order):
        w.writerow({"row": k + 1, **truth[i]})
print(f"{len(rows)} rows in {args.out}")

#!/usr/bin/env python3
"""The I/O floor of a run: read the aid list and the register, write the aid rows once.

Usage: scripts/io_floor.py AID.csv REGISTER.parquet OUT_DIR
Prints the seconds taken. Needs `pip install polars`. The aid CSV's delimiter is detected
from its header line, as dedupe does; every column is read as text (NIKs stay digits).
"""
import os
import sys
import time

import polars as pl


def main() -> None:
    aid_path, reg_path, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    t = time.perf_counter()
    with open(aid_path, "rb") as f:
        head = f.readline()
    sep = max([b",", b";", b"|", b"\t"], key=head.count).decode()
    aid = pl.read_csv(aid_path, separator=sep, infer_schema=False)
    reg = pl.read_parquet(reg_path)
    aid.write_csv(os.path.join(out, "aid_rows.csv"))
    secs = time.perf_counter() - t
    print(f"io_floor {secs:.3f} s (aid {aid.height} rows, register {reg.height} rows)")


if __name__ == "__main__":
    main()

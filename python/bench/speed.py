"""The Python package's speed against the command line, on the same files.

    cargo build --release
    (cd python && maturin build --release --out dist) && pip install python/dist/piigate-*.whl
    python3 python/bench/speed.py FILE.parquet [FILE.parquet ...] [--pairs 3] [--spark]

For each file, in alternating runs (the machines drift; only back-to-back
ratios mean something):

- ``cli``: ``piigate scan FILE --full`` (reads and scans; wall seconds);
- ``py``: ``piigate.scan(table, full=True)`` on the file already read into a
  pyarrow Table (the Arrow C stream hands the engine pyarrow's buffers, no
  copy); the read itself is not timed;
- with ``--spark``: ``piigate.spark.scan(df)`` on ``spark.read.parquet(FILE)``
  in ``local[2]`` (one executor per core, as the CLI uses them), after one
  warm-up run that starts the JVM and the Python workers.

Prints one row per file: the medians and the median of the pair ratios
py/cli (and spark/cli). ``PIIGATE_BIN`` is the binary (default
target/release/piigate).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import pyarrow.parquet as pq

import piigate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli_seconds(bin_: str, path: str) -> float:
    t = time.perf_counter()
    p = subprocess.run([bin_, "scan", path, "--full", "--format", "json"], capture_output=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{bin_} scan {path}: exit {p.returncode}: {p.stderr.decode()[-400:]}")
    return time.perf_counter() - t


def py_seconds(table, name: str) -> float:
    t = time.perf_counter()
    piigate.scan(table, full=True, name=name)
    return time.perf_counter() - t


def spark_seconds(spark, path: str) -> float:
    import piigate.spark

    df = spark.read.parquet(path)
    t = time.perf_counter()
    piigate.spark.scan(df, name=os.path.basename(path))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--spark", action="store_true", help="also time piigate.spark.scan in local[2]")
    a = ap.parse_args()
    bin_ = os.environ.get("PIIGATE_BIN", os.path.join(ROOT, "target", "release", "piigate"))
    if not os.path.exists(bin_):
        sys.exit(f"{bin_}: no piigate binary; run `cargo build --release` or set PIIGATE_BIN")
    spark = None
    if a.spark:
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
            .config("spark.driver.memory", "4g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")

    head = f"{'file':<22} {'rows':>9} {'cli s':>7} {'py s':>7} {'py/cli':>7}"
    if spark:
        head += f" {'spark s':>8} {'spark/cli':>9}"
    print(head)
    for path in a.files:
        name = os.path.basename(path).rsplit(".", 1)[0]
        table = pq.read_table(path)
        cli, py, sp, r_py, r_sp = [], [], [], [], []
        if spark:
            spark_seconds(spark, path)  # warm-up: JVM, Python workers
        for _ in range(a.pairs):
            c = cli_seconds(bin_, path)
            p = py_seconds(table, name)
            cli.append(c)
            py.append(p)
            r_py.append(p / c)
            if spark:
                s = spark_seconds(spark, path)
                sp.append(s)
                r_sp.append(s / c)
        row = (
            f"{name:<22} {table.num_rows:>9} {statistics.median(cli):>7.2f}"
            f" {statistics.median(py):>7.2f} {statistics.median(r_py):>7.2f}"
        )
        if spark:
            row += f" {statistics.median(sp):>8.2f} {statistics.median(r_sp):>9.2f}"
        print(row, flush=True)
        del table


if __name__ == "__main__":
    main()

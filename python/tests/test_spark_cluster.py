"""Shipping piigate to a Spark cluster as the README says: a virtual
environment packed with venv-pack, passed with ``--archives``, unpacked
beside each executor. ``local-cluster`` mode runs real executor processes
with their own working directories, as on a cluster's workers."""

import glob
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, cli_report

JOB = '''
import json, sys
from pyspark.sql import SparkSession
import piigate.spark

spark = SparkSession.builder.getOrCreate()
df = spark.read.parquet(sys.argv[1]).repartition(4)

def where(batches):
    import pyarrow as pa
    import piigate
    for _ in batches:
        yield pa.RecordBatch.from_pydict({"f": [piigate.__file__]})

found = sorted({r["f"] for r in df.mapInArrow(where, "f string").collect()})
report = piigate.spark.scan(df, name="customers").to_dict()
json.dump({"executors": found, "report": report}, open(sys.argv[2], "w"))
spark.stop()
'''


def _wheel() -> str:
    w = os.environ.get("PIIGATE_WHEEL") or next(iter(sorted(glob.glob(str(ROOT / "target" / "wheels" / "piigate-*.whl")))), None)
    if not w:
        raise RuntimeError("no piigate wheel: build one with `cd python && maturin build --out ../target/wheels` or set PIIGATE_WHEEL")
    return w


def test_a_packed_environment_ships_piigate_to_the_executors(tmp_path, data):
    import pyspark

    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + ["venv-pack", "pyarrow", "pandas<3", _wheel()], check=True)
    packed = tmp_path / "env.tar.gz"
    subprocess.run([str(env / "bin" / "venv-pack"), "-p", str(env), "-o", str(packed), "-q"], check=True)

    job, out = tmp_path / "job.py", tmp_path / "out.json"
    job.write_text(JOB)
    src = str(data / "customers.parquet")
    submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
    run_env = dict(os.environ, PYSPARK_DRIVER_PYTHON=sys.executable, PYSPARK_PYTHON="./environment/bin/python")
    p = subprocess.run(
        [submit, "--master", "local-cluster[2,1,1024]", "--conf", "spark.ui.enabled=false",
         "--archives", f"{packed}#environment", str(job), src, str(out)],
        cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=600,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    got = json.loads(out.read_text())
    # Every executor imported piigate from the unpacked archive, not from
    # this machine's site-packages.
    assert got["executors"] and all(
        f.endswith("environment/lib/python%d.%d/site-packages/piigate/__init__.py" % sys.version_info[:2])
        for f in got["executors"]
    ), got["executors"]
    want = cli_report(src)
    strip = lambda r: [{k: v for k, v in c.items() if k != "data_type"} for c in r["tables"][0]["columns"]]
    assert strip(got["report"]) == strip(want)
    assert got["report"]["summary"] == want["summary"]

"""piigate.spark on a real Spark in local mode: the report of a
multi-partition DataFrame is the command line's report of the same file."""

import pytest

import piigate
import piigate.spark
from conftest import cli_report


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .appName("piigate-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def columns_without_types(report: dict) -> list:
    return [
        {k: v for k, v in c.items() if k != "data_type"}
        for c in report["tables"][0]["columns"]
    ]


@pytest.mark.parametrize("name", ["customers", "messy_crm", "payments"])
def test_a_partitioned_dataframe_gives_the_cli_report(spark, data, name):
    path = str(data / f"{name}.parquet")
    df = spark.read.parquet(path).repartition(4)
    assert df.rdd.getNumPartitions() == 4
    got = piigate.spark.scan(df, name=name).to_dict()
    want = cli_report(path)
    assert columns_without_types(got) == columns_without_types(want)
    assert got["summary"] == want["summary"]
    assert got["tables"][0]["rows"] == want["tables"][0]["rows"]


def test_a_sampled_dataframe_and_an_empty_one(spark, data):
    df = spark.read.parquet(str(data / "customers.parquet"))
    sampled = piigate.spark.scan(df, sample_fraction=0.5, name="customers").to_dict()
    rows = sampled["tables"][0]["rows"]
    assert 0 < rows < df.count()
    assert "EMAIL" in sampled["summary"]["entities"]
    empty = piigate.spark.scan(df.limit(0), name="customers").to_dict()
    assert empty["tables"][0]["rows"] == 0
    assert empty["summary"]["sensitivity"] == "NONE"
    with pytest.raises(ValueError, match="sample_fraction"):
        piigate.spark.scan(df, sample_fraction=2.0)


def test_mask_on_spark_matches_mask_in_python_and_hides_values(spark, data):
    import pyarrow.parquet as pq

    t = pq.read_table(data / "messy_crm.parquet")
    text_col = "comments"
    df = spark.read.parquet(str(data / "messy_crm.parquet")).repartition(3)
    got = [r[0] for r in df.select(piigate.spark.mask(text_col)).collect()]
    want = piigate.mask(t.column(text_col).combine_chunks(), column=text_col).to_pylist()
    assert sorted(got, key=str) == sorted(want, key=str)
    original = t.column(text_col).to_pylist()
    assert sorted(got, key=str) != sorted(original, key=str)  # something was masked
    emails = [e for e in t.column("email_addr").to_pylist() if e]
    assert emails and not any(e in (g or "") for e in emails for g in got)

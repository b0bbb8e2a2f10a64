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

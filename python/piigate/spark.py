"""piigate on Spark: scan a DataFrame where it lives.

Each partition is scanned on its executor with ``mapInArrow`` (Arrow
batches straight from Spark, no row conversion) and returns one encoded
profile; the driver merges them (profiles merge in any order) and
classifies. The result is the report ``piigate scan`` gives for the same
rows.

The executors need the ``piigate`` package. It holds native code, which
Python cannot import from the zip files ``--py-files`` ships: ``pip
install`` the wheel on the cluster's nodes, or pack a virtual environment
(``venv-pack``) and ship it with ``--archives env.tar.gz#environment`` and
``PYSPARK_PYTHON=./environment/bin/python`` (an abi3 wheel: one file for
every Python >= 3.9 of the platform).
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from . import Profile, Report, Scanner

__all__ = ["scan", "mask"]


def scan(
    df: Any,
    *,
    sample_fraction: Optional[float] = None,
    rules=None,
    name: str = "data",
    seed: int = 0x5EED,
) -> Report:
    """Classify the PII in every column of a Spark DataFrame.

    ``sample_fraction`` scans that fraction of the rows
    (``DataFrame.sample``, deterministic with ``seed``); by default every
    row. The report has one table named ``name``.
    """
    import pyarrow as pa

    if sample_fraction is not None:
        if not 0.0 < sample_fraction <= 1.0:
            raise ValueError(f"sample_fraction must be in (0, 1], got {sample_fraction}")
        df = df.sample(fraction=sample_fraction, seed=seed)
    scanner = Scanner(rules)
    rule_dirs = scanner._rules

    def profile_partition(batches: Iterator["pa.RecordBatch"]) -> Iterator["pa.RecordBatch"]:
        import pyarrow as pa
        from piigate import Scanner as _Scanner

        s = _Scanner(rule_dirs)
        profiles = [s.scan_batch(b, name).to_bytes() for b in batches]
        if profiles:
            yield pa.RecordBatch.from_pydict(
                {"profile": [s._rust.merge(profiles)]},
                schema=pa.schema([("profile", pa.binary())]),
            )

    rows = df.mapInArrow(profile_partition, "profile binary").collect()
    if not rows:
        # No rows at all: the profile of an empty batch of the schema.
        empty = pa.Table.from_pylist([], schema=_arrow_schema(df))
        return scanner.scan_batch(empty, name).classify()
    merged = scanner._rust.merge([bytes(r["profile"]) for r in rows])
    return Profile(scanner, merged, [name]).classify()


def _arrow_schema(df: Any):
    """The Arrow schema Spark would send for ``df``."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(df.schema)


def mask(col: Any, *, name: Optional[str] = None, rules=None):
    """A column expression with every detected span of ``col``'s strings
    masked, the rest kept (``piigate.mask`` on the executors, through an
    Arrow-based pandas UDF). ``name`` is the column's name when ``col`` is
    an expression (a string column name is used as is): it counts as a hint.

        df.select(piigate.spark.mask("notes").alias("notes"))
    """
    from pyspark.sql.functions import col as column_of
    from pyspark.sql.functions import pandas_udf

    hint = name if name is not None else (col if isinstance(col, str) else None)
    rule_dirs = Scanner(rules)._rules

    @pandas_udf("string")
    def _mask(values):
        import pyarrow as pa
        import piigate as _piigate

        arr = pa.array(values, type=pa.string(), from_pandas=True)
        return _piigate.mask(arr, rules=rule_dirs, column=hint).to_pandas()

    return _mask(column_of(col) if isinstance(col, str) else col)

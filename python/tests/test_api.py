"""The Python API against the command line's reports, on the fixtures."""

import itertools
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import piigate
from conftest import cli_report, without_timings


def columns_without_types(report: dict) -> list:
    """Every column of the first table, apart from its Arrow type name
    (pyarrow and the engine's own reader may pick different string types)."""
    return [
        {k: v for k, v in c.items() if k != "data_type"}
        for c in report["tables"][0]["columns"]
    ]


def test_scanning_paths_gives_the_cli_report(data):
    for args in ([str(data)], [str(data / "customers.parquet"), str(data / "hr_employees.csv")]):
        want = without_timings(cli_report(*args, "--full"))
        got = without_timings(piigate.scan(args if len(args) > 1 else args[0], full=True).to_dict())
        assert got == want


def test_a_sample_gives_the_cli_sample(data):
    want = without_timings(cli_report(str(data), "--sample", "500"))
    got = without_timings(piigate.scan(str(data), sample=500).to_dict())
    assert got == want


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t,
        lambda t: t.combine_chunks().to_batches()[0],
        lambda t: pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=300)),
        lambda t: __import__("polars").from_arrow(t),
        lambda t: __import__("duckdb").sql("select * from t"),
    ],
    ids=["pyarrow-table", "pyarrow-batch", "pyarrow-reader", "polars", "duckdb"],
)
def test_arrow_inputs_give_the_cli_columns(data, make):
    t = pq.read_table(data / "customers.parquet")
    want = cli_report(str(data / "customers.parquet"))
    report = piigate.scan(make(t), name="customers")
    assert columns_without_types(report.to_dict()) == columns_without_types(want)
    assert report.sensitivity == want["summary"]["sensitivity"] == "HIGH"
    assert [c.name for c in report.columns][:3] == ["customer_id", "full_name", "email"]
    assert "EMAIL" in next(c for c in report.columns if c.name == "email").entities


def test_profiles_merge_in_any_order_to_one_scan(data):
    t = pq.read_table(data / "messy_crm.parquet")
    s = piigate.Scanner()
    whole = s.scan_batch(t, "crm").classify().to_dict()
    n = t.num_rows
    parts = [s.scan_batch(t.slice(a, b - a), "crm") for a, b in [(0, n // 3), (n // 3, n // 2), (n // 2, n)]]
    for order in itertools.permutations(parts):
        merged = order[0]
        for p in order[1:]:
            merged = merged.merge(p)
        assert merged.classify().to_dict() == whole
    # Through bytes, as executors send them.
    shipped = [piigate.Profile.from_bytes(p.to_bytes()) for p in parts]
    merged = shipped[2].merge(shipped[0]).merge(shipped[1])
    assert merged.classify().to_dict()["tables"] == whole["tables"]


def test_profile_bytes_are_versioned_and_bound_to_the_rules(data, tmp_path):
    t = pq.read_table(data / "customers.parquet")
    b = piigate.Scanner().scan_batch(t).to_bytes()
    head = json.loads(b)
    assert (head["format"], head["version"]) == ("piigate-profile", 1)
    assert head["rules"] == piigate.Scanner().rules_digest
    with pytest.raises(piigate.PiigateError, match="not a piigate profile"):
        piigate.Profile.from_bytes(b"\x00garbage")
    newer = dict(head, version=99)
    with pytest.raises(piigate.PiigateError, match="version 99"):
        piigate.Profile.from_bytes(json.dumps(newer).encode())
    # A profile made with other rules does not merge with these.
    (tmp_path / "extra.toml").write_text(
        '[[rule]]\nid = "ticket_ref"\nentity = "SECRET_TOKEN"\ndescription = "test"\n'
        'sensitivity = "LOW"\npatterns = [\'\\bTCK-\\d{6}\\b\']\nscore = 0.9\n'
    )
    with pytest.raises(piigate.PiigateError, match="other rules"):
        piigate.Profile.from_bytes(b, rules=tmp_path)


def test_no_raw_value_in_a_report_a_profile_or_a_repr(data):
    t = pq.read_table(data / "customers.parquet")
    emails = [e for e in t.column("email").to_pylist() if e][:50]
    phones = [p for p in t.column("phone").to_pylist() if p][:50]
    s = piigate.Scanner()
    p = s.scan_batch(t, "customers")
    r = p.classify()
    text = r.to_json() + repr(r) + repr(p) + repr(r.columns) + p.to_bytes().decode()
    for v in emails + phones:
        assert v not in text


def test_bad_input_is_named_and_never_a_crash(data, tmp_path):
    missing = tmp_path / "missing.parquet"
    r = piigate.scan(str(missing))
    assert [e["source"] for e in r.errors] == [str(missing)]
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        piigate.scan(42)
    with pytest.raises(piigate.PiigateError, match="no-such-rules"):
        piigate.scan(str(data / "customers.parquet"), rules=tmp_path / "no-such-rules")
    with pytest.raises(ValueError, match="sample"):
        piigate.scan(pq.read_table(data / "customers.parquet"), sample=10)


def test_tag_writes_the_tags_piigate_tag_writes(data, tmp_path):
    import subprocess
    from conftest import _bin

    src = data / "customers.parquet"
    out = tmp_path / "tagged.parquet"
    subprocess.run([_bin(), "tag", str(src), "--output", str(out)], check=True, capture_output=True)
    want = pq.read_schema(out)
    t = pq.read_table(src)
    tagged = piigate.tag(t, name="customers")
    assert tagged.equals(t)  # values unchanged
    keys = (b"piigate.entities", b"piigate.sensitivity", b"piigate.confidence")
    for f in want:
        got = tagged.schema.field(f.name).metadata
        assert {k: got[k] for k in keys} == {k: f.metadata[k] for k in keys}, f.name
    assert json.loads(tagged.schema.field("email").metadata[b"piigate.entities"]) == ["EMAIL"]
    assert tagged.schema.metadata[b"piigate.sensitivity"] == b"HIGH"
    report = json.loads(tagged.schema.metadata[b"piigate.report"])
    assert report["summary"]["sensitivity"] == "HIGH"


def test_mask_masks_spans_and_keeps_the_rest():
    out = piigate.mask(pa.array(["mail jane.doe@example.com or call +1 (415) 555-2671", None, "nothing here"]))
    assert out.to_pylist() == ["mail j***@e***.com or call +# (###) ###-####", None, "nothing here"]

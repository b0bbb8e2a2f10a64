"""piigate.export: the gate from Python, offline (keys from a file, the
single-use marker at a file:// destination), with typed refusals."""

import shutil
import subprocess

import pytest

import piigate
from conftest import _bin


@pytest.fixture()
def offline(tmp_path, data):
    """A signing key pair, a copy of a fixture to export, a destination."""
    bin_ = _bin()
    key, public = tmp_path / "signing.json", tmp_path / "keys.json"
    subprocess.run([bin_, "keygen", "--out", key, "--public", public], check=True, capture_output=True)
    src = tmp_path / "in" / "customers.parquet"
    src.parent.mkdir()
    shutil.copy(data / "customers.parquet", src)
    dest = f"file://{tmp_path / 'out'}/"
    (tmp_path / "out").mkdir()

    def issue(path=src, to=dest) -> str:
        p = subprocess.run(
            [bin_, "issue-token", "--key", key, "--dest", to, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        return p.stdout.strip()

    return {"src": src, "dest": dest, "keys": public, "issue": issue, "home": tmp_path / "home", "out": tmp_path / "out"}


def test_an_approved_export_writes_once_and_a_replay_is_refused(offline):
    token = offline["issue"]()
    kw = dict(to=offline["dest"], keys=offline["keys"], home=offline["home"])
    out = piigate.export(offline["src"], token=token, **kw)
    assert [o["path"] for o in out["objects"]] == ["customers.parquet"]
    assert (offline["out"] / "customers.parquet").read_bytes() == offline["src"].read_bytes()
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(offline["src"], token=token, **kw)
    assert e.value.reason == "already_used"
    assert token not in str(e.value) and token not in repr(e.value)


def test_refusals_are_typed_and_write_nothing(offline, tmp_path):
    kw = dict(to=offline["dest"], keys=offline["keys"], home=offline["home"])
    # A token for another destination, and a token that is not one.
    other = offline["issue"](to=f"file://{tmp_path / 'elsewhere'}/")
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(offline["src"], token=other, **kw)
    assert e.value.reason == "wrong_destination"
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(offline["src"], token="v4.public.bm90LWEtdG9rZW4", **kw)
    assert e.value.reason in ("malformed", "bad_signature")
    # The data changed after it was approved.
    token = offline["issue"]()
    with open(offline["src"], "ab") as f:
        f.write(b"appended")
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(offline["src"], token=token, **kw)
    assert e.value.reason == "digest_mismatch"
    assert list(offline["out"].iterdir()) == []
    assert isinstance(e.value, piigate.PiigateError)
    with pytest.raises(ValueError, match="exactly one"):
        piigate.export(offline["src"], to=offline["dest"], keys=offline["keys"])


def _s3_client(endpoint):
    import boto3  # installed with moto

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


@pytest.fixture()
def s3(monkeypatch):
    """moto's S3 server on a free loopback port, with a bucket, and the
    environment an S3 export reads."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    client = _s3_client(endpoint)
    client.create_bucket(Bucket="vault")
    for k, v in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT": endpoint,
        "AWS_ALLOW_HTTP": "true",
    }.items():
        monkeypatch.setenv(k, v)
    yield endpoint
    proc.kill()
    proc.wait()


def test_an_approved_export_to_an_s3_server(offline, s3):
    token = offline["issue"](to="s3://vault/exports/")
    out = piigate.export(
        offline["src"], to="s3://vault/exports/", token=token, keys=offline["keys"], home=offline["home"]
    )
    assert out["endpoint"] == s3
    assert [o["path"] for o in out["objects"]] == ["customers.parquet"]
    got = _s3_client(s3).get_object(Bucket="vault", Key="exports/customers.parquet")["Body"].read()
    assert got == offline["src"].read_bytes()
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(
            offline["src"], to="s3://vault/exports/", token=token, keys=offline["keys"], home=offline["home"]
        )
    assert e.value.reason == "already_used"


def test_redact_in_memory_writes_what_export_redact_writes(offline, data, tmp_path, monkeypatch):
    """piigate.redact(table) gives the values `export --redact` uploads:
    hashes that Python's own HMAC reproduces, masks in format, credentials
    dropped; a caller's policy overrides column by column."""
    import hashlib
    import hmac

    import pyarrow.parquet as pq

    key = "k3y-for-the-test"
    monkeypatch.setenv("PIIGATE_REDACT_KEY", key)
    for name in ("customers", "devices_logs", "payments"):
        src = tmp_path / "in" / f"{name}.parquet"
        shutil.copy(data / f"{name}.parquet", src)
        p = subprocess.run(
            [_bin(), "issue-token", "--key", tmp_path / "signing.json", "--dest", offline["dest"], "--redact", str(src)],
            check=True, capture_output=True, text=True, env={**__import__("os").environ, "PIIGATE_REDACT_KEY": key},
        )
        piigate.export(src, to=offline["dest"], token=p.stdout.strip(), keys=offline["keys"], home=offline["home"], redact=True)
        exported = pq.read_table(offline["out"] / f"{name}.parquet")
        t = pq.read_table(src)
        got, report = piigate.redact(t, name=name, with_report=True)
        assert got.to_pylist() == exported.to_pylist(), name
        assert got.schema.names == t.schema.names
        # Untagged columns are the input's, unchanged.
        for c in report.columns:
            if not c.entities:
                assert got.column(c.name).equals(t.column(c.name)), c.name

    t = pq.read_table(data / "customers.parquet")
    got = piigate.redact(t, name="customers")
    iban = t.column("c17").to_pylist()  # IBANs behind an opaque name: HIGH, hashed
    want = [None if v is None else "h:" + hmac.new(key.encode(), v.encode(), hashlib.sha256).hexdigest()[:16] for v in iban]
    assert got.column("c17").to_pylist() == want
    emails = [e for e in t.column("email").to_pylist() if e]
    text = str(got.to_pylist())
    assert not any(e in text for e in emails)
    assert not any(s in text for s in iban if s)

    logs = pq.read_table(data / "devices_logs.parquet")
    out = piigate.redact(logs, name="devices_logs", key=b"another key")
    assert out.column("auth").null_count == len(logs)
    # The caller's policy, column by column.
    out = piigate.redact(t, name="customers", policy={"email": "keep", "c17": "drop", "full_name": "hash"})
    assert out.column("email").equals(t.column("email"))
    assert out.column("c17").null_count == len(t)
    assert all(v is None or v.startswith("h:") for v in out.column("full_name").to_pylist())


def test_redact_refusals_name_the_column_and_never_show_the_key(data, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.delenv("PIIGATE_REDACT_KEY", raising=False)
    t = pq.read_table(data / "customers.parquet")
    with pytest.raises(piigate.PiigateError, match="column c17 needs a keyed hash"):
        piigate.redact(t, name="customers")
    with pytest.raises(ValueError, match='unknown action "scramble"'):
        piigate.redact(t, key="k", policy={"email": "scramble"})
    with pytest.raises(piigate.PiigateError, match="no_such_column"):
        piigate.redact(t, key="k", policy={"no_such_column": "mask"})
    logs = pq.read_table(data / "devices_logs.parquet")
    with pytest.raises(piigate.PiigateError, match="auth holds SECRET_TOKEN") as e:
        piigate.redact(logs, key="s3cret-key-value", policy={"auth": "keep"})
    assert "s3cret-key-value" not in str(e.value)

"""The approval workflow from Python against a real `piigate serve` on
127.0.0.1: request, two reviews, token, export redeemed by the service."""

import shutil
import subprocess

import pytest

import piigate
from conftest import _bin

KEYS = {
    "etl": ("requester", "etl-key-0123456789abcdef"),
    "bob": ("approver", "bob-key-0123456789abcdef"),
    "carol": ("approver", "carol-key-0123456789abcdef"),
    "gate": ("gate", "gate-key-0123456789abcdef"),
}


@pytest.fixture()
def service(tmp_path):
    lines = [
        'listen = "127.0.0.1:0"',
        f'database = "{tmp_path / "piigate.db"}"',
        f'signing_key = "{tmp_path / "signing.json"}"',
        "token_ttl_secs = 300",
        "[policy]",
        "NONE = 1\nLOW = 1\nMODERATE = 1\nHIGH = 2",
    ]
    for name, (role, key) in KEYS.items():
        digest = subprocess.run(
            [_bin(), "hash-key"], input=key, capture_output=True, text=True, check=True
        ).stdout.strip()
        lines += ["[[principals]]", f'name = "{name}"', f'role = "{role}"', f'key_sha256 = "{digest}"']
    cfg = tmp_path / "piigate.toml"
    cfg.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen(
        [_bin(), "serve", "--config", str(cfg)], stderr=subprocess.PIPE, text=True
    )
    base = None
    for line in proc.stderr:
        if "listening on" in line:
            base = line.strip().rsplit(" ", 1)[-1]
            break
    assert base, "piigate serve did not start"
    yield base
    proc.kill()
    proc.wait()


def test_request_review_token_export(service, data, tmp_path):
    src = tmp_path / "in" / "customers.parquet"
    src.parent.mkdir()
    shutil.copy(data / "customers.parquet", src)
    out = tmp_path / "out"
    out.mkdir()
    dest = f"file://{out}/"
    etl = piigate.ApprovalClient(service, api_key=KEYS["etl"][1])
    assert KEYS["etl"][1] not in repr(etl)
    req = etl.request(src, to=dest, reason="quarterly share")
    assert (req["status"], req["sensitivity"], req["approvals_needed"]) == ("pending", "HIGH", 2)
    # The requester cannot approve their own request.
    with pytest.raises(piigate.PiigateError, match="403") as e:
        etl.review(req["id"], approve=True)
    assert KEYS["etl"][1] not in str(e.value)
    bob = piigate.ApprovalClient(service, api_key=KEYS["bob"][1])
    carol = piigate.ApprovalClient(service, api_key=KEYS["carol"][1])
    assert bob.review(req["id"], approve=True, comment="tags checked")["status"] == "pending"
    assert carol.review(req["id"], approve=True)["status"] == "approved"
    assert [r["id"] for r in etl.list(status="approved")] == [req["id"]]
    token = etl.token(req["id"])
    done = piigate.export(
        src, to=dest, token=token, server=service, api_key=KEYS["gate"][1], home=tmp_path / "home"
    )
    assert done["content_digest"] == req["content_digest"]
    assert (out / "customers.parquet").read_bytes() == src.read_bytes()
    with pytest.raises(piigate.ExportRefused) as e:
        piigate.export(
            src, to=dest, token=token, server=service, api_key=KEYS["gate"][1], home=tmp_path / "home"
        )
    assert e.value.reason == "already_used"

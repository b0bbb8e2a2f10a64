"""Shared fixtures: the repository's data and the command line's reports.

The command-line binary is `target/debug/piigate` (built by `cargo test`),
or the one `PIIGATE_BIN` names. A missing binary is an error, not a skip:
these tests compare the Python package with the command line.
"""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "fixtures" / "data"


def _bin() -> str:
    b = os.environ.get("PIIGATE_BIN", str(ROOT / "target" / "debug" / "piigate"))
    if not os.path.exists(b):
        raise RuntimeError(f"{b}: no piigate binary; run `cargo build` or set PIIGATE_BIN")
    return b


def cli_report(*args: str) -> dict:
    """`piigate scan ARGS --format json`, parsed (exit 0 or 1: found)."""
    p = subprocess.run(
        [_bin(), "scan", *args, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def without_timings(report: dict) -> dict:
    r = json.loads(json.dumps(report))
    r.pop("elapsed_ms", None)
    return r


@pytest.fixture(scope="session")
def data() -> pathlib.Path:
    return DATA


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT

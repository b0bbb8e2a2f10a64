"""piigate: find the PII in Arrow data with piigate's Rust engine.

Arrow data crosses into Rust without a copy through the Arrow C stream
interface: a pyarrow Table, RecordBatch or RecordBatchReader, a Polars
DataFrame, a DuckDB relation, or anything else with ``__arrow_c_stream__``
or ``__arrow_c_array__``. Files, directories, globs and object-store URLs
are read by the engine itself, as ``piigate scan`` reads them.

    >>> import piigate
    >>> report = piigate.scan("fixtures/data/customers.parquet")
    >>> report.sensitivity
    'HIGH'

Reports hold counts, ratios and masked examples, never a raw value.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union

from . import _piigate
from ._piigate import PiigateError

__all__ = [
    "scan",
    "export",
    "tag",
    "mask",
    "redact",
    "ApprovalClient",
    "Scanner",
    "Profile",
    "Report",
    "Column",
    "PiigateError",
    "ExportRefused",
    "__version__",
]
__version__ = _piigate.__version__

PathLike = Union[str, "os.PathLike[str]"]


def _rules(rules: Union[None, PathLike, Sequence[PathLike]]) -> Optional[List[str]]:
    if rules is None:
        return None
    if isinstance(rules, (str, os.PathLike)):
        return [os.fspath(rules)]
    return [os.fspath(r) for r in rules]


def _is_paths(data: Any) -> bool:
    if isinstance(data, (str, os.PathLike)):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(
        isinstance(d, (str, os.PathLike)) for d in data
    )


class Column:
    """One classified column of a report."""

    def __init__(self, table: str, d: dict):
        self.table = table
        self._d = d

    @property
    def name(self) -> str:
        return self._d["name"]

    @property
    def entities(self) -> List[str]:
        """The entity labels found, most confident first."""
        return [e["type"] for e in self._d["entities"]]

    @property
    def sensitivity(self) -> str:
        return self._d["sensitivity"]

    def to_dict(self) -> dict:
        return json.loads(json.dumps(self._d))

    def __repr__(self) -> str:
        return f"Column({self.table}.{self.name}: {', '.join(self.entities) or '-'}; {self.sensitivity})"


class Report:
    """A scan report: the JSON of ``piigate scan --format json``."""

    def __init__(self, d: dict):
        self._d = d

    @classmethod
    def _from_json(cls, text: str) -> "Report":
        return cls(json.loads(text))

    def to_dict(self) -> dict:
        """The report as plain Python data (a copy)."""
        return json.loads(json.dumps(self._d))

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The report as JSON, as the command line prints it."""
        return json.dumps(self._d, indent=indent)

    @property
    def sensitivity(self) -> str:
        """The highest sensitivity of any column (NONE, LOW, MODERATE, HIGH)."""
        return self._d["summary"]["sensitivity"]

    @property
    def tables(self) -> List[dict]:
        return self.to_dict()["tables"]

    @property
    def columns(self) -> List[Column]:
        """Every column of every table."""
        return [Column(t["name"], c) for t in self._d["tables"] for c in t["columns"]]

    @property
    def errors(self) -> List[dict]:
        """Inputs that could not be read (the others are still reported)."""
        return self.to_dict().get("errors", [])

    def __repr__(self) -> str:
        tagged = sum(1 for c in self.columns if c.entities)
        return f"Report({len(self._d['tables'])} tables, {tagged} PII columns, {self.sensitivity})"


class Profile:
    """What a scan of some rows found, per column: counts and masked
    examples, mergeable in any order with profiles of other rows of the
    same table (other batches, partitions, machines)."""

    def __init__(self, scanner: "Scanner", encoded: bytes, inputs: Optional[List[str]] = None):
        self._scanner = scanner
        self._bytes = bytes(encoded)
        self._inputs = inputs or []

    def merge(self, other: "Profile") -> "Profile":
        """A profile of the rows of both."""
        merged = self._scanner._rust.merge([self._bytes, other._bytes])
        return Profile(self._scanner, merged, self._inputs + [i for i in other._inputs if i not in self._inputs])

    def to_bytes(self) -> bytes:
        """A stable, versioned encoding (format, version, rules digest)."""
        return self._bytes

    @classmethod
    def from_bytes(cls, data: bytes, rules=None) -> "Profile":
        """Reads ``to_bytes``; refuses a profile made with other rules."""
        scanner = Scanner(rules)
        scanner._rust.merge([bytes(data)])  # validates format, version, rules
        return cls(scanner, data)

    def classify(self) -> Report:
        """The report of this profile."""
        return Report._from_json(self._scanner._rust.classify([self._bytes], self._inputs))

    def __repr__(self) -> str:
        return f"Profile({len(self._bytes)} bytes)"


class Scanner:
    """piigate's scanner with its rules (the built-in rules, extended by
    rule directories as ``--rules DIR``)."""

    def __init__(self, rules: Union[None, PathLike, Sequence[PathLike]] = None):
        self._rules = _rules(rules)
        self._rust = _piigate.RustScanner(self._rules)

    @property
    def rules_digest(self) -> str:
        return self._rust.rules_digest

    def scan_batch(self, data: Any, name: str = "data") -> Profile:
        """The profile of Arrow data (a batch, a table, a stream), as one
        table named ``name``."""
        return Profile(self, self._rust.scan(data, name), [name])

    def __repr__(self) -> str:
        return f"Scanner(rules {self.rules_digest})"


def scan(
    data: Any,
    *,
    rules: Union[None, PathLike, Sequence[PathLike]] = None,
    sample: Optional[int] = None,
    full: bool = False,
    name: str = "data",
) -> Report:
    """Classify the PII in every column.

    ``data`` is a path, a list of paths (files, directories, globs,
    ``s3://`` and other object-store URLs; the same report as
    ``piigate scan``), or Arrow data: a pyarrow Table or RecordBatch, a
    Polars DataFrame, a DuckDB relation, or any object with
    ``__arrow_c_stream__`` (reported as one table named ``name``).
    ``sample=N`` reads about N rows of each file; ``full=True`` every row
    (the default for Arrow data, which is already in memory).
    """
    if _is_paths(data):
        paths = [os.fspath(data)] if isinstance(data, (str, os.PathLike)) else [os.fspath(d) for d in data]
        return Report._from_json(_piigate.scan_paths(paths, _rules(rules), sample, full))
    if sample is not None:
        raise ValueError("sample= applies to files; Arrow data is scanned whole (slice it first)")
    return Scanner(rules).scan_batch(data, name).classify()


class ExportRefused(PiigateError):
    """The gate refused an export. ``reason`` is a stable code
    (``already_used``, ``digest_mismatch``, ``bad_signature``…); the message
    says why, never with the token or a key."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def export(
    paths: Union[PathLike, Sequence[PathLike]],
    *,
    to: str,
    token: Optional[str] = None,
    token_file: Optional[PathLike] = None,
    server: Optional[str] = None,
    keys: Optional[PathLike] = None,
    audience: Optional[str] = None,
    redact: bool = False,
    via_service: bool = False,
    api_key: Optional[str] = None,
    home: Optional[PathLike] = None,
) -> dict:
    """Write local files to ``to`` (``s3://``, ``file://``, ``az://``,
    ``gs://``) only under an approval for exactly these bytes and this
    destination, as ``piigate export`` does: trusted keys from ``server``
    (the approval service, which also redeems the token; ``api_key``
    defaults to ``PIIGATE_API_KEY``) or from a ``keys`` file (offline).
    Raises ``ExportRefused`` (with ``.reason``) when the gate refuses;
    nothing is left half-written. Returns what was written."""
    if (token is None) == (token_file is None):
        raise ValueError("give exactly one of token= and token_file=")
    ps = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    try:
        out = _piigate.export(
            ps,
            to,
            token=token,
            token_file=None if token_file is None else os.fspath(token_file),
            server=server,
            keys=None if keys is None else os.fspath(keys),
            audience=audience,
            redact=redact,
            via_service=via_service,
            api_key=api_key,
            home=None if home is None else os.fspath(home),
        )
    except _piigate.RustExportRefused as e:
        message, reason = e.args
        raise ExportRefused(message, reason) from None
    return json.loads(out)


def tag(data: Any, *, rules=None, name: str = "data"):
    """``data`` (any Arrow data) as a ``pyarrow.Table`` with the values
    unchanged and the tags in each field's metadata (``piigate.entities``
    as a JSON list, ``piigate.sensitivity``, ``piigate.confidence``), as
    ``piigate tag`` writes them, and the report in the schema's metadata
    (``piigate.report``)."""
    return _piigate.tag(data, _rules(rules), name)


def redact(
    data: Any,
    *,
    policy: Optional[Dict[str, str]] = None,
    key: Union[None, str, bytes] = None,
    rules=None,
    name: str = "data",
    with_report: bool = False,
):
    """``data`` (any Arrow data) as a redacted ``pyarrow.Table``, by the
    policy ``piigate export --redact`` applies: credentials are dropped
    (null), HIGH columns keyed-hashed (``h:`` + 16 hex digits of
    HMAC-SHA256, so joins still work), other tagged columns masked in their
    format, free-text columns masked span by span; untagged columns are
    kept as they are. The data is scanned in full first.

    ``policy`` maps column names to an action (``keep``, ``mask``,
    ``mask_spans``, ``hash``, ``drop``) that replaces the default for that
    column; the values of a column whose rules say drop (credentials) are
    always dropped. ``key`` is the hashing key (default:
    ``PIIGATE_REDACT_KEY``); a column that needs a hash without a key is
    refused, naming the column. ``with_report=True`` returns
    ``(table, Report)``, the report the policy was derived from."""
    if isinstance(key, str):
        key = key.encode()
    pol = None if policy is None else [(str(c), str(a)) for c, a in policy.items()]
    table, report = _piigate.redact(data, _rules(rules), name, key, pol)
    if with_report:
        return table, Report._from_json(report)
    return table


class ApprovalClient:
    """A client of the approval service (``piigate serve``), authenticated
    with one API key (default: ``PIIGATE_API_KEY``). Answers are the
    service's JSON as Python data; errors are ``PiigateError`` with the
    service's reason. The key never appears in a repr or an error."""

    def __init__(self, server: str, api_key: Optional[str] = None):
        self._rust = _piigate.RustApprovalClient(server, api_key)

    def request(self, paths, *, to: str, reason: str, redact: bool = False,
                dataset: Optional[str] = None, ttl_secs: Optional[int] = None) -> dict:
        """Scan ``paths``, digest them and ask for approval to export them to
        ``to``; the reviewers see the report (masked examples only)."""
        ps = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
        return json.loads(self._rust.request(ps, to, reason, redact, dataset, ttl_secs))

    def get(self, request_id: str) -> dict:
        return json.loads(self._rust.get(request_id))

    def review(self, request_id: str, *, approve: bool, comment: str = "") -> dict:
        """Approve or deny as this client's principal (never one's own request)."""
        return json.loads(self._rust.review(request_id, approve, comment))

    def token(self, request_id: str) -> str:
        """The single-use token of an approved request (issued once, to its requester)."""
        return self._rust.token(request_id)

    def list(self, *, status: Optional[str] = None, limit: int = 100) -> List[dict]:
        return json.loads(self._rust.list(status, limit))

    def __repr__(self) -> str:
        return f"ApprovalClient({self._rust.server})"


def mask(values: Any, *, rules=None, column: Optional[str] = None):
    """Every detected span of every string masked, the rest kept (as
    ``pii_mask`` in ``piigate sql``): ``mail j***@e***.com or call +# (###) ###-####``.
    ``values`` is an Arrow array (or anything with ``__arrow_c_array__``);
    the result is a ``pyarrow.StringArray``. ``column`` names the column,
    whose name counts as a hint (a ``passport_no`` column)."""
    return _piigate.mask(values, _rules(rules), column)

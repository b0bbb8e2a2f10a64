"""The Rust extension under the `piigate` package (use `piigate`'s API)."""

from typing import Any, List, Optional

__version__: str

class PiigateError(Exception):
    """An error of the piigate engine; the message names the input."""

def scan_paths(
    paths: List[str],
    rules: Optional[List[str]] = None,
    sample: Optional[int] = None,
    full: bool = False,
) -> str: ...

class RustScanner:
    def __init__(self, rules: Optional[List[str]] = None) -> None: ...
    def scan(self, data: Any, name: str) -> bytes: ...
    def merge(self, profiles: List[bytes]) -> bytes: ...
    def classify(self, profiles: List[bytes], inputs: List[str]) -> str: ...
    @property
    def rules_digest(self) -> str: ...

class RustExportRefused(PiigateError): ...

def export(
    paths: List[str],
    to: str,
    token: Optional[str] = None,
    token_file: Optional[str] = None,
    server: Optional[str] = None,
    keys: Optional[str] = None,
    audience: Optional[str] = None,
    redact: bool = False,
    via_service: bool = False,
    api_key: Optional[str] = None,
    home: Optional[str] = None,
) -> str: ...

def tag(data: Any, rules: Optional[List[str]] = None, name: str = "data") -> Any: ...

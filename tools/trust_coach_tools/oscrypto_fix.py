"""Lets flask-ask-sdk import on OpenSSL versions whose last number has two digits (3.0.10+).

flask_ask_sdk imports ask_sdk_webservice_support, which imports certvalidator, which
imports oscrypto. oscrypto 1.3.0 (the newest release) reads the OpenSSL version with the
pattern `\\d\\.\\d\\.\\d[a-z]*` between word boundaries, so "OpenSSL 3.0.19" does not match and
the import dies with "Error detecting the version of libcrypto". Upstream fixed the pattern
(wbond/oscrypto#75, PR #76, commit d5f3437) but has not released it, and pip cannot install
an unreleased commit from PyPI alone.

The fix here is the upstream one, applied while oscrypto's two version-reading modules load:
an import hook compiles them from their own source with only that pattern widened. It is
narrow on purpose: it touches nothing if the old pattern is not found (a fixed release, or
another version), changes no file on disk, and needs nothing installed by hand, so a fresh
`make test` or a Docker build gets a working import. Trust Coach verifies requests with
`cryptography` (see signing_certs.py), so oscrypto is only imported, never on the request
path. Remove this module once oscrypto publishes a release with the fix.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import CodeType, ModuleType

# The modules that parse the version; oscrypto picks one of them by its FFI backend.
PATCHED_MODULES = frozenset(
    {"oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes"}
)
# As written in oscrypto 1.3.0's source (a Python string literal, hence the double escapes).
OLD_PATTERN = rb"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'"
# Upstream widened the last number; every number is widened here so 3.10.0 parses as well.
NEW_PATTERN = rb"'\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b'"
# The same two patterns as regular expressions, for tests and for reading.
OLD_REGEX = r"\b(\d\.\d\.\d[a-z]*)\b"
NEW_REGEX = r"\b(\d+\.\d+\.\d+[a-z]*)\b"


class _PatchedSourceLoader(importlib.machinery.SourceFileLoader):
    """Compiles the module from its source with the version pattern replaced."""

    def get_code(self, fullname: str) -> CodeType:
        source = self.get_data(self.path).replace(OLD_PATTERN, NEW_PATTERN, 1)
        # Compiled fresh each time, never written to __pycache__: a cached .pyc would
        # otherwise be picked up by a plain import without the fix.
        return compile(source, self.path, "exec", dont_inherit=True)


class _VersionPatternFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in PATCHED_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        origin = spec.origin or ""
        if OLD_PATTERN not in spec.loader.get_data(origin):
            return None  # already fixed: load it untouched
        spec.loader = _PatchedSourceLoader(fullname, origin)
        return spec


_finder = _VersionPatternFinder()


def install() -> None:
    """Put the hook in front of the import system; call before importing flask_ask_sdk."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)

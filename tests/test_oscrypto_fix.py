"""flask-ask-sdk's import chain (certvalidator -> oscrypto) works on this machine's OpenSSL.

Each import runs in a fresh interpreter: the fix must act before oscrypto first loads,
which an already warmed-up test process could hide.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trust_coach_tools import oscrypto_fix

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    ("version_string", "old", "new"),
    [
        ("OpenSSL 3.0.19 27 Jan 2026", None, "3.0.19"),
        ("OpenSSL 3.0.10 1 Aug 2023", None, "3.0.10"),
        ("OpenSSL 3.10.1 1 Jan 2030", None, "3.10.1"),
        ("OpenSSL 3.0.9 30 May 2023", "3.0.9", "3.0.9"),
        ("OpenSSL 1.1.1w  11 Sep 2023", "1.1.1w", "1.1.1w"),
    ],
)
def test_the_widened_pattern_reads_versions_the_old_one_missed(version_string, old, new):
    found_old = re.search(oscrypto_fix.OLD_REGEX, version_string)
    assert (found_old.group(1) if found_old else None) == old
    assert re.search(oscrypto_fix.NEW_REGEX, version_string).group(1) == new


def test_the_patterns_match_their_source_literals():
    # The byte literals are what is searched for in oscrypto's source; the regexes are what
    # the tests exercise. They must describe the same patterns.
    assert oscrypto_fix.OLD_PATTERN.decode()[1:-1].replace("\\\\", "\\") == oscrypto_fix.OLD_REGEX
    assert oscrypto_fix.NEW_PATTERN.decode()[1:-1].replace("\\\\", "\\") == oscrypto_fix.NEW_REGEX


def test_the_endpoint_imports_and_oscrypto_reads_the_real_openssl_version():
    # GIVEN a fresh interpreter WHEN the web module (and so flask_ask_sdk) is imported
    result = run_python(
        "import json, trust_coach_tools.web, certvalidator\n"
        "from oscrypto._openssl import _libcrypto\n"
        "import oscrypto._openssl._libcrypto_cffi as c\n"
        "print(json.dumps({'info': list(_libcrypto.libcrypto_version_info),"
        " 'path': c.libcrypto_path}))\n"
    )
    # THEN it succeeds, and oscrypto's version is the one the library itself reports
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    library = ctypes.CDLL(found["path"])
    library.OpenSSL_version.restype = ctypes.c_char_p
    library.OpenSSL_version.argtypes = [ctypes.c_int]
    reported = library.OpenSSL_version(0).decode()
    numbers = re.search(r"(\d+)\.(\d+)\.(\d+)", reported).groups()
    assert found["info"][:3] == [int(n) for n in numbers]


def test_without_the_fix_the_import_fails_exactly_when_the_old_pattern_misses():
    # This machine's version string decides what the unpatched import must do; on
    # OpenSSL 3.0.10 and later (this project's CI has 3.0.19) it must fail, proving the
    # test above exercises the fix rather than a lucky library.
    library_path = json.loads(
        run_python(
            "import json, trust_coach_tools.web\n"
            "import oscrypto._openssl._libcrypto_cffi as c\n"
            "print(json.dumps(c.libcrypto_path))"
        ).stdout
    )
    library = ctypes.CDLL(library_path)
    library.OpenSSL_version.restype = ctypes.c_char_p
    library.OpenSSL_version.argtypes = [ctypes.c_int]
    old_pattern_reads_it = re.search(oscrypto_fix.OLD_REGEX, library.OpenSSL_version(0).decode())

    result = run_python("import flask_ask_sdk.skill_adapter")

    if old_pattern_reads_it:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "Error detecting the version of libcrypto" in result.stderr


def test_the_hook_leaves_other_modules_and_fixed_sources_alone(tmp_path, monkeypatch):
    finder = oscrypto_fix._finder
    assert finder.find_spec("json", None) is None
    # A module by the patched name whose source already has the fixed pattern loads untouched.
    package = tmp_path / "oscrypto" / "_openssl"
    package.mkdir(parents=True)
    (tmp_path / "oscrypto" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "_libcrypto_cffi.py").write_bytes(b"pattern = " + oscrypto_fix.NEW_PATTERN + b"\n")
    spec = finder.find_spec("oscrypto._openssl._libcrypto_cffi", [str(package)])
    assert spec is None


def test_the_hook_rewrites_only_the_version_pattern(tmp_path):
    package = tmp_path / "_openssl"
    package.mkdir()
    source = b"pattern = " + oscrypto_fix.OLD_PATTERN + b"\nother = 'unchanged'\n"
    (package / "_libcrypto_ctypes.py").write_bytes(source)
    spec = oscrypto_fix._finder.find_spec("oscrypto._openssl._libcrypto_ctypes", [str(package)])
    assert spec is not None
    namespace: dict[str, object] = {}
    exec(spec.loader.get_code(spec.name), namespace)  # noqa: S102 - our own test source
    assert namespace["pattern"] == oscrypto_fix.NEW_REGEX
    assert namespace["other"] == "unchanged"
    assert not (package / "__pycache__").exists()  # nothing cached that a plain import could reuse

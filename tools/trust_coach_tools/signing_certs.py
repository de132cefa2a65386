"""Alexa's request-signing certificate: where it may come from, and whether to trust it.

Amazon signs every request to a web-service skill and names the signing certificate's
chain by URL. The rules checked here are Amazon's ("Verifying that the request was sent by
Alexa"): the URL is https on s3.amazonaws.com, port 443, under /echo.api/; the chain leads
to a trusted root; the signing certificate is within its dates and names
echo-api.amazon.com among its subject alternative names.

The URL is normalised before anything else (percent-decoding, dot segments, case, port), and
the normalised URL is the only one ever fetched or used as a cache key. Anything unusual in
it (user information, a query, a fragment, encoded slashes, characters outside Amazon's file
names) is refused before any network use.

Walking a chain is the expensive part, and Alexa uses the same certificate for a long
time, so the result is cached per URL for as long as every certificate in the chain is
valid. In steady state a request costs a dictionary look-up and one signature check. The
cache is built so that unsigned traffic cannot make it work or forget: a chain that verified
a real request is kept apart from chains nobody has used yet, failures are remembered for a
short time, and downloads of new chains are limited per minute.
"""

from __future__ import annotations

import os
import posixpath
import re
import threading
import urllib.request
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PORT = 443
CERT_URL_FOLDER = "echo.api"
CERT_URL_PATH_PREFIX = f"/{CERT_URL_FOLDER}/"
SIGNING_DOMAIN = "echo-api.amazon.com"
# Amazon's URLs are about 60 characters.
MAX_URL_LENGTH = 1024
# A real chain is about 5 KB; the cap keeps a hostile URL from feeding us megabytes.
MAX_CHAIN_BYTES = 64 * 1024
# Alexa waits 8 s for the whole answer; a cold fetch must leave room for the skill.
FETCH_TIMEOUT_SECONDS = 2.0
# Chains validated but not yet used by a verified request: anyone can fill these.
MAX_CACHED_URLS = 16
# Chains that verified a real request: only a request signed by Amazon's key gets in.
MAX_PROVEN_URLS = 4
# A URL whose chain failed is refused without a download for this long.
FAILURE_SECONDS = 30
MAX_REMEMBERED_FAILURES = 256
# Downloads of chains not yet proven, per minute; past it a new URL is refused until the
# minute has passed. A proven chain that expires is fetched again regardless.
DOWNLOADS_PER_MINUTE = 10

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

LoadChain = Callable[[str], bytes]
Clock = Callable[[], datetime]


class CertificateError(Exception):
    """The signing certificate cannot be trusted; the message is short and safe to log."""


# Printable ASCII that RFC 3986 allows in a URL; anything else (spaces, tabs, line breaks,
# backslashes, non-ASCII look-alikes) is refused before the URL is parsed.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
# What a path may hold once decoded: Amazon's folder and file names.
_PATH_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~/]*")
_PERCENT = re.compile(r"%(.{0,2})", re.DOTALL)
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]")


def _decoded(path: str) -> str:
    """The path with percent-encoded unreserved characters decoded; others are refused."""

    def decode(match: re.Match[str]) -> str:
        digits = match.group(1)
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
            raise CertificateError("certificate URL path is badly encoded")
        character = chr(int(digits, 16))
        if not _UNRESERVED.fullmatch(character):
            raise CertificateError(
                "certificate URL path has an encoded character that is not allowed"
            )
        return character

    return _PERCENT.sub(decode, path)


def _without_dot_segments(path: str) -> list[str]:
    """The path's segments after RFC 3986's dot-segment removal (section 5.2.4)."""
    segments: list[str] = []
    parts = path.split("/")[1:]
    for part in parts:
        if part == "..":
            if segments:
                segments.pop()
        elif part != ".":
            segments.append(part)
    if parts and parts[-1] in (".", ".."):
        segments.append("")  # "/a/b/.." names the folder "/a/", not a file
    return segments


def normalise_certificate_url(url: str) -> str:
    """The one spelling of a certificate URL that is fetched and cached; CertificateError
    unless it is where Amazon keeps its signing certificates."""
    if len(url) > MAX_URL_LENGTH:
        raise CertificateError("certificate URL is too long")
    if not _URL_CHARACTERS.fullmatch(url):
        raise CertificateError("certificate URL has characters that are not allowed")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise CertificateError("certificate URL is not a URL") from error
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise CertificateError("certificate URL is not https")
    if "@" in parts.netloc:
        raise CertificateError("certificate URL carries user information")
    if "?" in url.partition("#")[0]:
        raise CertificateError("certificate URL has a query")
    if "#" in url:
        raise CertificateError("certificate URL has a fragment")
    if (parts.hostname or "") != CERT_URL_HOST:  # urlsplit gives the host in lower case
        raise CertificateError("certificate URL has the wrong host")
    try:
        port = parts.port
    except ValueError as error:
        raise CertificateError("certificate URL has an invalid port") from error
    if parts.netloc.endswith(":"):
        raise CertificateError("certificate URL has an invalid port")
    if port not in (None, CERT_URL_PORT):
        raise CertificateError("certificate URL has the wrong port")
    path = _decoded(parts.path)
    if not _PATH_CHARACTERS.fullmatch(path):
        raise CertificateError("certificate URL path has characters that are not allowed")
    if "//" in path:
        raise CertificateError("certificate URL path has an empty segment")
    # Amazon's own examples include /echo.api/../echo.api/ (fine) and /echo.api/../x (not).
    segments = _without_dot_segments(path)
    if not segments or segments[0] != CERT_URL_FOLDER or len(segments) < 2:
        raise CertificateError("certificate URL path is outside /echo.api/")
    if not segments[-1]:
        raise CertificateError("certificate URL path names no file")
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}/{'/'.join(segments)}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would lead the download away from the checked URL: it is a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch_chain(url: str) -> bytes:
    """Download a PEM chain from an already normalised URL, with a timeout and a size cap,
    following no redirect."""
    # bandit B310 is safe: normalise_certificate_url let only Amazon https URLs through
    with _OPENER.open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # nosec B310
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise CertificateError("certificate chain is too large")
    return data


def chain_from_folder(folder: Path) -> LoadChain:
    """Read chains from files named like the URL's last part: for tests and offline runs."""

    def load(url: str) -> bytes:
        name = posixpath.basename(urlsplit(url).path)
        path = folder / name
        if not name or not path.is_file():
            raise CertificateError("certificate chain not found")
        return path.read_bytes()

    return load


def default_roots() -> list[x509.Certificate]:
    """The public roots Amazon's chain leads to (Mozilla's list, as packaged by certifi)."""
    import certifi

    return roots_from_file(Path(certifi.where()))


def roots_from_file(path: Path) -> list[x509.Certificate]:
    """Every root in a PEM bundle that this cryptography can read; the rest are skipped.

    Public bundles carry a few old roots that newer cryptography releases warn about, and
    may one day refuse; one such root must not take the others down with it.
    """
    roots = []
    for block in _PEM_BLOCK.findall(path.read_bytes()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


@dataclass(frozen=True)
class TrustedKey:
    """A signing key whose chain was validated, and the span in which that still holds."""

    public_key: RSAPublicKey
    not_before: datetime
    not_after: datetime

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


def _require_digital_signature(
    policy: object, certificate: x509.Certificate, usage: x509.KeyUsage | None
) -> None:
    if usage is None or not usage.digital_signature:
        raise ValueError("signing certificate may not sign")


def _leaf_policy() -> ExtensionPolicy:
    # The Web PKI defaults, except that any extended key usage is accepted (Amazon's rules
    # name none: the certificate signs requests, it does not serve TLS) and the key must be
    # allowed to sign, as the SDK's own verifier demands.
    return (
        ExtensionPolicy.webpki_defaults_ee()
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
        .require_present(x509.KeyUsage, Criticality.AGNOSTIC, _require_digital_signature)
    )


def validate_chain(pem: bytes, roots: Store, moment: datetime) -> TrustedKey:
    """Validate a PEM chain (signing certificate first) at `moment`; return its key."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise CertificateError("certificate chain is not PEM") from error
    leaf, intermediates = certificates[0], certificates[1:]
    builder = (
        PolicyBuilder()
        .store(roots)
        .time(moment)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=_leaf_policy()
        )
    )
    try:
        verified = builder.build_client_verifier().verify(leaf, intermediates)
    except VerificationError as error:
        if not leaf.not_valid_before_utc <= moment <= leaf.not_valid_after_utc:
            raise CertificateError("signing certificate is outside its validity dates") from error
        raise CertificateError("certificate chain is not trusted") from error
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound as error:
        raise CertificateError(f"signing certificate does not name {SIGNING_DOMAIN}") from error
    if SIGNING_DOMAIN not in names.value.get_values_for_type(x509.DNSName):
        raise CertificateError(f"signing certificate does not name {SIGNING_DOMAIN}")
    key = leaf.public_key()
    if not isinstance(key, RSAPublicKey):
        raise CertificateError("signing certificate does not carry an RSA key")
    return TrustedKey(
        public_key=key,
        not_before=max(c.not_valid_before_utc for c in verified.chain),
        not_after=min(c.not_valid_after_utc for c in verified.chain),
    )


def _now() -> datetime:
    return datetime.now(UTC)


# Offline settings, for tests and for machines that must not fetch: chains read from a
# folder, and the roots to trust instead of the public ones. Both still go through every
# check above, so they cannot make a forged signature pass.
CHAIN_DIR_ENV = "TRUST_COACH_CERT_CHAIN_DIR"
ROOTS_ENV = "TRUST_COACH_CERT_ROOTS"


class SigningCertificates:
    """Trusted signing keys by normalised certificate URL, validated once and cached while
    valid; see the module's docstring for what unsigned traffic can and cannot do to it."""

    def __init__(
        self,
        load: LoadChain = fetch_chain,
        roots: list[x509.Certificate] | None = None,
        clock: Clock = _now,
        max_entries: int = MAX_CACHED_URLS,
    ) -> None:
        roots = roots if roots is not None else default_roots()
        if not roots:
            raise ValueError("no trusted root certificates to check Alexa's signing chain against")
        self._load = load
        self._roots = Store(roots)
        self._clock = clock
        self._max_entries = max_entries
        self._proven: OrderedDict[str, TrustedKey] = OrderedDict()
        self._checked: OrderedDict[str, TrustedKey] = OrderedDict()
        self._failed: OrderedDict[str, tuple[datetime, str]] = OrderedDict()
        self._downloads: deque[datetime] = deque()
        self._ever_proven: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._fetching = threading.Lock()  # one download at a time
        self.validations = 0  # how many chains were walked; the cache keeps this low

    @classmethod
    def from_env(cls) -> SigningCertificates:
        folder = os.environ.get(CHAIN_DIR_ENV)
        roots = os.environ.get(ROOTS_ENV)
        return cls(
            load=chain_from_folder(Path(folder)) if folder else fetch_chain,
            roots=roots_from_file(Path(roots)) if roots else None,
        )

    def verify(self, url: str, signature: bytes, data: bytes) -> None:
        """CertificateError unless `signature` is `data` signed by the chain at `url`. A chain
        that verifies a request is kept apart, where unsigned traffic cannot evict it."""
        canonical = normalise_certificate_url(url)
        trusted = self._trusted(canonical)
        try:
            trusted.public_key.verify(signature, data, PKCS1v15(), SHA256())
        except InvalidSignature as error:
            raise CertificateError("signature does not match the body") from error
        with self._lock:
            self._prove(canonical, trusted)

    def key_for(self, url: str) -> RSAPublicKey:
        """The signing key of the chain at `url`, once its chain is trusted."""
        return self._trusted(normalise_certificate_url(url)).public_key

    def remembered_failures(self) -> int:
        return len(self._failed)

    def _trusted(self, url: str) -> TrustedKey:
        moment = self._clock()
        with self._lock:
            cached = self._cached(url, moment)
        if cached is not None:
            return cached
        with self._fetching:
            with self._lock:  # another request may have fetched it meanwhile
                cached = self._cached(url, moment)
                if cached is not None:
                    return cached
                self._recall_failure(url, moment)
                self._take_download(url, moment)
            try:
                trusted = self._validate(url, moment)
            except CertificateError as error:
                with self._lock:
                    self._remember_failure(url, moment, str(error))
                raise
        with self._lock:
            self._failed.pop(url, None)
            self._checked[url] = trusted
            while len(self._checked) > self._max_entries:
                self._checked.popitem(last=False)
        return trusted

    # Under self._lock ------------------------------------------------------------------
    def _cached(self, url: str, moment: datetime) -> TrustedKey | None:
        for entries in (self._proven, self._checked):
            cached = entries.get(url)
            if cached is None:
                continue
            if cached.valid_at(moment):
                entries.move_to_end(url)
                return cached
            del entries[url]
        return None

    def _prove(self, url: str, trusted: TrustedKey) -> None:
        self._checked.pop(url, None)
        self._proven[url] = trusted
        self._proven.move_to_end(url)
        self._ever_proven[url] = None
        self._ever_proven.move_to_end(url)
        while len(self._proven) > MAX_PROVEN_URLS:
            self._proven.popitem(last=False)
        while len(self._ever_proven) > MAX_PROVEN_URLS:
            self._ever_proven.popitem(last=False)

    def _recall_failure(self, url: str, moment: datetime) -> None:
        failed = self._failed.get(url)
        if failed is None:
            return
        until, reason = failed
        if moment < until:
            raise CertificateError(reason)
        del self._failed[url]

    def _remember_failure(self, url: str, moment: datetime, reason: str) -> None:
        self._failed[url] = (moment + timedelta(seconds=FAILURE_SECONDS), reason)
        self._failed.move_to_end(url)
        while len(self._failed) > MAX_REMEMBERED_FAILURES:
            self._failed.popitem(last=False)

    def _take_download(self, url: str, moment: datetime) -> None:
        if url in self._ever_proven:  # Amazon's chain, expired: always fetched again
            return
        window = moment - timedelta(minutes=1)
        while self._downloads and self._downloads[0] <= window:
            self._downloads.popleft()
        if len(self._downloads) >= DOWNLOADS_PER_MINUTE:
            raise CertificateError("too many new certificate URLs; try again shortly")
        self._downloads.append(moment)

    # -----------------------------------------------------------------------------------
    def _validate(self, url: str, moment: datetime) -> TrustedKey:
        try:
            pem = self._load(url)
        except CertificateError:
            raise
        except (OSError, ValueError) as error:  # URLError, timeouts, bad responses
            raise CertificateError("could not load the certificate chain") from error
        with self._lock:
            self.validations += 1
        return validate_chain(pem, self._roots, moment)

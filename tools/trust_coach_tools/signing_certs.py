"""Alexa's request-signing certificate: where it may come from, and whether to trust it.

Amazon signs every request to a web-service skill and names the signing certificate's
chain by URL. The rules checked here are Amazon's ("Verifying that the request was sent by
Alexa"): the URL is https on s3.amazonaws.com, port 443, under /echo.api/; the chain leads
to a trusted root; the signing certificate is within its dates and names
echo-api.amazon.com among its subject alternative names.

Walking a chain is the expensive part, and Alexa uses the same certificate for a long
time, so the result is cached per URL for as long as every certificate in the chain is
valid. In steady state a request costs a dictionary look-up and one signature check.
"""

from __future__ import annotations

import os
import posixpath
import re
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
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
CERT_URL_PATH_PREFIX = "/echo.api/"
SIGNING_DOMAIN = "echo-api.amazon.com"
# A real chain is about 5 KB; the cap keeps a hostile URL from feeding us megabytes.
MAX_CHAIN_BYTES = 64 * 1024
# Alexa waits 8 s for the whole answer; a cold fetch must leave room for the skill.
FETCH_TIMEOUT_SECONDS = 2.0
MAX_CACHED_URLS = 16

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

LoadChain = Callable[[str], bytes]
Clock = Callable[[], datetime]


class CertificateError(Exception):
    """The signing certificate cannot be trusted; the message is short and safe to log."""


def check_certificate_url(url: str) -> None:
    """Raise CertificateError unless `url` is where Amazon keeps its signing certificates."""
    parts = urlsplit(url)
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise CertificateError("certificate URL is not https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise CertificateError("certificate URL has the wrong host")
    try:
        port = parts.port
    except ValueError as error:
        raise CertificateError("certificate URL has an invalid port") from error
    if port not in (None, CERT_URL_PORT):
        raise CertificateError("certificate URL has the wrong port")
    # Amazon's own examples include /echo.api/../echo.api/ (fine) and /echo.api/../x (not).
    if not posixpath.normpath(parts.path).startswith(CERT_URL_PATH_PREFIX):
        raise CertificateError("certificate URL path is outside /echo.api/")


def fetch_chain(url: str) -> bytes:
    """Download a PEM chain from an already checked URL, with a timeout and a size cap."""
    # bandit B310 is safe: check_certificate_url let only Amazon https URLs through
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 # nosec B310
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
    """Trusted signing keys by certificate URL, validated once and cached while valid."""

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
        self._keys: OrderedDict[str, TrustedKey] = OrderedDict()
        self._lock = threading.Lock()
        self.validations = 0  # how many chains were walked; the cache keeps this low

    @classmethod
    def from_env(cls) -> SigningCertificates:
        folder = os.environ.get(CHAIN_DIR_ENV)
        roots = os.environ.get(ROOTS_ENV)
        return cls(
            load=chain_from_folder(Path(folder)) if folder else fetch_chain,
            roots=roots_from_file(Path(roots)) if roots else None,
        )

    def key_for(self, url: str) -> RSAPublicKey:
        if url not in self._keys:  # a URL that was ever cached passed this check then
            check_certificate_url(url)
        moment = self._clock()
        with self._lock:
            cached = self._keys.get(url)
            if cached is not None and cached.valid_at(moment):
                self._keys.move_to_end(url)
                return cached.public_key
            self._keys.pop(url, None)
        trusted = self._validate(url, moment)
        with self._lock:
            self._keys[url] = trusted
            while len(self._keys) > self._max_entries:
                self._keys.popitem(last=False)
        return trusted.public_key

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

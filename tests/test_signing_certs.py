"""Where Alexa's signing certificate may come from, whether its chain is trusted, and how
long that answer is kept."""

from __future__ import annotations

import http.server
import threading
from datetime import timedelta

import pytest
from alexa_signing import CERT_FILE, CERT_URL, SigningPki
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.hashes import SHA256

from trust_coach_tools import signing_certs
from trust_coach_tools.signing_certs import (
    CertificateError,
    SigningCertificates,
    chain_from_folder,
    check_certificate_url,
    fetch_chain,
)


@pytest.fixture(scope="module")
def pki() -> SigningPki:
    return SigningPki()


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


def certificates_for(pki: SigningPki, chains: dict[str, bytes] | None = None, clock=None):
    chains = chains if chains is not None else {CERT_URL: pki.chain_pem()}
    loads: list[str] = []

    def load(url: str) -> bytes:
        loads.append(url)
        return chains[url]

    certificates = SigningCertificates(load=load, roots=[pki.root], clock=clock or Clock(pki.now))
    return certificates, loads


# Amazon's documented examples, plus the same host in other letter cases.
@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    ],
)
def test_amazons_certificate_urls_are_accepted(url):
    check_certificate_url(url)  # GIVEN Amazon's own form WHEN checked THEN no error


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "not https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "wrong host"),
        ("https://s3.amazonaws.com.evil.test/echo.api/cert.pem", "wrong host"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "wrong port"),
        ("https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem", "invalid port"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/cert.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/echo.api", "outside /echo.api/"),
    ],
)
def test_other_certificate_urls_are_refused(url, reason):
    with pytest.raises(CertificateError, match=reason):
        check_certificate_url(url)


def test_a_valid_chain_gives_the_signing_key(pki):
    certificates, _ = certificates_for(pki)
    key = certificates.key_for(CERT_URL)
    signature = pki.leaf_key.sign(b"body", padding.PKCS1v15(), SHA256())
    key.verify(signature, b"body", padding.PKCS1v15(), SHA256())  # raises if the key were wrong


def test_the_chain_is_walked_once_per_url_while_it_stays_valid(pki):
    certificates, loads = certificates_for(pki)
    for _ in range(25):
        certificates.key_for(CERT_URL)
    assert certificates.validations == 1
    assert loads == [CERT_URL]


def test_a_cached_chain_is_dropped_when_it_expires(pki):
    # GIVEN a chain validated today, whose signing certificate ends in 90 days
    clock = Clock(pki.now)
    certificates, loads = certificates_for(pki, clock=clock)
    certificates.key_for(CERT_URL)
    # WHEN the same URL is used after that date
    clock.moment = pki.now + timedelta(days=91)
    # THEN it is validated again, and refused as expired
    with pytest.raises(CertificateError, match="validity dates"):
        certificates.key_for(CERT_URL)
    assert loads == [CERT_URL, CERT_URL]


def test_an_expired_signing_certificate_is_refused(pki):
    key = pki.leaf_key
    expired = pki.issue(
        key, not_before=pki.now - timedelta(days=60), not_after=pki.now - timedelta(days=1)
    )
    certificates, _ = certificates_for(pki, {CERT_URL: pki.chain_pem(expired)})
    with pytest.raises(CertificateError, match="validity dates"):
        certificates.key_for(CERT_URL)


def test_a_signing_certificate_not_yet_valid_is_refused(pki):
    early = pki.issue(pki.leaf_key, not_before=pki.now + timedelta(days=1))
    certificates, _ = certificates_for(pki, {CERT_URL: pki.chain_pem(early)})
    with pytest.raises(CertificateError, match="validity dates"):
        certificates.key_for(CERT_URL)


def test_a_certificate_for_another_name_is_refused(pki):
    other = pki.issue(pki.leaf_key, san="echo-api.example.com")
    certificates, _ = certificates_for(pki, {CERT_URL: pki.chain_pem(other)})
    with pytest.raises(CertificateError, match=r"echo-api\.amazon\.com"):
        certificates.key_for(CERT_URL)


def test_a_certificate_that_may_not_sign_is_refused(pki):
    no_signing = pki.issue(pki.leaf_key, digital_signature=False)
    certificates, _ = certificates_for(pki, {CERT_URL: pki.chain_pem(no_signing)})
    with pytest.raises(CertificateError, match="not trusted"):
        certificates.key_for(CERT_URL)


def test_a_chain_from_an_untrusted_root_is_refused(pki):
    stranger = SigningPki(now=pki.now)  # same names, different keys: a forger's own CA
    certificates, _ = certificates_for(pki, {CERT_URL: stranger.chain_pem()})
    with pytest.raises(CertificateError, match="not trusted"):
        certificates.key_for(CERT_URL)


def test_the_public_roots_do_not_trust_the_test_ca(pki):
    certificates = SigningCertificates(load=lambda url: pki.chain_pem(), clock=Clock(pki.now))
    with pytest.raises(CertificateError, match="not trusted"):
        certificates.key_for(CERT_URL)


@pytest.mark.parametrize("garbage", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\n"])
def test_a_chain_that_is_not_pem_is_refused(pki, garbage):
    certificates, _ = certificates_for(pki, {CERT_URL: garbage})
    with pytest.raises(CertificateError):
        certificates.key_for(CERT_URL)


def test_a_failed_download_is_a_certificate_error_and_is_not_cached(pki):
    attempts = []

    def unreachable(url: str) -> bytes:
        attempts.append(url)
        raise OSError("network is unreachable")

    certificates = SigningCertificates(load=unreachable, roots=[pki.root], clock=Clock(pki.now))
    for _ in range(2):
        with pytest.raises(CertificateError, match="could not load"):
            certificates.key_for(CERT_URL)
    assert len(attempts) == 2


def test_a_refused_url_is_never_fetched(pki):
    certificates, loads = certificates_for(pki)
    with pytest.raises(CertificateError):
        certificates.key_for("https://evil.test/echo.api/echo-api-cert-test.pem")
    assert loads == []


def test_the_cache_holds_a_bounded_number_of_urls(pki):
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(5)]
    chains = dict.fromkeys(urls, pki.chain_pem())
    loads: list[str] = []

    def load(url: str) -> bytes:
        loads.append(url)
        return chains[url]

    certificates = SigningCertificates(
        load=load, roots=[pki.root], clock=Clock(pki.now), max_entries=2
    )
    for url in urls:
        certificates.key_for(url)
    certificates.key_for(urls[-1])  # still cached
    certificates.key_for(urls[0])  # evicted long ago
    assert loads == [*urls, urls[0]]


def test_chains_can_be_read_from_a_folder(pki, tmp_path):
    (tmp_path / CERT_FILE).write_bytes(pki.chain_pem())
    load = chain_from_folder(tmp_path)
    assert load(CERT_URL) == pki.chain_pem()
    with pytest.raises(CertificateError, match="not found"):
        load("https://s3.amazonaws.com/echo.api/missing.pem")


def test_the_public_roots_load_without_warnings(recwarn):
    roots = signing_certs.default_roots()
    assert len(roots) > 50  # Mozilla's list, not an empty or truncated bundle
    assert not [w for w in recwarn if "serial number" in str(w.message)]


def test_settings_from_the_environment_read_offline_chains_and_roots(pki, tmp_path, monkeypatch):
    folder, roots = pki.write(tmp_path)
    monkeypatch.setenv(signing_certs.CHAIN_DIR_ENV, str(folder))
    monkeypatch.setenv(signing_certs.ROOTS_ENV, str(roots))
    certificates = SigningCertificates.from_env()
    assert certificates.key_for(CERT_URL).public_numbers() == pki.leaf.public_key().public_numbers()


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_http():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_fetch_reads_a_chain_and_caps_its_size(local_http, pki):
    url = f"http://127.0.0.1:{local_http.server_address[1]}/chain.pem"
    _Handler.body = pki.chain_pem()
    assert fetch_chain(url) == pki.chain_pem()
    _Handler.body = b"x" * (signing_certs.MAX_CHAIN_BYTES + 1)
    with pytest.raises(CertificateError, match="too large"):
        fetch_chain(url)


def test_the_url_check_runs_until_the_url_is_cached(pki, monkeypatch):
    from trust_coach_tools import signing_certs

    checked = []
    real = signing_certs.check_certificate_url

    def counting(url):
        checked.append(url)
        return real(url)

    monkeypatch.setattr(signing_certs, "check_certificate_url", counting)
    certificates, _ = certificates_for(pki)
    for _ in range(5):
        certificates.key_for(CERT_URL)
    assert checked == [CERT_URL]  # cached only after passing it; the answer cannot change
    with pytest.raises(CertificateError):
        certificates.key_for("http://s3.amazonaws.com/echo.api/x.pem")

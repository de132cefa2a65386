"""Where Alexa's signing certificate may come from, whether its chain is trusted, and how
long that answer is kept."""

from __future__ import annotations

import contextlib
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
    fetch_chain,
    normalise_certificate_url,
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
    normalise_certificate_url(url)  # GIVEN Amazon's own form WHEN checked THEN no error


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
        normalise_certificate_url(url)


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


def test_a_failed_download_is_a_certificate_error_remembered_for_a_short_time(pki):
    attempts = []

    def unreachable(url: str) -> bytes:
        attempts.append(url)
        raise OSError("network is unreachable")

    clock = Clock(pki.now)
    certificates = SigningCertificates(load=unreachable, roots=[pki.root], clock=clock)
    # GIVEN a URL whose chain could not be loaded WHEN it is named again at once
    for _ in range(3):
        with pytest.raises(CertificateError, match="could not load"):
            certificates.key_for(CERT_URL)
    # THEN the failure is the remembered answer, not another download
    assert len(attempts) == 1
    # AND once the failure is older than FAILURE_SECONDS the chain is tried again
    clock.moment = pki.now + timedelta(seconds=signing_certs.FAILURE_SECONDS + 1)
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


def test_fetch_follows_no_redirect(local_http, pki):
    # GIVEN a server that redirects to another one that holds a chain
    _Handler.body = pki.chain_pem()
    target = f"http://127.0.0.1:{local_http.server_address[1]}/elsewhere.pem"

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # WHEN the chain is fetched THEN the redirect is a failure, not a chain from elsewhere
        with pytest.raises(OSError):
            fetch_chain(f"http://127.0.0.1:{server.server_address[1]}/chain.pem")
    finally:
        server.shutdown()
        server.server_close()


# -- the certificate URL, normalised before any network use (hardening, issue 16 item 3) --

CANONICAL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


@pytest.mark.parametrize(
    "url",
    [
        CANONICAL,
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/x/../echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem",
        "https://s3.amazonaws.com/%65cho.api/echo-api-cert.pem",
    ],
)
def test_every_spelling_of_amazons_url_normalises_to_one(url):
    assert signing_certs.normalise_certificate_url(url) == CANONICAL


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/x.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/echo.api/%2E%2E/evil/x.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/echo.api/.%2e/evil/x.pem", "outside /echo.api/"),
        ("https://s3.amazonaws.com/echo.api/..%2fevil/x.pem", "encoded"),
        ("https://s3.amazonaws.com/echo.api%2f..%2fevil/x.pem", "encoded"),
        ("https://s3.amazonaws.com/echo.api/%252e%252e/evil/x.pem", "encoded"),
        ("https://s3.amazonaws.com/echo.api/..\\evil/x.pem", "not allowed"),
        ("https://s3.amazonaws.com/echo.api/x.pem%00", "encoded"),
        ("https://169.254.169.254@s3.amazonaws.com/echo.api/x.pem", "user"),
        ("https://user:secret@s3.amazonaws.com/echo.api/x.pem", "user"),
        ("https://@s3.amazonaws.com/echo.api/x.pem", "user"),
        ("https://s3.amazonaws.com@169.254.169.254/echo.api/x.pem", "user"),
        ("https://s3.amazonaws.com/echo.api/x.pem?versionId=1", "query"),
        ("https://s3.amazonaws.com/echo.api/x.pem?", "query"),
        ("https://s3.amazonaws.com/echo.api/x.pem#part", "fragment"),
        ("https://[x/echo.api/a.pem", "not a URL"),
        ("https://[::1]/echo.api/a.pem", "wrong host"),
        ("https://s3.amazonaws.com./echo.api/x.pem", "wrong host"),
        ("https://s3%2Eamazonaws.com/echo.api/x.pem", "wrong host"),
        ("https://s3.amazonaws.com:abc/echo.api/x.pem", "invalid port"),
        ("https://s3.amazonaws.com:/echo.api/x.pem", "invalid port"),
        ("https://s3.amazonaws.com/echo.api/x\t.pem", "not allowed"),
        ("https://s3.amazonaws.com/echo.api/x .pem", "not allowed"),
        (" https://s3.amazonaws.com/echo.api/x.pem", "not allowed"),
        ("https://s3.amazonaws.com/echo.api/\u00e9.pem", "not allowed"),
        ("https://s3.\u0430mazonaws.com/echo.api/x.pem", "not allowed"),
        ("https://s3.amazonaws.com/echo.api/", "no file"),
        ("https://s3.amazonaws.com/echo.api//x.pem", "empty"),
        ("//s3.amazonaws.com/echo.api/x.pem", "not https"),
        ("https://s3.amazonaws.com/echo.api/" + "a" * 2000 + ".pem", "too long"),
    ],
)
def test_crafted_certificate_urls_are_refused_before_any_download(pki, url, reason):
    certificates, loads = certificates_for(pki)
    with pytest.raises(CertificateError, match=reason):
        signing_certs.normalise_certificate_url(url)
    with pytest.raises(CertificateError):
        certificates.key_for(url)
    assert loads == []


def test_the_chain_is_downloaded_from_the_normalised_url(pki):
    certificates, loads = certificates_for(pki)
    certificates.key_for("HTTPS://S3.amazonaws.com:443/echo.api/x/../echo-api-cert-test.pem")
    assert loads == [CERT_URL]


# -- the cache: keyed, bounded, failures remembered, real chains kept (issue 16 item 4) ----


def test_six_spellings_of_one_url_are_one_download(pki):
    certificates, loads = certificates_for(pki)
    spellings = [
        CERT_URL,
        CERT_URL.replace("https://s3.amazonaws.com", "HTTPS://S3.AMAZONAWS.COM"),
        CERT_URL.replace(".com/", ".com:443/"),
        CERT_URL.replace("/echo.api/", "/echo.api/../echo.api/"),
        CERT_URL.replace("/echo.api/", "/echo.api/./"),
        CERT_URL.replace("/echo.api/", "/%65cho.api/"),
    ]
    for url in spellings:
        certificates.key_for(url)
    assert loads == [CERT_URL]
    assert certificates.validations == 1


def _signed_body(pki: SigningPki) -> tuple[bytes, bytes]:
    body = b'{"version": "1.0"}'
    return body, pki.leaf_key.sign(body, padding.PKCS1v15(), SHA256())


def test_a_signature_is_checked_against_the_chain_at_the_url(pki):
    certificates, _ = certificates_for(pki)
    body, signature = _signed_body(pki)
    certificates.verify(CERT_URL, signature, body)  # GIVEN a real signature THEN no error
    with pytest.raises(CertificateError, match="does not match"):
        certificates.verify(CERT_URL, signature, body + b" ")


def test_query_variants_cause_no_download_and_leave_the_real_chain_cached(pki):
    # GIVEN a chain that verified a real request
    certificates, loads = certificates_for(pki)
    body, signature = _signed_body(pki)
    certificates.verify(CERT_URL, signature, body)
    # WHEN 2,000 unsigned requests name query-string variants of it
    for number in range(2000):
        with pytest.raises(CertificateError):
            certificates.key_for(f"{CERT_URL}?v={number}")
    # THEN none was downloaded, and the real chain is still the one in use
    certificates.verify(CERT_URL, signature, body)
    assert loads == [CERT_URL]
    assert certificates.validations == 1


def test_unsigned_traffic_cannot_evict_a_chain_that_verified_real_requests(pki):
    # GIVEN every URL under /echo.api/ serves a valid chain (the worst case: another real
    # Amazon chain), and the real one has verified a request
    loads: list[str] = []

    def load(url: str) -> bytes:
        loads.append(url)
        return pki.chain_pem()

    clock = Clock(pki.now)
    certificates = SigningCertificates(load=load, roots=[pki.root], clock=clock)
    body, signature = _signed_body(pki)
    certificates.verify(CERT_URL, signature, body)
    # WHEN 2,000 unsigned requests name 2,000 other files, over ten minutes
    for number in range(2000):
        clock.moment = pki.now + timedelta(seconds=number * 0.3)
        with contextlib.suppress(CertificateError):
            certificates.key_for(f"https://s3.amazonaws.com/echo.api/other-{number}.pem")
    # THEN downloads were limited, and the real chain was never dropped
    downloads = len(loads) - 1
    minutes = 2000 * 0.3 / 60
    assert downloads <= signing_certs.DOWNLOADS_PER_MINUTE * (minutes + 1)
    certificates.verify(CERT_URL, signature, body)
    assert loads.count(CERT_URL) == 1


def test_remembered_failures_are_bounded(pki):
    def unreachable(url: str) -> bytes:
        raise OSError("network is unreachable")

    clock = Clock(pki.now)
    certificates = SigningCertificates(load=unreachable, roots=[pki.root], clock=clock)
    for number in range(signing_certs.MAX_REMEMBERED_FAILURES * 3):
        clock.moment = pki.now + timedelta(seconds=number * 10)  # past the download limit
        with pytest.raises(CertificateError):
            certificates.key_for(f"https://s3.amazonaws.com/echo.api/gone-{number}.pem")
    assert certificates.remembered_failures() <= signing_certs.MAX_REMEMBERED_FAILURES


def test_a_chain_pushed_out_while_its_signature_is_checked_is_still_kept(pki, monkeypatch):
    # GIVEN other requests push the chain out of the unproven entries between its look-up
    # and its signature check (threads interleaving)
    certificates, loads = certificates_for(pki)
    look_up = certificates._trusted

    def pushed_out_meanwhile(url):
        found = look_up(url)
        certificates._checked.clear()
        return found

    monkeypatch.setattr(certificates, "_trusted", pushed_out_meanwhile)
    body, signature = _signed_body(pki)
    # WHEN the signature is verified THEN it is accepted, and the chain kept as proven
    certificates.verify(CERT_URL, signature, body)
    monkeypatch.setattr(certificates, "_trusted", look_up)
    certificates.verify(CERT_URL, signature, body)
    assert loads == [CERT_URL]

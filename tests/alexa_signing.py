"""A stand-in for Alexa's request signing: a test root CA, an intermediate, and a signing
certificate for echo-api.amazon.com, made fresh by the tests (no network, nothing real).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_FILE = "echo-api-cert-test.pem"
CERT_URL = f"https://s3.amazonaws.com/echo.api/{CERT_FILE}"
SIGNING_DOMAIN = "echo-api.amazon.com"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _usage(*, sign: bool = False, certs: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certs,
        crl_sign=certs,
        encipher_only=False,
        decipher_only=False,
    )


def _ca(
    name: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, signer: Any, now: datetime
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.subject if issuer else _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            critical=False,
        )
        .sign(signer, hashes.SHA256())
    )


@dataclass
class SigningPki:
    """Root (trusted by the endpoint under test), intermediate, and signing certificates."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.root_key = _key()
        self.root = _ca("Trust Coach Test Root", self.root_key, None, self.root_key, self.now)
        self.intermediate_key = _key()
        self.intermediate = _ca(
            "Trust Coach Test Intermediate",
            self.intermediate_key,
            self.root,
            self.root_key,
            self.now,
        )
        self.leaf_key = _key()
        self.leaf = self.issue(self.leaf_key)

    def issue(
        self,
        key: rsa.RSAPrivateKey,
        san: str = SIGNING_DOMAIN,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        digital_signature: bool = True,
    ) -> x509.Certificate:
        """A signing certificate from the intermediate; by default a valid one."""
        return (
            x509.CertificateBuilder()
            .subject_name(_name(san))
            .issuer_name(self.intermediate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or self.now - timedelta(days=1))
            .not_valid_after(not_after or self.now + timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign=digital_signature), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate_key.public_key()
                ),
                critical=False,
            )
            .sign(self.intermediate_key, hashes.SHA256())
        )

    def chain_pem(self, leaf: x509.Certificate | None = None) -> bytes:
        """What Amazon serves at the certificate URL: signing certificate, then intermediate."""
        return b"".join(
            c.public_bytes(serialization.Encoding.PEM)
            for c in (leaf or self.leaf, self.intermediate)
        )

    def roots_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """The chain under the URL's file name, and the root; for `trust-coach serve`."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CERT_FILE).write_bytes(self.chain_pem())
        roots = folder / "roots.pem"
        roots.write_bytes(self.roots_pem())
        return folder, roots

    def signature(self, body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
        raw = (key or self.leaf_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()

    def headers(self, body: bytes, url: str = CERT_URL) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "SignatureCertChainUrl": url,
            "Signature-256": self.signature(body),
        }


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode("utf-8")

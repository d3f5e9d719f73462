"""A throwaway certificate authority for the signature tests: a root, the agency's and a
partner's signing certificates, an expired one, a timestamp authority, and PKCS#12 files.

Made with ``cryptography`` once per test session (EC P-256 keys: quick to make and to sign).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "correct horse battery staple"


@dataclass
class Issued:
    """A certificate and its key, and where its PKCS#12 file is (with PASSPHRASE)."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    pkcs12_path: Path | None = None

    def pkcs12(self, chain=(), passphrase: str = PASSPHRASE) -> bytes:
        """The certificate, key and chain as PKCS#12 bytes."""
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,
            self.certificate,
            list(chain),
            serialization.BestAvailableEncryption(passphrase.encode()),
        )


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


class TestAuthority:
    """A root CA that issues signing and timestamping certificates."""

    __test__ = False  # not a test class

    def __init__(self, folder: Path):
        self.folder = folder
        now = datetime.now(UTC)
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = _name("Test Root CA", "Test Certificate Authority")
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=365))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True,
                    crl_sign=True, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        self.root_pem = folder / "root.pem"
        self.root_pem.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))

    def issue(
        self,
        common: str,
        organisation: str,
        *,
        days_valid: tuple[int, int] = (-1, 365),
        timestamping: bool = False,
        file_name: str | None = None,
    ) -> Issued:
        """A certificate signed by this root, valid from/to ``days_valid`` days from now (a
        timestamp authority's has an RSA key: pyHanko's test TSA signs only with RSA)."""
        now = datetime.now(UTC)
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if timestamping
            else ec.generate_private_key(ec.SECP256R1())
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + timedelta(days=days_valid[0]))
            .not_valid_after(now + timedelta(days=days_valid[1]))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        else:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False,
                    crl_sign=False, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
        issued = Issued(builder.sign(self.key, hashes.SHA256()), key)
        if file_name:
            issued.pkcs12_path = self.folder / file_name
            issued.pkcs12_path.write_bytes(issued.pkcs12(chain=[self.certificate]))
        return issued

    def asn1(self, certificate: x509.Certificate):
        """The certificate as asn1crypto reads it (what pyHanko takes)."""
        from asn1crypto import x509 as asn1_x509

        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    def pyhanko_signer(self, issued: Issued):
        """A pyHanko signer with the certificate's key (a partner's own software)."""
        from pyhanko.sign import signers

        return signers.SimpleSigner.load_pkcs12_data(
            issued.pkcs12(chain=[self.certificate]), other_certs=[],
            passphrase=PASSPHRASE.encode(),
        )


def _quiet_pyhanko() -> None:
    from registry.documents.signing import load_pyhanko

    load_pyhanko()


_quiet_pyhanko()

"""C2PA content credentials for exported media, as sidecar manifest stores.

The original in a bag must stay byte for byte the evidence (its SHA-256 is the chain of
custody), so nothing is embedded in it: `c2pa-python` signs a manifest store that is
bound to the file's exact bytes (a data hash for images, a BMFF hash for MP4/MOV) and
is written beside it as `<name>.c2pa`. Any C2PA reader validates the pair:
`c2pa.Reader(mime, open(media, "rb"), sidecar_bytes)`. No network is used: no timestamp
authority, no remote manifest. See docs/decisions/0016-c2pa.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from evidentia.core.errors import Rejected

log = logging.getLogger(__name__)

MIME_TYPES = ("video/mp4", "video/quicktime", "image/jpeg", "image/png")
ORIGINAL_LABEL = "org.evidentia.original"
DEMO_FILE = "c2pa-demo.pem"


def supported(mime: str) -> bool:
    return mime.lower() in MIME_TYPES


@dataclass(frozen=True)
class Facts:
    """What the manifest asserts about one exported file."""

    title: str
    item_id: str
    export_id: str
    original_sha256: str
    redaction_plan: int | None = None  # set for a redacted copy


# ------------------------------------------------------------------ keys


def _demo_pem(path: Path) -> bytes:
    """A demo CA and an ES256 signer (key, signer cert, CA cert in one 0600 file, so
    two processes racing to make it can never pair one's key with the other's cert)."""
    if path.exists():
        return path.read_bytes()
    agency = str(settings.AGENCY_NAME)
    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency[:64]),
            ]
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    base = x509.CertificateBuilder().not_valid_before(now - dt.timedelta(days=1))
    base = base.not_valid_after(now + dt.timedelta(days=3650))
    ca = (
        base.subject_name(name("Evidentia demo C2PA CA"))
        .issuer_name(name("Evidentia demo C2PA CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    # C2PA signer certificates need digitalSignature and an allowed EKU, and must not
    # be a CA or self-signed; hence the two-certificate chain.
    leaf = (
        base.subject_name(name(f"{agency[:40]} evidence exports (demo)"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    for cert in (leaf, ca):
        pem += cert.public_bytes(serialization.Encoding.PEM)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".c2pa-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def _split(pem: bytes) -> tuple[bytes, bytes]:
    start = pem.index(b"-----BEGIN CERTIFICATE-----")
    return pem[start:], pem[:start]


def credentials() -> tuple[bytes, bytes]:
    """(certificate chain PEM, private key PEM): the configured pair, else the demo."""
    chain_file, key_file = settings.C2PA_CERT_CHAIN_FILE, settings.C2PA_PRIVATE_KEY_FILE
    if not chain_file and not key_file:
        return _split(_demo_pem(Path(settings.KEYS_DIR) / DEMO_FILE))
    try:
        return Path(chain_file).read_bytes(), Path(key_file).read_bytes()
    except OSError as exc:
        raise Rejected(
            "The C2PA signing certificate chain or key could not be read "
            f"(EVIDENTIA_C2PA_CERT_CHAIN_PATH / EVIDENTIA_C2PA_PRIVATE_KEY_PATH): {exc}"
        ) from exc


def signer() -> c2pa.Signer:
    chain, key = credentials()
    info = c2pa.C2paSignerInfo(str(settings.C2PA_SIGNING_ALG).lower(), chain, key, None)
    return c2pa.Signer.from_info(info)


# ------------------------------------------------------------------ manifests


def _context() -> c2pa.Context:
    # No thumbnails: a credential for evidence should not carry a second copy of it.
    return c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})


def definition(facts: Facts) -> dict:
    agency = str(settings.AGENCY_NAME)
    actions: list[dict] = []
    if facts.redaction_plan is not None:
        actions.append(
            {
                "action": "c2pa.edited",
                "description": f"Redacted under redaction plan {facts.redaction_plan}",
                "parameters": {"org.evidentia.redaction_plan": facts.redaction_plan},
            }
        )
        actions.append({"action": "c2pa.redacted"})
    return {
        "claim_generator_info": [{"name": "Evidentia"}],
        "title": facts.title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {
                "label": "stds.schema-org.CreativeWork",
                "data": {
                    "@context": "https://schema.org",
                    "@type": "CreativeWork",
                    "author": [{"@type": "Organization", "name": agency}],
                    "publisher": {"@type": "Organization", "name": agency},
                },
            },
            {
                "label": ORIGINAL_LABEL,
                "data": {
                    "agency": agency,
                    "item_id": facts.item_id,
                    "export_id": facts.export_id,
                    "sha256": facts.original_sha256,
                    "redaction_plan": facts.redaction_plan,
                },
            },
        ],
    }


def sign_sidecar(media: BinaryIO, mime: str, facts: Facts, sig: c2pa.Signer) -> bytes:
    """The manifest store for `media` (a seekable stream), not embedded in it. The
    builder's edit intent records `c2pa.opened` with the file as its parent ingredient."""
    with c2pa.Builder(definition(facts), _context()) as builder:
        builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
        builder.set_no_embed()
        return builder.sign(sig, mime, media, _Discard())


def try_sign(media: BinaryIO, mime: str, facts: Facts) -> bytes | None:
    """Like `sign_sidecar`, but a file c2pa cannot parse gets no credentials rather than
    failing the export (its chain of custody does not depend on them). A signer that
    cannot be made (bad certificate or key) does fail it, with a clear message."""
    try:
        sig = signer()
    except c2pa.C2paError as exc:
        raise Rejected(f"The C2PA signing certificate or key is not usable: {exc}") from exc
    try:
        with sig:
            return sign_sidecar(media, mime, facts, sig)
    except c2pa.C2paError as exc:
        log.warning("No C2PA credentials for item %s: %s", facts.item_id, exc)
        return None


def read(media: BinaryIO, mime: str, manifest: bytes) -> c2pa.Reader:
    return c2pa.Reader(mime, media, manifest)


class _Discard:
    """A write target for `Builder.sign`; with no-embed the asset is not rewritten, but
    the API still wants somewhere to copy it."""

    def __init__(self) -> None:
        self.pos = 0
        self.size = 0

    def write(self, data: bytes) -> int:
        self.pos += len(data)
        self.size = max(self.size, self.pos)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = base + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def read(self, n: int = -1) -> bytes:
        return b""

    def flush(self) -> None:
        pass

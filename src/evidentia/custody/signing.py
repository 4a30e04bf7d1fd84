"""The ledger's Ed25519 checkpoint-signing key."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from evidentia.core.keys import load_or_create_signing_key
from evidentia.custody.checkpoint import verifier_key


@cache
def signing_key() -> Ed25519PrivateKey:
    return load_or_create_signing_key(settings.SIGNING_KEY_FILE)


def key_name() -> str:
    return str(settings.LEDGER_ORIGIN)


def public_verifier_key() -> str:
    return verifier_key(key_name(), signing_key().public_key())

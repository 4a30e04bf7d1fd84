"""Tracking codes (the resident's key to their report), public ids and Open311 tokens.

A tracking code is 12 Crockford base32 characters (60 random bits), shown in three
groups of four (7K3M-QQ2X-AB12). Only its SHA-256 is stored, and lookups go by that hash through a
unique index: a wrong guess costs the same whatever it shares with a real code.
"""

from __future__ import annotations

import secrets

from evidentia.community.services._common import digest

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
CODE_CHARS = 12


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def new_code() -> str:
    raw = _random(CODE_CHARS)
    return "-".join(raw[i : i + 4] for i in range(0, CODE_CHARS, 4))


def normalise(code: str) -> str:
    """What a person typed, as the canonical code: case, spaces, dashes and the
    letters people confuse with digits do not matter."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_READ_AS)
    return cleaned[: CODE_CHARS * 2]


def code_hash(code: str) -> str:
    return digest(normalise(code))


def new_public_id() -> str:
    return _random(10)


def new_token() -> str:
    return secrets.token_hex(16)


# Kept for services/grants.py, tests/community/test_public_uploads.py and tests/e2e.
secret_hash = digest

"""Uploads without an account: a resident's report or a witness invite grants them.

The community app registers a resolver per kind ("report", "invite"). A grant says
how large a file may be, how many files it takes, what each becomes (its
`Submission`) and what to link once stored. The upload service treats a `Grant`
like a user everywhere else: `Upload.grant` holds its key instead of `Upload.user`.
Grants never pass the request to the ledger: a resident's address is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from evidentia.evidence.services.ingest import Ingested, Submission

SALT = "evidentia.upload-grant"


@dataclass(frozen=True)
class Grant:
    key: str  # "<kind>:<id>", stored on Upload.grant
    actor: str  # the ledger's system actor, e.g. "public"
    max_bytes: int
    max_files: int
    files_taken: int  # files already stored under this grant
    allowed_types: tuple[str, ...]
    make_submission: Callable[[dict[str, str]], Submission] = field(compare=False)
    on_stored: Callable[[Ingested], None] = field(compare=False)
    closed_reason: str = ""  # set when the grant takes no more files (revoked, expired)


Resolver = Callable[[str], "Grant | None"]
_resolvers: dict[str, Resolver] = {}


def register(kind: str, resolver: Resolver) -> None:
    _resolvers[kind] = resolver


def resolve(key: str) -> Grant | None:
    kind, _, ident = key.partition(":")
    resolver = _resolvers.get(kind)
    return resolver(ident) if resolver and ident else None


def sign(key: str) -> str:
    """A bearer value for the Upload-Grant header, given to the page that uploads."""
    return signing.dumps(key, salt=SALT, compress=False)


def unsign(value: str, max_age_seconds: int | None) -> str | None:
    try:
        key = signing.loads(value, salt=SALT, max_age=max_age_seconds)
    except signing.BadSignature:
        return None
    return key if isinstance(key, str) else None

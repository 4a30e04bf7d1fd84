"""Policies and their versions: create, publish a new version, compare two. Only an
administrator publishes; every publication is a ledger event."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from itertools import zip_longest
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from evidentia.accounts.models import Role, User
from evidentia.community.services._common import digest
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.policies.models import Policy, PolicyVersion

MAX_TITLE = 200
MAX_BODY = 200_000
MAX_NOTE = 300


def can_manage(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def check_manage(user: User | None) -> None:
    if not can_manage(user):
        raise PermissionDenied("Only an administrator manages published policies.")


def published() -> QuerySet[Policy]:
    """Policies the public sees: those with at least one version."""
    return Policy.objects.filter(versions__isnull=False).distinct()


def current(policy: Policy) -> PolicyVersion | None:
    return policy.versions.order_by("-number").first()


def get_version(policy: Policy, number: Any) -> PolicyVersion:
    try:
        return policy.versions.get(number=int(number))
    except (TypeError, ValueError, PolicyVersion.DoesNotExist):
        raise NotFound(f"{policy.title} has no version {number}.") from None


def _text(value: str, limit: int, what: str, *, required: bool = True) -> str:
    # Normalise line endings so a pasted Windows text does not diff as all-changed.
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not value:
        raise Rejected(f"Give the {what}.")
    if len(value) > limit:
        raise Rejected(f"Keep the {what} under {limit:,} characters.")
    return value


def _effective(value: date | str | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Rejected("Give the effective date as YYYY-MM-DD.") from None


def create_policy(
    *,
    title: str,
    body: str,
    actor: User,
    slug: str = "",
    summary: str = "",
    change_note: str = "",
    effective_on: date | str | None = None,
    request: HttpRequest | None = None,
) -> PolicyVersion:
    """A new policy and its first version, published at once."""
    check_manage(actor)
    title = _text(title, MAX_TITLE, "title")
    slug = slugify(slug or title)[:60].strip("-")
    if not slug:
        raise Rejected("Give a title with letters or digits in it.")
    summary = _text(summary, 2000, "summary", required=False)
    try:
        with transaction.atomic():
            policy = Policy.objects.create(slug=slug, title=title, summary=summary)
            return _publish(
                policy, body, change_note or "First published.", effective_on, actor, request
            )
    except IntegrityError:
        raise Conflict(f"A policy with the address {slug!r} exists: choose another.") from None


def publish_version(
    policy: Policy,
    *,
    body: str,
    actor: User,
    change_note: str = "",
    effective_on: date | str | None = None,
    request: HttpRequest | None = None,
) -> PolicyVersion:
    check_manage(actor)
    with transaction.atomic():
        return _publish(policy, body, change_note, effective_on, actor, request)


def _publish(
    policy: Policy,
    body: str,
    note: str,
    effective_on: date | str | None,
    actor: User,
    request: HttpRequest | None,
) -> PolicyVersion:
    body = _text(body, MAX_BODY, "policy text")
    note = _text(note, MAX_NOTE, "change note")
    effective = _effective(effective_on)
    Policy.objects.select_for_update().filter(pk=policy.pk).first()  # number versions in turn
    last = current(policy)
    if last is not None and last.body == body:
        raise Rejected(f"The text is the same as version {last.number}: nothing to publish.")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=(last.number + 1) if last else 1,
        body=body,
        change_note=note,
        effective_on=effective,
        published_at=timezone.now(),
        published_by=actor,
    )
    ledger.record(
        events.POLICY_PUBLISHED,
        actor=actor,
        request=request,
        detail={
            "policy": policy.slug,
            "version": version.number,
            "body_sha256": digest(body),
            "effective_on": effective.isoformat() if effective else None,
        },
    )
    return version


# ------------------------------------------------------------------------------ diff


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "ins" or "del"
    text: str


# A word or mark takes the spaces after it: a lone " " token would be so common that the
# matcher's work grows with the square of the text.
_TOKENS = re.compile(r"\w+ *|[^\w\s] *|\s+")
# A paragraph with the blank line(s) after it, so joining them gives the text back.
_PARAGRAPHS = re.compile(r"[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*(?:\n[ \t]*)*", re.S)
# A line with the blank lines after it: lone blank lines would be common enough to make
# the matcher quadratic.
_LINES = re.compile(r"[^\n]*\n(?:[ \t]*\n)*|[^\n]+")
# Word diffs are quadratic at worst, and the compare page is public: words are compared
# only inside changed stretches of at most BLOCK_TOKENS (bigger ones are split into
# lines first), and past WORD_DIFF_TOKENS in all the rest is shown as whole paragraphs.
BLOCK_TOKENS = 1_500
WORD_DIFF_TOKENS = 40_000
# A changed stretch sharing fewer of its words than this reads better as removed-then-added.
MIN_SHARED = 0.3
CACHE_SECONDS = 7 * 24 * 3600
HEADING_CHARS = 80


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPHS.findall(text) if p]


def diff(old: str, new: str) -> list[Piece]:
    """Changes from `old` to `new` as plain text pieces: paragraphs first, then lines
    inside a big changed stretch, then words inside the ones that changed. The template
    escapes the pieces, so markup in a policy's text shows as text."""
    budget = [WORD_DIFF_TOKENS]
    return _merged(_diff(paragraphs(old), paragraphs(new), budget, split_lines=True))


def _diff(a: list[str], b: list[str], budget: list[int], split_lines: bool) -> list[Piece]:
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            pieces.append(Piece("same", removed))
            continue
        size = _size(removed) + _size(added)
        if size <= BLOCK_TOKENS or not (removed and added) or size > budget[0]:
            pieces += _changed(removed, added, budget)
        elif split_lines:  # a big stretch: match its lines, then words inside those
            pieces += _diff(_LINES.findall(removed), _LINES.findall(added), budget, False)
        else:
            # Every line changed (a term renamed throughout): compare them in pairs.
            for x, y in zip_longest(a[i1:i2], b[j1:j2], fillvalue=""):
                pieces += _changed(x, y, budget)
    return pieces


def _size(text: str) -> int:
    return len(_TOKENS.findall(text))


def _changed(removed: str, added: str, budget: list[int]) -> list[Piece]:
    """Word-level pieces when the stretch is small enough and shares enough words;
    otherwise the old text removed and the new text added."""
    ta, tb = _TOKENS.findall(removed), _TOKENS.findall(added)
    size = len(ta) + len(tb)
    if ta and tb and size <= min(BLOCK_TOKENS, budget[0]):
        budget[0] -= size
        words = _word_diff(ta, tb)
        if words is not None:
            return words
    return [Piece(op, text) for op, text in (("del", removed), ("ins", added)) if text]


def _word_diff(a: list[str], b: list[str]) -> list[Piece] | None:
    """Word-level pieces, or None when the two share too little to be worth it."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    shared = sum(
        1 for tag, i1, i2, _j1, _j2 in ops if tag == "equal" for t in a[i1:i2] if t.strip()
    )
    words = sum(1 for t in a + b if t.strip()) / 2
    if words and shared / words < MIN_SHARED:
        return None
    # (kind, old text, new text). Changes alternate with equal runs; a run that is only
    # whitespace between two changes joins them, so "every contact" reads as one change.
    runs: list[tuple[str, str, str]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal" and not (0 < n < len(ops) - 1 and old_part.isspace()):
            runs.append(("same", old_part, old_part))
        elif runs and runs[-1][0] == "change":
            runs[-1] = ("change", runs[-1][1] + old_part, runs[-1][2] + new_part)
        else:
            runs.append(("change", old_part, new_part))
    pieces: list[Piece] = []
    for kind, removed, added in runs:
        if kind == "same":
            pieces.append(Piece("same", removed))
            continue
        if removed:
            pieces.append(Piece("del", removed))
        if added:
            pieces.append(Piece("ins", added))
    return pieces


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if out and out[-1].op == p.op:
            out[-1] = Piece(p.op, out[-1].text + p.text)
        else:
            out.append(p)
    return out


def compare(old: PolicyVersion, new: PolicyVersion) -> list[Piece]:
    """The diff between two versions, computed once per pair of texts: the key is the
    texts' digests, so a cached diff can never belong to other text."""
    key = f"policies:diff:v2:{digest(old.body)}:{digest(new.body)}"
    pieces = cache.get(key)
    if pieces is None:
        pieces = diff(old.body, new.body)
        cache.set(key, pieces, CACHE_SECONDS)
    return pieces


def diff_stats(pieces: list[Piece]) -> dict[str, int]:
    words = {"ins": 0, "del": 0}
    for p in pieces:
        if p.op in words:
            words[p.op] += len(re.findall(r"\w+", p.text))
    return {"added": words["ins"], "removed": words["del"]}


def blocks(body: str) -> list[dict[str, Any]]:
    """A version's text as paragraphs for display: a short single line without closing
    punctuation ("Purpose", "4. Activation") is a heading."""
    out = []
    for p in paragraphs(body):
        text = p.strip()
        if not text:
            continue
        heading = (
            "\n" not in text
            and len(text) <= HEADING_CHARS
            and text[-1] not in ".,;!?"
            and text[0] not in "-*•"  # a one-line list is not a heading
        )
        out.append({"text": text, "heading": heading})
    return out

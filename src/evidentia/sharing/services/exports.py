"""Court-ready export packages: the one door (permission, bag, ledger events).

The bag is written and sealed first, beside its final path, then renamed into place;
only then are the `export.created` events recorded, in one transaction. If writing
fails nothing is recorded and the partial output is removed; if recording fails the
finished bag is removed, so no package exists that the ledger does not know of.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.cases.models import Case
from evidentia.cases.policy import visible_cases
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.custody.signing import public_verifier_key
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services.access import get_item
from evidentia.evidence.vaultio import ref, vault
from evidentia.redaction.models import RedactedVersion
from evidentia.sharing import bag as bagit_fmt
from evidentia.sharing import c2pa as credentials
from evidentia.sharing import verify as fmt
from evidentia.sharing.services import contents

Actor = User | str  # a signed-in user, or "cli" for an operator at the vault's shell


@dataclass
class ExportResult:
    export_id: str
    path: Path
    items: int
    events: int
    files: int
    bytes: int
    manifest_sha256: str
    without_redacted: list[str] = field(default_factory=list)
    left_out: int = 0


def find_case(actor: Actor, number: str) -> Case:
    cases = Case.objects.all() if isinstance(actor, str) else visible_cases(actor)
    found = cases.filter(number=number).first()
    if found is None:
        raise NotFound(f"No case numbered {number}, or you do not have access to it.")
    return found


def _may_download(actor: Actor, item: Item) -> bool:
    """Disposed items have no bytes left to export (their tombstones stay in the ledger)."""
    if item.disposed_at is not None:
        return False
    return isinstance(actor, str) or policy.can_download(actor, item)


def _case_items(actor: Actor, case: Case) -> tuple[list[Item], int]:
    if not isinstance(actor, str) and not visible_cases(actor).filter(pk=case.pk).exists():
        raise NotFound("No such case, or you do not have access to it.")
    every = list(case.items.select_related("blob", "officer", "category"))
    allowed = [i for i in every if _may_download(actor, i)]
    if not allowed:
        raise PermissionDenied(
            f"You may not download any evidence in case {case.number}, so you cannot export it."
        )
    return allowed, len(every) - len(allowed)


def _listed_items(actor: Actor, ids: Iterable[Any]) -> list[Item]:
    items: list[Item] = []
    for value in ids:
        if isinstance(actor, str):
            item = (
                Item.objects.select_related("blob", "officer")
                .filter(pk=getattr(value, "pk", value))
                .first()
            )
            if item is None:
                raise NotFound(f"No evidence item {value}.")
        else:
            item = get_item(actor, getattr(value, "pk", value))
        if item.disposed_at is not None:
            raise Rejected(
                f"“{item.title}” was disposed of on {item.disposed_at:%Y-%m-%d} under the "
                "retention schedule; only its custody record remains."
            )
        if not _may_download(actor, item):
            raise PermissionDenied(
                f"You may not download “{item.title}”, so you cannot export it. "
                "Exporting evidence needs the download permission for every item."
            )
        if item not in items:
            items.append(item)
    if not items:
        raise Rejected("Choose a case or at least one evidence item to export.")
    return items


def _order(items: list[Item]) -> list[Item]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda i: (i.recorded_at or far, i.ingested_at, str(i.pk)))


def export(
    actor: Actor,
    *,
    case: Case | None = None,
    items: Iterable[Any] = (),
    redacted: bool = False,
    out: Path | str,
    as_zip: bool | None = None,
    request: HttpRequest | None = None,
) -> ExportResult:
    out = Path(out)
    as_zip = out.suffix.lower() == ".zip" if as_zip is None else as_zip
    if out.exists():
        raise Conflict(f"{out} already exists; choose a new path for the export.")
    if not out.parent.is_dir():
        raise Rejected(f"The folder {out.parent} does not exist.")
    if case is not None:
        chosen, left_out = _case_items(actor, case)
    else:
        chosen, left_out = _listed_items(actor, items), 0
    chosen = _order(chosen)
    export_id = str(uuid.uuid4())
    partial = out.parent / f".{out.name}.partial-{export_id[:8]}"
    try:
        result = _write(actor, case, chosen, redacted, export_id, partial, as_zip, left_out)
        os.rename(partial, out)
    except BaseException:
        _remove(partial)
        raise
    result.path = out
    try:
        _record(actor, case, chosen, redacted, result, request)
    except BaseException:
        _remove(out)
        raise
    return result


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def _record(
    actor: Actor,
    case: Case | None,
    items: list[Item],
    redacted: bool,
    result: ExportResult,
    request: HttpRequest | None,
) -> None:
    detail = {
        "export_id": result.export_id,
        "manifest_sha256": result.manifest_sha256,
        "redacted": redacted,
        "items": len(items),
        "events": result.events,
    }
    with transaction.atomic():
        if case is not None:
            ledger.record(
                events.EXPORTED,
                actor=actor,
                request=request,
                case=case,
                detail=detail | {"scope": "case", "number": case.number},
            )
        for item in items:
            ledger.record(
                events.EXPORTED,
                actor=actor,
                request=request,
                item=item,
                case=case,
                detail=detail | {"scope": "item", "sha256": item.blob.sha256},
            )


def _newest_redacted(item: Item) -> RedactedVersion | None:
    return (
        RedactedVersion.objects.filter(plan__item=item)
        .select_related("blob", "plan")
        .order_by("-created_at", "-pk")
        .first()
    )


def _tee(chunks: Iterable[bytes], copy: IO[bytes] | None) -> Iterable[bytes]:
    for chunk in chunks:
        if copy is not None:
            copy.write(chunk)
        yield chunk


def _stream(
    writer: bagit_fmt.BagWriter, name: str, blob: Any, what: str, copy: IO[bytes] | None = None
) -> str:
    """Write a vault blob into the bag; with `copy`, also into that (seekable) file, so
    its credentials are signed without decrypting it a second time."""
    digest = writer.add(name, _tee(vault().iter_plaintext(ref(blob)), copy))
    if digest != blob.sha256:
        raise Conflict(
            f"{what} did not read back with its recorded SHA-256 ({digest} instead of "
            f"{blob.sha256}); nothing was exported. Run `evidentia fixity`."
        )
    return digest


def _write(
    actor: Actor,
    case: Case | None,
    items: list[Item],
    redacted: bool,
    export_id: str,
    path: Path,
    as_zip: bool,
    left_out: int,
) -> ExportResult:
    writer = bagit_fmt.BagWriter(path, as_zip, top=f"evidentia-export-{export_id[:8]}")
    try:
        entries, missing = _media(writer, items, redacted, export_id)
        custody = contents.gather(items, case)
        index = contents.index_json(export_id, case, entries, custody, redacted, left_out)
        by = actor if isinstance(actor, str) else f"{actor} ({actor.get_username()})"
        title = (
            f"Custody report: case {case.number} — {case.title}"
            if case
            else f"Custody report: {len(items)} exported item(s)"
        )
        custody_files = {
            fmt.EVENTS: contents.events_jsonl(custody),
            fmt.PROOFS: contents.proofs_jsonl(custody),
            fmt.CHECKPOINT: custody.checkpoint.note.encode(),
            fmt.KEY: (public_verifier_key() + "\n").encode(),
            fmt.INDEX: index,
            fmt.STATEMENT: contents.statement(export_id, index).encode(),
            fmt.REPORT: contents.report_pdf(title, by, items, custody),
            fmt.README: _readme(export_id, case, items, by, redacted, missing),
        }
        for name, data in custody_files.items():
            writer.add_bytes(name.removeprefix("data/"), data)
        writer.finish(_bag_info(export_id, case, items))
    except BaseException:
        writer.close()
        raise
    manifest = bagit_fmt.manifest_text(writer.digests)
    return ExportResult(
        export_id=export_id,
        path=path,
        items=len(items),
        events=len(custody.events),
        files=len(writer.digests),
        bytes=writer.octets,
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        without_redacted=missing,
        left_out=left_out,
    )


def _credentialed(
    writer: bagit_fmt.BagWriter,
    name: str,
    blob: Any,
    what: str,
    mime: str,
    facts: credentials.Facts,
) -> str | None:
    """Stream the file into the bag, then, for media C2PA knows, add its content
    credentials as data/credentials/<name>.c2pa; return that path (or None)."""
    if not credentials.supported(mime):
        _stream(writer, name, blob, what)
        return None
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
        _stream(writer, name, blob, what, copy)
        copy.seek(0)
        manifest = credentials.try_sign(copy, mime, facts)
    if manifest is None:
        return None
    path = f"credentials/{name}.c2pa"
    writer.add_bytes(path, manifest)
    return f"data/{path}"


def _media(
    writer: bagit_fmt.BagWriter, items: list[Item], redacted: bool, export_id: str
) -> tuple[list[dict[str, Any]], list[str]]:
    entries: list[dict[str, Any]] = []
    missing: list[str] = []
    for item in items:
        stem = f"{item.pk}_{contents.safe_name(item.title)}"
        entry: dict[str, Any] = {
            "id": str(item.pk),
            "title": item.title,
            "sha256": item.blob.sha256,
            "size": item.blob.size,
            "original": None,
            "redacted": None,
            "credentials": None,
        }
        facts = credentials.Facts(item.title, str(item.pk), export_id, item.blob.sha256)
        if not redacted:
            name = f"originals/{stem}"
            entry["credentials"] = _credentialed(
                writer, name, item.blob, f"The original of “{item.title}”", item.mime, facts
            )
            entry["original"] = f"data/{name}"
        else:
            version = _newest_redacted(item)
            if version is None:
                missing.append(f"{item.pk} ({item.title})")
            else:
                name = (
                    f"redacted/{item.pk}_plan{version.plan.number}_{contents.safe_name(item.title)}"
                )
                entry["credentials"] = _credentialed(
                    writer,
                    name,
                    version.blob,
                    f"The redacted copy of “{item.title}”",
                    version.blob.mime or item.mime,
                    dataclasses.replace(facts, redaction_plan=version.plan.number),
                )
                entry["redacted"] = {
                    "path": f"data/{name}",
                    "sha256": version.blob.sha256,
                    "plan": version.plan.number,
                }
        entries.append(entry)
    return entries, missing


def _bag_info(export_id: str, case: Case | None, items: list[Item]) -> dict[str, str]:
    return {
        "Source-Organization": str(settings.AGENCY_NAME),
        "Bagging-Date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "External-Identifier": case.number if case else " ".join(str(i.pk) for i in items),
        "Evidentia-Export-Id": export_id,
        "External-Description": "Evidence export with its chain of custody; see data/README.txt",
        "Bag-Software-Agent": "Evidentia (https://evidentia.example)",
    }


def _readme(
    export_id: str,
    case: Case | None,
    items: list[Item],
    by: str,
    redacted: bool,
    missing: list[str],
) -> bytes:
    scope = f"Case {case.number}: {case.title}" if case else f"{len(items)} evidence item(s)"
    gone = ""
    if missing:
        gone = (
            "\nThese items have no redacted copy yet, so only their custody record is here:\n"
            + "".join(f"  - {m}\n" for m in missing)
        )
    return contents.readme(
        export_id=export_id,
        agency=str(settings.AGENCY_NAME),
        scope=scope,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        by=by,
        originals_note="" if not redacted else " (not in this package)",
        redacted_note=" (not in this package)" if not redacted else "",
        missing=gone,
    )

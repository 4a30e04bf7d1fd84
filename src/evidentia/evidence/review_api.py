"""Review for training: bookmarks, comments, feedback threads, training-clip markers.

Shapes are small on purpose, for the player's timeline:
bookmark {"id","at_seconds","label","author","created_at"},
comment {"id","at_seconds","text","author","created_at"}.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from evidentia.accounts.auth import ApiAuth, signed_in_user
from evidentia.evidence.models import (
    Bookmark,
    Comment,
    FeedbackMessage,
    FeedbackThread,
    TrainingMarker,
)
from evidentia.evidence.services import review

router = Router(tags=["review"])
read = ApiAuth("evidence:read")
write = ApiAuth("evidence:write")


class BookmarkIn(Schema):
    at_seconds: float
    label: str


class BookmarkOut(Schema):
    id: int
    at_seconds: float
    label: str
    author: str
    created_at: datetime


class CommentIn(Schema):
    text: str
    at_seconds: float | None = None


class CommentOut(Schema):
    id: int
    at_seconds: float | None
    text: str
    author: str
    created_at: datetime


class ThreadIn(Schema):
    subject: str
    text: str
    at_seconds: float | None = None


class ThreadOut(Schema):
    id: int
    subject: str
    officer: str
    opened_by: str
    created_at: datetime
    messages: list[CommentOut]


class TrainingIn(Schema):
    start_seconds: float
    end_seconds: float
    note: str = ""


class TrainingOut(Schema):
    id: int
    start_seconds: float
    end_seconds: float
    note: str
    author: str
    created_at: datetime


def bookmark_out(b: Bookmark) -> dict[str, Any]:
    return {
        "id": b.pk,
        "at_seconds": b.at_seconds,
        "label": b.label,
        "author": str(b.author),
        "created_at": b.created_at,
    }


def comment_out(c: Comment | FeedbackMessage) -> dict[str, Any]:
    return {
        "id": c.pk,
        "at_seconds": c.at_seconds,
        "text": c.text,
        "author": str(c.author),
        "created_at": c.created_at,
    }


def thread_out(t: FeedbackThread) -> dict[str, Any]:
    return {
        "id": t.pk,
        "subject": t.subject,
        "officer": str(t.officer),
        "opened_by": str(t.opened_by),
        "created_at": t.created_at,
        "messages": [comment_out(m) for m in t.messages.all()],
    }


def training_out(m: TrainingMarker) -> dict[str, Any]:
    return {
        "id": m.pk,
        "start_seconds": m.start_seconds,
        "end_seconds": m.end_seconds,
        "note": m.note,
        "author": str(m.set_by),
        "created_at": m.created_at,
    }


@router.get("items/{item_id}/bookmarks", response=list[BookmarkOut], auth=read)
def list_bookmarks(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    return [bookmark_out(b) for b in review.bookmarks(signed_in_user(request), item_id)]


@router.post("items/{item_id}/bookmarks", response={201: BookmarkOut}, auth=write)
def add_bookmark(request: HttpRequest, item_id: uuid.UUID, body: BookmarkIn) -> Status:
    mark = review.add_bookmark(
        signed_in_user(request), item_id, body.at_seconds, body.label, request
    )
    return Status(201, bookmark_out(mark))


@router.get("items/{item_id}/comments", response=list[CommentOut], auth=read)
def list_comments(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    return [comment_out(c) for c in review.comments(signed_in_user(request), item_id)]


@router.post("items/{item_id}/comments", response={201: CommentOut}, auth=write)
def add_comment(request: HttpRequest, item_id: uuid.UUID, body: CommentIn) -> Status:
    comment = review.add_comment(
        signed_in_user(request), item_id, body.text, body.at_seconds, request
    )
    return Status(201, comment_out(comment))


@router.get("items/{item_id}/feedback", response=list[ThreadOut], auth=read)
def list_feedback(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    """The feedback threads on this item that you take part in."""
    return [thread_out(t) for t in review.threads(signed_in_user(request), item_id)]


@router.post("items/{item_id}/feedback", response={201: ThreadOut}, auth=write)
def open_feedback(request: HttpRequest, item_id: uuid.UUID, body: ThreadIn) -> Status:
    """Open a thread with the recording officer (supervisors of the officer's unit)."""
    opened = review.open_thread(
        signed_in_user(request), item_id, body.subject, body.text, body.at_seconds, request
    )
    return Status(201, thread_out(opened))


@router.get("items/{item_id}/feedback/{thread_id}", response=ThreadOut, auth=read)
def get_feedback(request: HttpRequest, item_id: uuid.UUID, thread_id: int) -> dict[str, Any]:
    return thread_out(review.thread(signed_in_user(request), item_id, thread_id))


@router.post(
    "items/{item_id}/feedback/{thread_id}/messages", response={201: CommentOut}, auth=write
)
def reply_feedback(
    request: HttpRequest, item_id: uuid.UUID, thread_id: int, body: CommentIn
) -> Status:
    message = review.reply(
        signed_in_user(request), item_id, thread_id, body.text, body.at_seconds, request
    )
    return Status(201, comment_out(message))


@router.get("items/{item_id}/training", response=list[TrainingOut], auth=read)
def list_training(request: HttpRequest, item_id: uuid.UUID) -> list[dict[str, Any]]:
    return [training_out(m) for m in review.training_markers(signed_in_user(request), item_id)]


@router.post("items/{item_id}/training", response={201: TrainingOut}, auth=write)
def mark_training(request: HttpRequest, item_id: uuid.UUID, body: TrainingIn) -> Status:
    marker = review.mark_training(
        signed_in_user(request), item_id, body.start_seconds, body.end_seconds, body.note, request
    )
    return Status(201, training_out(marker))

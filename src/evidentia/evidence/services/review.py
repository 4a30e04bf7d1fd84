"""Review for training: bookmarks, comments, feedback threads and training-clip markers.

Who may do what:
- whoever may play an item bookmarks and comments on it; whoever may see it reads them;
- a supervisor of the recording officer's unit opens a feedback thread and marks
  training clips;
- a thread is read and answered by the recording officer, the supervisor who opened
  it and the supervisors of the officer's unit, and only while they can still see the
  item. To anyone else it does not exist (404).
Every change is a ledger event carrying ids and a hash of the text, never the text.
"""

from __future__ import annotations

import hashlib
import math

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import (
    Bookmark,
    Comment,
    FeedbackMessage,
    FeedbackThread,
    Item,
    TrainingMarker,
)
from evidentia.evidence.services.access import get_item

TEXT_MAX = 10_000
LABEL_MAX = 200
NO_THREAD = "No such feedback thread, or you do not take part in it."


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _text(value: str, what: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise Rejected(f"The {what} needs some text.")
    if len(value) > limit:
        raise Rejected(f"The {what} is at most {limit} characters.")
    return value


def _seconds(item: Item, value: float | None, what: str = "time") -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise Rejected(f"The {what} must be zero or more seconds.")
    if item.duration_seconds is not None and value > item.duration_seconds + 1:
        raise Rejected(
            f"The {what} ({value:.1f} s) is past the end of the recording "
            f"({item.duration_seconds:.1f} s)."
        )
    return float(value)


def supervises(user: User, officer: User | None) -> bool:
    """A supervisor of the officer's unit (not the officer themself)."""
    return bool(
        officer is not None
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.unit_id is not None
        and user.unit_id == officer.unit_id
        and user.pk != officer.pk
    )


def _playable(user: User, item_id: object) -> Item:
    item = get_item(user, item_id)
    if not policy.can_play(user, item):
        raise PermissionDenied("Your role may see this item's details but not review its media.")
    return item


# Bookmarks and comments


def bookmarks(user: User, item_id: object) -> QuerySet[Bookmark]:
    item = get_item(user, item_id)
    return Bookmark.objects.filter(item=item).select_related("author")


def add_bookmark(
    user: User,
    item_id: object,
    at_seconds: float,
    label: str,
    request: HttpRequest | None = None,
) -> Bookmark:
    item = _playable(user, item_id)
    at = _seconds(item, at_seconds)
    label = _text(label, "bookmark label", LABEL_MAX)
    with transaction.atomic():
        mark = Bookmark.objects.create(item=item, author=user, at_seconds=at, label=label)
        ledger.record(
            events.BOOKMARK_ADDED,
            actor=user,
            request=request,
            item=item,
            detail={"bookmark": mark.pk, "at_seconds": at, "sha256": _digest(label)},
        )
    return mark


def comments(user: User, item_id: object) -> QuerySet[Comment]:
    item = get_item(user, item_id)
    return Comment.objects.filter(item=item).select_related("author")


def add_comment(
    user: User,
    item_id: object,
    text: str,
    at_seconds: float | None = None,
    request: HttpRequest | None = None,
) -> Comment:
    item = _playable(user, item_id)
    at = _seconds(item, at_seconds)
    text = _text(text, "comment")
    with transaction.atomic():
        comment = Comment.objects.create(item=item, author=user, at_seconds=at, text=text)
        ledger.record(
            events.COMMENT_ADDED,
            actor=user,
            request=request,
            item=item,
            detail={"comment": comment.pk, "at_seconds": at, "sha256": _digest(text)},
        )
    return comment


# Feedback threads


def _readable_threads(user: User) -> Q:
    rule = Q(officer=user) | Q(opened_by=user)
    if user.role == Role.SUPERVISOR and user.unit_id is not None:
        rule |= Q(officer__unit_id=user.unit_id) & ~Q(officer=user)
    return rule


def threads(user: User, item_id: object) -> QuerySet[FeedbackThread]:
    """The threads on an item this user takes part in; an empty set for anyone else."""
    item = get_item(user, item_id)
    if not user.is_active:
        return FeedbackThread.objects.none()
    return (
        FeedbackThread.objects.filter(item=item)
        .filter(_readable_threads(user))
        .select_related("officer", "opened_by")
        .prefetch_related("messages__author")
    )


def thread(user: User, item_id: object, thread_id: object) -> FeedbackThread:
    try:
        return threads(user, item_id).get(pk=int(str(thread_id)))
    except (FeedbackThread.DoesNotExist, ValueError) as exc:
        raise NotFound(NO_THREAD) from exc


def open_thread(
    user: User,
    item_id: object,
    subject: str,
    text: str,
    at_seconds: float | None = None,
    request: HttpRequest | None = None,
) -> FeedbackThread:
    item = _playable(user, item_id)
    if item.officer is None:
        raise Rejected("This item has no recording officer to give feedback to.")
    if not supervises(user, item.officer):
        raise PermissionDenied("Only a supervisor of the recording officer's unit opens feedback.")
    subject = _text(subject, "subject", 200)
    text = _text(text, "message")
    at = _seconds(item, at_seconds)
    with transaction.atomic():
        opened = FeedbackThread.objects.create(
            item=item, officer=item.officer, opened_by=user, subject=subject
        )
        message = FeedbackMessage.objects.create(
            thread=opened, author=user, at_seconds=at, text=text
        )
        ledger.record(
            events.FEEDBACK_OPENED,
            actor=user,
            request=request,
            item=item,
            detail={
                "thread": opened.pk,
                "message": message.pk,
                "officer": item.officer.get_username(),
                "sha256": _digest(text),
            },
        )
    return opened


def reply(
    user: User,
    item_id: object,
    thread_id: object,
    text: str,
    at_seconds: float | None = None,
    request: HttpRequest | None = None,
) -> FeedbackMessage:
    found = thread(user, item_id, thread_id)
    text = _text(text, "message")
    at = _seconds(found.item, at_seconds)
    with transaction.atomic():
        message = FeedbackMessage.objects.create(
            thread=found, author=user, at_seconds=at, text=text
        )
        ledger.record(
            events.FEEDBACK_REPLIED,
            actor=user,
            request=request,
            item=found.item,
            detail={"thread": found.pk, "message": message.pk, "sha256": _digest(text)},
        )
    return message


# Training-clip markers


def training_markers(user: User, item_id: object) -> QuerySet[TrainingMarker]:
    item = get_item(user, item_id)
    return TrainingMarker.objects.filter(item=item).select_related("set_by")


def mark_training(
    user: User,
    item_id: object,
    start_seconds: float,
    end_seconds: float,
    note: str = "",
    request: HttpRequest | None = None,
) -> TrainingMarker:
    item = _playable(user, item_id)
    if not supervises(user, item.officer):
        raise PermissionDenied(
            "Only a supervisor of the recording officer's unit marks training clips."
        )
    start = _seconds(item, start_seconds, "start")
    end = _seconds(item, end_seconds, "end")
    if start is None or end is None or end <= start:
        raise Rejected("A training clip ends after it starts.")
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise Rejected(f"The note is at most {TEXT_MAX} characters.")
    with transaction.atomic():
        marker = TrainingMarker.objects.create(
            item=item, start_seconds=start, end_seconds=end, note=note, set_by=user
        )
        ledger.record(
            events.TRAINING_MARKED,
            actor=user,
            request=request,
            item=item,
            detail={"marker": marker.pk, "start_seconds": start, "end_seconds": end},
        )
    return marker

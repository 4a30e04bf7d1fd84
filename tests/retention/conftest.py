"""Retention fixtures: a second custodian, the seeded rules, and evidence old enough to be due."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Category
from evidentia.evidence.models import Item
from evidentia.evidence.services import pipeline
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.retention.models import RetentionRule
from tests.conftest import make_user
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def cora(db) -> User:
    """Cora is the second evidence custodian: she approves what Carmen requests."""
    return make_user("cora", Role.CUSTODIAN)


@pytest.fixture
def rules(db) -> dict[str, RetentionRule]:
    """The seeded example rules (put back when a transactional test emptied the tables)."""
    if not RetentionRule.objects.exists():
        importlib.import_module("evidentia.retention.migrations.0002_seed_rules").seed(apps, None)
    return {r.category.name: r for r in RetentionRule.objects.select_related("category")}


def category(name: str) -> Category:
    return Category.objects.get(name=name)


def age(item: Item, days: int) -> Item:
    """Pretend the item was recorded `days` ago."""
    Item.objects.filter(pk=item.pk).update(recorded_at=timezone.now() - timedelta(days=days))
    item.refresh_from_db()
    return item


@pytest.fixture
def clip(olivia, clip_path, rules) -> Item:
    """A real clip, processed with all its derived files, in Traffic, recorded 4 years ago."""
    sub = Submission(clip_path.name, "cli", officer=olivia, category=category("Traffic"))
    item = ingest_path(clip_path, sub, actor=olivia).item
    process(item)
    for kind in pipeline.kinds_for(item):
        pipeline.run(item, kind)
    return age(item, 4 * 365)


@pytest.fixture
def old_note(olivia, rules) -> Item:
    """A small non-evidentiary file, a year old: due."""
    item = ingest_bytes(b"non-evidentiary notes", name="notes.txt", officer=olivia)
    Item.objects.filter(pk=item.pk).update(category=category("Non-evidentiary"))
    return age(item, 365)

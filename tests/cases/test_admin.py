"""The admin: categories carry their retention period; tags are listed, not edited."""

from __future__ import annotations

from evidentia.cases.models import Category


def test_an_admin_sets_a_categorys_retention_period(adam, as_user):
    client = as_user(adam)
    assert b"retention_days" in client.get("/admin/cases/category/add/").content
    client.post("/admin/cases/category/add/", {"name": "DUI", "retention_days": "1095"})
    assert Category.objects.get(name="DUI").retention_days == 1095


def test_an_empty_retention_period_keeps_evidence_indefinitely(adam, as_user):
    Category.objects.get_or_create(name="Homicide")  # seeded with the retention rules
    assert b"indefinitely" in as_user(adam).get("/admin/cases/category/").content


def test_tags_cannot_be_added_in_the_admin(adam, as_user):
    assert as_user(adam).get("/admin/cases/tag/add/").status_code == 403

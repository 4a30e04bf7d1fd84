"""Disposition is refused, with the reason, while anything stands in its way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cases import services as cases
from evidentia.cases.models import CaseStatus
from evidentia.core.errors import Rejected
from evidentia.evidence.models import Item
from evidentia.retention import services
from evidentia.retention.models import Disposition
from evidentia.sharing.services import shares
from tests.evidence.helpers import ingest_bytes
from tests.retention.conftest import age, category


@pytest.fixture
def case(ivan, carmen, old_note):
    made = cases.create_case(actor=ivan, number="C-2026-001", title="Stolen bicycle")
    cases.link_item(made, old_note, actor=ivan)
    return made


def refused(item, who, match):
    with pytest.raises(services.Refused, match=match):
        services.request_disposition(item, who, "period ended")
    assert not Disposition.objects.filter(item=item, state="requested").exists()


def test_an_item_on_hold_is_refused(old_note, carmen):
    services.place_hold(actor=carmen, reason="Civil suit 24-CV-118", item=old_note)
    refused(old_note, carmen, "legal hold on the item .*24-CV-118")


def test_an_item_in_a_case_on_hold_is_refused(old_note, carmen, case):
    services.place_hold(actor=carmen, reason="Appeal pending", case=case)
    refused(old_note, carmen, "legal hold on case C-2026-001")


def test_a_released_hold_no_longer_blocks(old_note, carmen):
    hold = services.place_hold(actor=carmen, reason="Civil suit", item=old_note)
    services.release_hold(hold, actor=carmen, reason="Suit settled")
    assert services.request_disposition(old_note, carmen, "period ended").state == "requested"


def test_a_hold_placed_after_the_request_blocks_approval(old_note, carmen, cora):
    d = services.request_disposition(old_note, carmen, "period ended")
    services.place_hold(actor=cora, reason="New subpoena", item=old_note)
    with pytest.raises(services.Refused, match="New subpoena"):
        services.approve(d, cora)


def test_a_permanent_category_is_refused(olivia, carmen, rules):
    item = ingest_bytes(b"homicide scene", officer=olivia, category=category("Homicide"))
    refused(age(item, 40 * 365), carmen, "kept permanently")


def test_an_item_not_yet_due_is_refused(olivia, carmen, rules):
    item = ingest_bytes(b"last week", officer=olivia, category=category("Non-evidentiary"))
    refused(age(item, 7), carmen, "not due until")


def test_an_item_without_a_rule_is_refused(olivia, carmen, rules):
    item = age(ingest_bytes(b"uncategorised", officer=olivia), 9000)
    refused(item, carmen, "no retention rule")


def test_a_closure_rule_waits_for_the_case_to_close(olivia, ivan, carmen, rules):
    item = ingest_bytes(b"felony clip", officer=olivia, category=category("Felony"))
    age(item, 20 * 365)
    made = cases.create_case(actor=ivan, number="C-2026-002", title="Robbery")
    cases.link_item(made, item, actor=ivan)
    refused(item, carmen, "case C-2026-002 is not closed")
    cases.set_status(made, CaseStatus.CLOSED, actor=ivan)
    refused(item, carmen, "not due until")  # ten years from closure, i.e. from today


def test_an_item_already_disposed_is_refused(old_note, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    services.shred(services.approve(services.request_disposition(old_note, carmen, "x"), cora))
    refused(Item.objects.get(pk=old_note.pk), carmen, "already disposed")


def test_a_second_request_is_refused_while_one_is_pending(old_note, carmen):
    services.request_disposition(old_note, carmen, "period ended")
    with pytest.raises(services.Refused, match="already awaiting approval"):
        services.request_disposition(old_note, carmen, "again")
    assert Disposition.objects.filter(item=old_note).count() == 1


def test_a_request_needs_a_reason(old_note, carmen):
    with pytest.raises(Rejected, match="reason"):
        services.request_disposition(old_note, carmen, "  ")


def share_with_petra(item, carmen, petra):
    expires = timezone.now() + timedelta(days=30)
    return shares.create(carmen, grantee=petra, items=[item], expires_at=expires)


def test_an_item_in_a_live_share_is_refused_with_the_reason(old_note, carmen, petra):
    share_with_petra(old_note, carmen, petra)
    refused(old_note, carmen, "shared with Petra")


def test_a_revoked_share_no_longer_blocks_disposition(old_note, carmen, petra):
    shares.revoke(carmen, share_with_petra(old_note, carmen, petra))
    assert services.request_disposition(old_note, carmen, "period ended").state == "requested"


def test_a_rejected_request_keeps_the_item(old_note, carmen, cora):
    d = services.request_disposition(old_note, carmen, "period ended")
    services.reject(d, cora, "Detective asked to keep it")
    d.refresh_from_db()
    assert d.state == "rejected"
    assert Item.objects.get(pk=old_note.pk).disposed_at is None
    with pytest.raises(services.Refused, match="not approved"):
        services.shred(d)


def test_a_categorys_own_retention_days_apply_when_it_has_no_rule(olivia, carmen, rules):
    from evidentia.cases.models import Category

    dui = Category.objects.create(name="DUI", retention_days=30)
    item = age(ingest_bytes(b"dui clip", officer=olivia, category=dui), 31)
    assert services.request_disposition(item, carmen, "period ended").state == "requested"


def test_an_item_shared_with_an_outside_address_is_refused_naming_it(old_note, carmen):
    expires = timezone.now() + timedelta(days=30)
    shares.create(
        carmen,
        grantee=None,
        recipient_email="defence@example.org",
        items=[old_note],
        expires_at=expires,
    )
    refused(old_note, carmen, "shared with defence@example.org")

"""Evidence-submission invites: the token is shown once and only its hash is kept, the
witness may be emailed the link, only those who may add evidence to the case invite,
and a revoked invite stops working."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from evidentia.cases import services as cases
from evidentia.community.models import Invite, InviteFile
from evidentia.community.services import grants, invites
from evidentia.community.services._common import PUBLIC_ACTOR, digest
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.media import SNIFF_BYTES
from evidentia.evidence.services.ingest import finish
from evidentia.evidence.vaultio import vault
from tests.community.conftest import exif_photo
from tests.community.staff import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(ivan):
    return cases.create_case(number="2026-0042", title="Bus stop assault", actor=ivan)


def test_an_invite_stores_only_the_hash_of_its_token(case, ivan):
    invite, token = invites.create(case, "Bus driver", actor=ivan)
    stored = Invite.objects.get(pk=invite.pk)
    assert stored.token_hash == digest(token)
    assert token not in str(Invite.objects.filter(pk=invite.pk).values().get())


def test_the_token_is_long_and_random(case, ivan):
    _, one = invites.create(case, "Bus driver", actor=ivan)
    _, two = invites.create(case, "Passenger", actor=ivan)
    assert one != two and len(one) >= 43


def test_the_token_opens_its_invite(case, ivan):
    invite, token = invites.create(case, "Bus driver", actor=ivan)
    assert grants.find_invite(token) == invite


def test_an_invite_takes_its_limits_from_the_settings_by_default(case, ivan, settings):
    settings.INVITE_DEFAULT_DAYS = 7
    invite, _ = invites.create(case, "Bus driver", actor=ivan)
    lasts = invite.expires_at - invite.created_at
    assert lasts == timedelta(days=7)
    assert invite.max_files == settings.INVITE_DEFAULT_MAX_FILES
    assert invite.max_bytes == settings.INVITE_DEFAULT_MAX_BYTES


def test_the_ledger_records_the_invite_without_its_token_or_label(case, ivan):
    invite, token = invites.create(case, "Jane Roe, bus driver", actor=ivan)
    body = Event.objects.get(kind=events.INVITE_CREATED).body
    assert token not in body and "Jane" not in body
    assert last_event(events.INVITE_CREATED)["detail"]["invite"] == str(invite.pk)


def test_an_invite_with_an_email_sends_the_link(case, ivan, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invites.create(
            case, "Bus driver", "driver@example.org", "Please send the dashcam clip.", actor=ivan
        )
    assert [m.to for m in mail.outbox] == [["driver@example.org"]]
    body = mail.outbox[0].body
    assert f"/public/invite/{token}/" in body and "Please send the dashcam clip." in body


def test_an_invite_without_an_email_sends_nothing(case, ivan, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invites.create(case, "Bus driver", actor=ivan)
    assert mail.outbox == []


def test_bad_limits_are_refused_field_by_field(case, ivan):
    with pytest.raises(Invalid) as refused:
        invites.create(case, "", "not-an-email", days=0, max_files=0, actor=ivan)
    assert set(refused.value.errors) == {"label", "email", "days", "max_files"}


def test_a_non_member_cannot_invite(case, sam):
    with pytest.raises(PermissionDenied):
        invites.create(case, "Bus driver", actor=sam)
    assert not Invite.objects.exists()


def test_a_custodian_may_invite_on_an_unrestricted_case(case, carmen):
    invite, _ = invites.create(case, "Bus driver", actor=carmen)
    assert invite.created_by == carmen


def test_an_archived_case_takes_no_invites(case, ivan):
    cases.set_status(case, "archived", actor=ivan)
    with pytest.raises(Conflict):
        invites.create(case, "Bus driver", actor=ivan)


def test_revoking_closes_the_invite_and_is_logged(case, ivan):
    invite, _ = invites.create(case, "Bus driver", actor=ivan)
    invites.revoke(invite, actor=ivan)
    invite.refresh_from_db()
    assert invite.state == "revoked" and invite.revoked_by == ivan
    assert "withdrawn" in grants.invite_closed_reason(invite)
    assert last_event(events.INVITE_REVOKED)["detail"]["invite"] == str(invite.pk)


def test_revoking_twice_is_refused(case, ivan):
    invite, _ = invites.create(case, "Bus driver", actor=ivan)
    invites.revoke(invite, actor=ivan)
    with pytest.raises(Conflict):
        invites.revoke(invite, actor=ivan)


def test_a_non_member_cannot_revoke(case, ivan, olivia):
    invite, _ = invites.create(case, "Bus driver", actor=ivan)
    with pytest.raises(PermissionDenied):
        invites.revoke(invite, actor=olivia)


def test_an_expired_invite_reads_as_expired(case, ivan):
    invite, _ = invites.create(case, "Bus driver", days=1, actor=ivan)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invite.refresh_from_db()
    assert invite.state == "expired" and "expired" in grants.invite_closed_reason(invite)


def test_the_qr_code_is_an_inline_svg_drawn_here():
    svg = invites.qr_svg("https://portal.example.org/public/invite/abc/")
    assert svg.lstrip().startswith(("<svg", "<?xml")) and "<path" in svg
    assert "http" not in svg.split("<svg", 1)[1].replace("http://www.w3.org", "")


def test_a_file_received_through_an_invite_is_listed_on_the_case_page(case, ivan, as_user):
    invite, _ = invites.create(case, "Bus driver", actor=ivan)
    received = _receive(invite, exif_photo(serial="WITNESS-1"), "dashcam.jpg")
    page = as_user(ivan).get(f"/community/cases/{case.pk}/invites/").content.decode()
    assert "Bus driver" in page and f"/evidence/{received.item_id}/" in page
    assert "1 of 10" in page


def _receive(invite: Invite, data: bytes, name: str) -> InviteFile:
    """What the tus endpoint does with a witness's finished upload."""
    written = vault().write(io.BytesIO(data), uuid.uuid4())
    sub = grants.invite_submission(invite, name)
    ingested = finish(written, data[:SNIFF_BYTES], sub, actor=PUBLIC_ACTOR)
    grants.invite_stored(invite, ingested)
    return InviteFile.objects.get(invite=invite, item=ingested.item)

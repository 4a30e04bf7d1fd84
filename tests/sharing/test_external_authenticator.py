"""A repeat external recipient (a defence lawyer) uses an authenticator app instead of an
e-mailed code: set up after a good e-mailed code, accepted on any share for the same
address, each step once, wrong codes costing the same five tries (decision 0032)."""

from __future__ import annotations

import base64
import logging
import re
import time
from binascii import unhexlify
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.sharing.models import ExternalAuthenticator, ShareCode
from evidentia.sharing.services import shares

pytestmark = pytest.mark.django_db

EMAIL = "counsel@lawfirm.example"


def soon(days: int = 7):
    return timezone.now() + timedelta(days=days)


def sent_link() -> str:
    return re.search(r"(/exports/shared/\S+)", mail.outbox[-2].body).group(1)


def sent_code() -> str:
    return re.search(r"\b(\d{8})\b", mail.outbox[-1].body).group(1)


def app() -> ExternalAuthenticator:
    return ExternalAuthenticator.objects.get(email=EMAIL, revoked_at__isnull=True)


def app_code(key: str | None = None, steps: int = 0) -> str:
    """The code the recipient's app shows now (or `steps` periods from now), computed
    from the stored secret as a real authenticator app would."""
    totp = TOTP(unhexlify((key or app().key).encode()), step=30, digits=6)
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def wrong_app_code() -> str:
    good = {app_code(steps=s) for s in (-1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in good)


def kinds() -> list[str]:
    return list(Event.objects.order_by("seq").values_list("kind", flat=True))


@pytest.fixture
def ext_share(ivan, clips):
    return shares.create(ivan, recipient_email=EMAIL, items=[clips[0]], expires_at=soon())


@pytest.fixture
def link(ext_share) -> str:
    return sent_link()


@pytest.fixture
def lawyer(link) -> Client:
    """The lawyer's browser, signed in to the share with the e-mailed code."""
    browser = Client()
    assert browser.post(link, {"code": sent_code()}).status_code == 302
    return browser


@pytest.fixture
def enrolled(lawyer, link) -> Client:
    """The lawyer has set up the app and confirmed it with one current code."""
    lawyer.post(link + "/authenticator")
    reply = lawyer.post(link + "/authenticator/confirm", {"code": app_code()})
    assert reply.status_code == 302
    return lawyer


@pytest.fixture
def second_link(ivan, clips, enrolled) -> str:
    """A later share of another clip to the same address."""
    shares.create(ivan, recipient_email=EMAIL, items=[clips[1]], expires_at=soon())
    return sent_link()


def test_after_a_good_emailed_code_the_app_is_offered_not_forced(lawyer, link, clips):
    page = lawyer.get(link)
    assert b"Use an authenticator app next time" in page.content
    assert clips[0].title.encode() in page.content
    assert not ExternalAuthenticator.objects.exists()


def test_setting_up_shows_a_local_qr_code_and_the_key(lawyer, link):
    lawyer.post(link + "/authenticator")
    page = lawyer.get(link + "/authenticator")
    secret = base64.b32encode(unhexlify(app().key)).decode().rstrip("=")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "otpauth://totp/" in text
    assert secret[:4] + " " + secret[4:8] in text
    assert 'src="http' not in text  # drawn here, never fetched from a QR service


def test_a_current_code_from_the_app_confirms_it(lawyer, link):
    lawyer.post(link + "/authenticator")
    reply = lawyer.post(link + "/authenticator/confirm", {"code": app_code()})
    assert reply.status_code == 302
    assert app().confirmed_at is not None
    assert events.SHARE_AUTHENTICATOR_ENROLLED in kinds()
    assert events.SHARE_AUTHENTICATOR_CONFIRMED in kinds()


def test_a_wrong_code_does_not_confirm_the_app(lawyer, link):
    lawyer.post(link + "/authenticator")
    page = lawyer.post(link + "/authenticator/confirm", {"code": wrong_app_code()})
    assert page.status_code == 422
    assert app().confirmed_at is None


def test_until_confirmed_nothing_changes_for_the_next_visit(lawyer, link):
    lawyer.post(link + "/authenticator")
    key = app().key
    visitor = Client()
    assert b'name="app_code"' not in visitor.get(link).content
    assert visitor.post(link, {"app_code": app_code(key)}).status_code == 403


def test_setting_up_needs_a_session_opened_with_an_emailed_code(link):
    reply = Client().post(link + "/authenticator")
    assert reply.status_code == 403
    assert not ExternalAuthenticator.objects.exists()


def test_a_session_opened_with_the_app_cannot_set_up_another(enrolled, link):
    visitor = Client()
    visitor.post(link, {"app_code": app_code(steps=1)})
    assert visitor.post(link + "/authenticator").status_code == 403


def test_a_later_share_to_the_same_address_offers_the_app(second_link):
    page = Client().get(second_link)
    assert b"Code from your authenticator app" in page.content
    assert b"E-mail me a code" in page.content


def test_a_later_share_to_the_same_address_accepts_the_app_code(second_link, clips):
    visitor = Client()
    assert visitor.post(second_link, {"app_code": app_code(steps=1)}).status_code == 302
    assert clips[1].title.encode() in visitor.get(second_link).content
    opened = Event.objects.filter(kind=events.SHARE_ACCESSED).order_by("-seq").first()
    assert '"via":"authenticator"' in opened.body


def test_a_replayed_app_code_is_refused(second_link):
    code = app_code(steps=1)
    Client().post(second_link, {"app_code": code})
    page = Client().post(second_link, {"app_code": code})
    assert page.status_code == 403
    assert b"already used" in page.content
    refused = Event.objects.filter(kind=events.SHARE_CODE_REFUSED).order_by("-seq").first()
    assert '"replayed app code"' in refused.body


def test_a_wrong_app_code_is_refused_and_counted(second_link):
    page = Client().post(second_link, {"app_code": wrong_app_code()})
    assert page.status_code == 403
    assert b"4 tries left" in page.content
    assert app().failures == 1
    assert ShareCode.objects.filter(attempts=1).count() == 1


def test_five_wrong_app_codes_lock_the_app_even_for_a_good_code(second_link):
    visitor = Client()
    for _ in range(5):
        visitor.post(second_link, {"app_code": wrong_app_code()})
    page = visitor.post(second_link, {"app_code": app_code(steps=1)})
    assert page.status_code == 403
    assert b"Too many wrong tries" in page.content


def test_five_wrong_app_codes_burn_the_emailed_code_too(second_link):
    code = sent_code()
    visitor = Client()
    for _ in range(5):
        visitor.post(second_link, {"app_code": wrong_app_code()})
    page = visitor.post(second_link, {"code": code})
    assert page.status_code == 403
    assert b"new one" in page.content


def test_wrong_emailed_and_app_codes_share_the_five_tries(second_link):
    code = sent_code()
    wrong = "00000000" if code != "00000000" else "11111111"
    visitor = Client()
    for _ in range(3):
        visitor.post(second_link, {"code": wrong})
    visitor.post(second_link, {"app_code": wrong_app_code()})
    page = visitor.post(second_link, {"app_code": wrong_app_code()})
    assert b"Too many wrong tries" in page.content


def test_a_good_emailed_code_unlocks_the_app(second_link):
    visitor = Client()
    for _ in range(5):
        visitor.post(second_link, {"app_code": wrong_app_code()})
    visitor.post(second_link + "/code")
    assert Client().post(second_link, {"code": sent_code()}).status_code == 302
    assert Client().post(second_link, {"app_code": app_code(steps=1)}).status_code == 302


def test_a_revoked_share_refuses_even_a_good_app_code(ivan, ext_share, enrolled, link):
    before = app().last_t
    shares.revoke(ivan, ext_share)
    assert Client().post(link, {"app_code": app_code(steps=1)}).status_code == 410
    assert app().last_t == before


def test_an_app_session_lapses_like_an_emailed_one(second_link, monkeypatch):
    from evidentia.sharing.services import external

    visitor = Client()
    visitor.post(second_link, {"app_code": app_code(steps=1)})
    monkeypatch.setattr(external, "IDLE_SECONDS", -1)
    assert b'name="app_code"' in visitor.get(second_link).content


def test_the_emailed_code_still_works_with_an_app(second_link):
    visitor = Client()
    visitor.post(second_link + "/code")
    assert visitor.post(second_link, {"code": sent_code()}).status_code == 302


def test_the_recipient_can_stop_using_the_app(enrolled, link, second_link):
    page = enrolled.get(link)
    assert b"Stop using the authenticator app" in page.content
    assert enrolled.post(link + "/authenticator/remove").status_code == 302
    assert not ExternalAuthenticator.objects.filter(revoked_at__isnull=True).exists()
    assert ExternalAuthenticator.objects.get().key == ""
    assert b'name="app_code"' not in Client().get(second_link).content
    assert events.SHARE_AUTHENTICATOR_REMOVED in kinds()


def test_the_recipient_can_stop_after_signing_in_with_the_app(second_link):
    visitor = Client()
    visitor.post(second_link, {"app_code": app_code(steps=1)})
    assert visitor.post(second_link + "/authenticator/remove").status_code == 302
    assert not ExternalAuthenticator.objects.filter(revoked_at__isnull=True).exists()


def test_removing_needs_a_session(enrolled, link):
    assert Client().post(link + "/authenticator/remove").status_code == 403
    assert app().confirmed_at is not None


def test_the_sharer_can_reset_the_app(as_user, ivan, ext_share, enrolled, link):
    url = reverse("sharing:reset_authenticator", args=[ext_share.pk])
    assert as_user(ivan).post(url).status_code == 302
    assert not ExternalAuthenticator.objects.filter(revoked_at__isnull=True).exists()
    assert b'name="app_code"' not in Client().get(link).content
    reset = Event.objects.get(kind=events.SHARE_AUTHENTICATOR_RESET)
    assert reset.actor == ivan.username


@pytest.mark.usefixtures("enrolled")
def test_the_sharer_sees_the_app_steps_among_the_recipients_accesses(ext_share):
    what = [row["what"] for row in shares.accesses(ext_share)]
    assert "recipient started setting up an authenticator app" in what
    assert "recipient's authenticator app confirmed" in what


def test_an_admin_can_reset_the_app(as_user, adam, ext_share, enrolled):
    url = reverse("sharing:reset_authenticator", args=[ext_share.pk])
    assert as_user(adam).post(url).status_code == 302
    assert not ExternalAuthenticator.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("carmen", 403), ("oscar", 404), ("olivia", 404), ("audrey", 404), ("stella", 404)],
)
def test_others_cannot_reset_the_app(request, as_user, ext_share, enrolled, persona, status):
    url = reverse("sharing:reset_authenticator", args=[ext_share.pk])
    assert as_user(request.getfixturevalue(persona)).post(url).status_code == status
    assert app().confirmed_at is not None


def test_the_share_page_offers_the_reset_to_the_sharer(as_user, ivan, ext_share, enrolled):
    page = as_user(ivan).get(reverse("sharing:share", args=[ext_share.pk]))
    assert b"Reset the recipient's authenticator app" in page.content


def test_the_secret_never_appears_after_setting_up(as_user, ivan, ext_share, link, caplog):
    caplog.set_level(logging.DEBUG)
    lawyer = Client()
    lawyer.post(link, {"code": sent_code()})
    lawyer.post(link + "/authenticator")
    key = app().key
    b32 = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    lawyer.post(link + "/authenticator/confirm", {"code": app_code(key)})
    pages = [
        lawyer.get(link),
        lawyer.get(link + "/authenticator", follow=True),
        Client().get(link),
        as_user(ivan).get(reverse("sharing:share", args=[ext_share.pk])),
    ]
    for text in [p.content.decode() for p in pages]:
        assert key not in text and b32[:8] not in text
    bodies = "".join(Event.objects.values_list("body", flat=True))
    assert key not in bodies and b32 not in bodies
    assert key not in caplog.text and b32 not in caplog.text


def test_the_ledger_never_holds_an_app_code(second_link):
    code = app_code(steps=1)
    Client().post(second_link, {"app_code": code})
    wrong = wrong_app_code()
    Client().post(second_link, {"app_code": wrong})
    bodies = "".join(Event.objects.values_list("body", flat=True))
    assert f'"{code}"' not in bodies and f'"{wrong}"' not in bodies


def test_the_external_pages_let_a_browser_post_their_forms(link):
    # Under "no-referrer" a browser posts with `Origin: null` and the CSRF check refuses
    # it; "strict-origin" sends our origin only, never the path with the link token.
    assert Client().get(link)["Referrer-Policy"] == "strict-origin"


def test_a_csrf_less_post_is_refused(link):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link, {"app_code": "123456"}).status_code == 403
    assert not Event.objects.filter(kind=events.SHARE_CODE_REFUSED).exists()

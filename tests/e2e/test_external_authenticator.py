"""A defence lawyer opens a share with an e-mailed code, sets up an authenticator app,
and opens a later share with a code from the app instead of an e-mail (decision 0032)."""

from __future__ import annotations

import re
import time
from binascii import unhexlify
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP

from evidentia.cases import services as cases
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.sharing.models import ExternalAuthenticator
from evidentia.sharing.services import shares
from tests.conftest import screenshot as shot

EMAIL = "counsel@lawfirm.example"


def app_code(steps: int = 0) -> str:
    """What the lawyer's phone shows, from the secret the app was given."""
    key = ExternalAuthenticator.objects.get(email=EMAIL, revoked_at__isnull=True).key
    totp = TOTP(unhexlify(key.encode()), step=30, digits=6)
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def share_by_email(ivan, item) -> tuple[str, str]:
    shares.create(
        ivan, recipient_email=EMAIL, items=[item], expires_at=timezone.now() + timedelta(days=7)
    )
    link = re.search(r"(/exports/shared/\S+)", mail.outbox[-2].body).group(1)
    code = re.search(r"\b(\d{8})\b", mail.outbox[-1].body).group(1)
    return link, code


def test_a_lawyer_sets_up_an_app_and_opens_a_later_share_with_it(
    live_server, browser, ivan, olivia, carmen, clip_path
):
    base = live_server.url
    case = cases.create_case(number="2026-0101", title="Harbor Road assault", actor=ivan)
    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia, case=case)
    item = ingest_path(clip_path, sub, actor=carmen).item
    link, code = share_by_email(ivan, item)

    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    page = ctx.new_page()
    page.goto(base + link)
    page.fill("#x-code", code)
    page.click("button:has-text('Open')")
    page.wait_for_selector("text=Use an authenticator app next time")
    shot(page, "ext-app-01-offer")
    page.click("button:has-text('Set up an authenticator app')")
    page.wait_for_selector("svg[role=img]")
    shot(page, "ext-app-02-setup")
    page.fill("#x-confirm", app_code())
    page.click("button:has-text('Confirm')")
    page.wait_for_selector("text=Your authenticator app is set up")
    shot(page, "ext-app-03-confirmed")
    assert "Stop using the authenticator app" in page.content()
    ctx.close()

    later, _ = share_by_email(ivan, item)
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    page = ctx.new_page()
    page.goto(base + later)
    page.wait_for_selector("text=Code from your authenticator app")
    page.fill("#x-app-code", app_code(steps=1))
    shot(page, "ext-app-04-app-code")
    page.click("button:has-text('Open with the app code')")
    page.wait_for_selector(f"text={item.title}")
    shot(page, "ext-app-05-opened")
    assert "Stop using the authenticator app" in page.content()
    ctx.close()

"""In a real browser: a witness's upload cut off by a reload carries on from where it
stopped when they choose the same file again, although the page's signed grant is new."""

from __future__ import annotations

import time

import pytest

from evidentia.community.models import InviteFile
from tests.community.conftest import exif_photo
from tests.community.test_public_uploads import WITNESS_TOKEN, make_invite

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_upload_cut_off_by_a_reload_resumes_with_the_same_file(
    live_server, browser, ivan, tmp_path
):
    make_invite(ivan, max_bytes=10 * 1024**2)
    photo = tmp_path / "doorbell.jpg"
    photo.write_bytes(exif_photo())
    context = browser.new_context()
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if "/public/uploads/" in r.url else None)

    page.route(
        "**/public/uploads/**",
        lambda route: route.abort() if route.request.method == "PATCH" else route.continue_(),
    )
    page.goto(f"{live_server.url}/public/invite/{WITNESS_TOKEN}/")
    first_grant = page.get_attribute("[data-uploader]", "data-grant")
    with page.expect_request(lambda r: r.method == "PATCH"):
        page.set_input_files("#i-files", str(photo))
    time.sleep(1.1)  # a grant signed a second later differs
    page.unroute("**/public/uploads/**")
    page.reload()
    assert page.get_attribute("[data-uploader]", "data-grant") != first_grant

    page.set_input_files("#i-files", str(photo))
    page.locator(".upload-row.done", has_text="Received").wait_for(timeout=30_000)
    assert sent.count("POST") == 1, sent
    assert "HEAD" in sent
    assert InviteFile.objects.count() == 1
    context.close()

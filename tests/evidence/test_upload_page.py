"""/evidence/upload/: the browser upload page, rendered and driven in Chromium."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from evidentia.evidence.models import Item, Upload
from tests.conftest import ARTIFACTS, sign_in

TUS_JS = Path(django_settings.BASE_DIR) / "static" / "vendor" / "tus-js-client" / "tus.min.js"


def test_the_page_offers_a_labelled_file_input_and_the_details(db, olivia, as_user):
    response = as_user(olivia).get("/evidence/upload/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="u-files"' in html and 'id="u-files" type="file" multiple' in html
    assert 'data-endpoint="/api/v1/uploads/"' in html
    assert 'value="N-1042"' in html and "readonly" in html  # officers upload their own
    assert "vendor/tus-js-client/tus.min.js" in html


def test_a_custodian_may_choose_the_officer(db, carmen, olivia, as_user):
    html = as_user(carmen).get("/evidence/upload/").content.decode()
    assert 'list="u-officers"' in html and '<option value="N-1042">' in html


def test_an_auditor_is_told_they_cannot_upload(db, audrey, as_user):
    response = as_user(audrey).get("/evidence/upload/")
    assert "cannot upload evidence" in response.content.decode()
    assert "tus.min.js" not in response.content.decode()


def test_the_page_needs_a_signed_in_verified_user(db):
    response = Client().get("/evidence/upload/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.fixture
def tus_js():
    if not TUS_JS.exists():
        pytest.skip("tus-js-client is not vendored: run script/vendor.py")


def signed_in_page(browser, live_server, user):
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/evidence/upload/")
    return page


@pytest.mark.slow
@pytest.mark.usefixtures("tus_js")
def test_a_file_chosen_on_the_page_becomes_evidence(browser, live_server, olivia, clip_path):
    page = signed_in_page(browser, live_server, olivia)
    page.fill("#u-device", "BWC-7")
    page.set_input_files("#u-files", str(clip_path))
    link = page.locator("#u-list a.item-link")
    link.wait_for(timeout=30_000)
    assert "Stored as evidence" in page.inner_text("#u-list")
    assert page.inner_text("#u-list progress + .upload-foot, #u-list .upload-status")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    item = Item.objects.get(pk=link.get_attribute("href").strip("/").rsplit("/", 1)[1])
    assert item.blob.sha256 == hashlib.sha256(clip_path.read_bytes()).hexdigest()
    assert (item.officer, item.device_id, item.source) == (olivia, "BWC-7", "upload")


@pytest.mark.slow
@pytest.mark.usefixtures("tus_js")
def test_an_upload_cut_by_a_reload_resumes_when_the_same_file_is_chosen(
    browser, live_server, olivia, tmp_path
):
    path = tmp_path / "long-recording.bin"
    path.write_bytes(os.urandom(20 * 1024 * 1024))  # two 16 MiB chunks
    page = signed_in_page(browser, live_server, olivia)
    patches = []

    def second_patch_fails(route, request):
        if request.method == "PATCH":
            patches.append(request.url)
            if len(patches) > 1:
                return route.abort()
        return route.continue_()

    page.route("**/api/v1/uploads/**", second_patch_fails)
    page.set_input_files("#u-files", str(path))
    deadline = time.monotonic() + 30
    while not Upload.objects.filter(offset=16 * 1024 * 1024).exists():
        assert time.monotonic() < deadline, "the first chunk never arrived"
        page.wait_for_timeout(100)
    page.reload()  # the person closes the page mid-upload; PATCHes still fail until then
    page.wait_for_function(
        "document.querySelector('#u-pending li')?.textContent.includes('80%')", timeout=10_000
    )
    page.unroute("**/api/v1/uploads/**")
    page.set_input_files("#u-files", str(path))
    link = page.locator("#u-list a.item-link")
    link.wait_for(timeout=30_000)
    assert page.locator("#u-pending li").count() == 0
    assert Upload.objects.count() == 1  # resumed, not started again
    item = Item.objects.get(pk=link.get_attribute("href").strip("/").rsplit("/", 1)[1])
    assert item.blob.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

"""The "Export for court" button on the case and item pages."""

from __future__ import annotations

import io
import zipfile

from evidentia.custody import events
from evidentia.custody.models import Event


def test_an_investigator_downloads_a_case_export(as_user, ivan, ivans_case, clips):
    response = as_user(ivan).post(f"/exports/case/{ivans_case.pk}", {"variant": "originals"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="case-2026-0042.zip"')
    data = b"".join(response.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any("/data/originals/" in n for n in names)
    assert Event.objects.filter(kind=events.EXPORTED).count() == 3


def test_the_case_page_offers_the_export_to_an_investigator(as_user, ivan, ivans_case):
    page = as_user(ivan).get(f"/cases/{ivans_case.pk}/")
    assert "Export for court" in page.content.decode()


def test_an_officer_gets_a_readable_refusal(as_user, olivia, clips):
    response = as_user(olivia).post(f"/exports/item/{clips[0].pk}", {"variant": "originals"})
    assert response.status_code == 403
    assert "download permission" in response.content.decode()
    assert not Event.objects.filter(kind=events.EXPORTED).exists()


def test_the_item_page_offers_the_export_to_a_custodian(as_user, carmen, clips):
    page = as_user(carmen).get(f"/evidence/{clips[0].pk}/")
    assert "Export for court" in page.content.decode()

"""Changing a category's flags carries them to the reports already filed, toward privacy."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from evidentia.community.models import Report, Service
from evidentia.community.services import catalog, public
from evidentia.community.services._common import visible_reports
from evidentia.core.errors import PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.community.conftest import file

pytestmark = pytest.mark.django_db


def graffiti() -> Service:
    return Service.objects.get(code="graffiti")


def test_a_category_made_private_takes_its_reports_off_the_public_site(adam, filed):
    service = graffiti()
    service.public = False
    assert catalog.save_service(service, actor=adam) == 1
    assert not public.public_reports().exists()
    assert Event.objects.filter(kind=events.SERVICE_CHANGED).count() == 1


def test_a_category_made_public_does_not_publish_what_was_filed_before(adam):
    old = file("suspicious-activity").report
    service = Service.objects.get(code="suspicious-activity")
    service.public = True
    catalog.save_service(service, actor=adam)
    assert not Report.objects.get(pk=old.pk).public
    assert file("suspicious-activity").report.public


def test_a_category_made_standards_only_hides_its_reports_from_triage(adam, sam, stella, filed):
    service = graffiti()
    service.standards = True
    catalog.save_service(service, actor=adam)
    assert not visible_reports(sam).exists()
    assert visible_reports(stella).get() == filed.report
    assert not public.public_reports().exists()


def test_only_administrators_change_the_service_list(sam):
    with pytest.raises(PermissionDenied):
        catalog.save_service(graffiti(), actor=sam)


def test_the_admin_saves_through_the_service(adam, filed):
    request = RequestFactory().post("/admin/")
    request.user = adam
    request.session = {}
    request._messages = FallbackStorage(request)
    service = graffiti()
    service.public = False
    admin.site._registry[Service].save_model(request, service, form=None, change=True)
    assert not Report.objects.get(pk=filed.report.pk).public

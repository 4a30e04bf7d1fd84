"""Atom feeds of the public portal: public reports and the agency's public replies,
and live community alerts. Item summaries are HTML (Atom `type="html"`), so every
resident- or staff-written text is HTML-escaped here first, then XML-escaped by the
feed writer: a reader shows "<script>" as text, never runs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from evidentia.community.models import Alert, ReportUpdate, Status, Visibility
from evidentia.community.public_views.report_form import live_alerts
from evidentia.community.services import public
from evidentia.community.services.notify import absolute

LIMIT = 50


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    html: str
    link: str
    at: datetime


def _html(text: str) -> str:
    return linebreaks(escape(text))


class ReportsFeed(Feed):
    feed_type = Atom1Feed
    link = "/public/reports/"

    def title(self) -> str:
        return f"{settings.AGENCY_NAME}: public reports and replies"

    def subtitle(self) -> str:
        return "New public reports (locations shown to the block only) and the agency's replies."

    def items(self) -> list[Entry]:
        reports = public.project_many(
            public.public_reports().select_related("service").order_by("-created_at")[:LIMIT]
        )
        entries = [
            Entry(
                guid=f"report:{r.public_id}",
                title=f"{r.service_name} reported ({r.status_label})",
                html=_html(r.description),
                link=r.url,
                at=r.requested,
            )
            for r in reports
        ]
        replies = (
            ReportUpdate.objects.filter(
                visibility=Visibility.PUBLIC, report__in=public.public_reports()
            )
            .select_related("report__service")
            .order_by("-created_at")[:LIMIT]
        )
        for u in replies:
            status = f" · now {Status(u.status).label}" if u.status else ""
            entries.append(
                Entry(
                    guid=f"update:{u.pk}",
                    title=f"{settings.AGENCY_NAME} on {u.report.service.name} "
                    f"{u.report.public_id}{status}",
                    html=_html(u.text or u.get_kind_display()),
                    link=reverse("public:report", args=[u.report.public_id]),
                    at=u.created_at,
                )
            )
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[:LIMIT]

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.html

    def item_link(self, item: Entry) -> str:
        return absolute(item.link)

    def item_guid(self, item: Entry) -> str:
        return f"tag:evidentia,{item.at:%Y-%m-%d}:{item.guid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Entry) -> datetime:
        return item.at

    def item_updateddate(self, item: Entry) -> datetime:
        return item.at


class AlertsFeed(Feed):
    feed_type = Atom1Feed
    link = "/public/alerts/"

    def title(self) -> str:
        return f"{settings.AGENCY_NAME}: community alerts"

    def subtitle(self) -> str:
        return "Safety bulletins from the agency, while they are in force."

    def items(self) -> list[Alert]:
        return live_alerts()[:LIMIT]

    def item_title(self, item: Alert) -> str:
        return item.title

    def item_description(self, item: Alert) -> str:
        until = timezone.localtime(item.expires_at)
        return _html(f"{item.body}\n\nArea: {item.area}\nIn force until {until:%d %B %Y %H:%M}.")

    def item_link(self, item: Alert) -> str:
        return absolute(f"{reverse('public:alerts')}#alert-{item.pk}")

    def item_guid(self, item: Alert) -> str:
        return f"tag:evidentia,{item.published_at:%Y-%m-%d}:alert:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Alert) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Alert) -> datetime:
        return item.published_at

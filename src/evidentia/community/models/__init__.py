"""The community portal's records: what residents report, what staff answer, the
invites that let witnesses send files, alerts, and Open311 client keys."""

from evidentia.community.models.alerts import Alert
from evidentia.community.models.catalog import Open311Type, Service
from evidentia.community.models.invites import Invite, InviteFile
from evidentia.community.models.keys import Open311Key, RateHit
from evidentia.community.models.releases import Release
from evidentia.community.models.reports import (
    ModerationEdit,
    Report,
    ReportMedia,
    ReportUpdate,
    Status,
    Via,
    Visibility,
)

__all__ = [
    "Alert",
    "Invite",
    "InviteFile",
    "ModerationEdit",
    "Open311Key",
    "Open311Type",
    "RateHit",
    "Release",
    "Report",
    "ReportMedia",
    "ReportUpdate",
    "Service",
    "Status",
    "Via",
    "Visibility",
]

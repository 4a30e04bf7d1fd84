"""Who may see, play and download evidence: role plus relation, deny by default.

- custodians see everything outside restricted cases;
- auditors and administrators see metadata and custody, never the media;
- officers see their own recordings; supervisors see their unit's;
- investigators and standards investigators see the items of cases they belong to;
- restricted cases hide their items from everyone who is not a member, custodians too;
- files residents sent with community reports are visible to the staff who work those
  reports (community/services/_common.py); complaints' files only to standards and admins;
- standards investigators also see the recordings linked to complaints (ComplaintEvidence).
Prosecutors see and play exactly the items of their live shares (sharing/models.py:
items shared one by one, or every item of a shared case), and download them only
through a share in download mode (docs/decisions/0015-shares.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from evidentia.accounts.models import Role, User
from evidentia.cases.models import CaseItem
from evidentia.evidence.models import Item

METADATA_ALL = {Role.CUSTODIAN, Role.AUDITOR, Role.ADMIN}
INGESTERS = {Role.OFFICER, Role.CUSTODIAN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.ADMIN}
DOWNLOADERS = {Role.CUSTODIAN, Role.INVESTIGATOR, Role.STANDARDS_INVESTIGATOR}


# Subqueries on the link table, not joins through Case: joins made every list page
# scan all items and needed DISTINCT (docs/benchmarks.md, search and list p95).
def _member_items(user: User) -> QuerySet[CaseItem]:
    return CaseItem.objects.filter(case__members=user).values("item_id")


def _hidden_items(user: User) -> QuerySet[CaseItem]:
    """Items in a restricted case the user is not a member of."""
    return (
        CaseItem.objects.filter(case__restricted=True).exclude(case__members=user).values("item_id")
    )


def _report_items(restricted: bool) -> QuerySet[Any]:
    from evidentia.community.models import ReportMedia

    return ReportMedia.objects.filter(report__restricted=restricted).values("item_id")


def _complaint_items() -> QuerySet[Any]:
    """Recordings a standards investigator linked to a complaint (standards/models.py)."""
    from evidentia.standards.models import ComplaintEvidence

    return ComplaintEvidence.objects.values("item_id")


def _shared_items(user: User, *, download: bool = False) -> Q:
    """Items the user holds a live share for (a share in download mode, if asked)."""
    from django.utils import timezone

    from evidentia.sharing.models import Share

    shares = Share.objects.filter(
        grantee=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if download:
        shares = shares.filter(mode=Share.Mode.DOWNLOAD)
    listed = Share.items.through.objects.filter(share__in=shares).values("item_id")
    of_cases = CaseItem.objects.filter(case__shares__in=shares).values("item_id")
    return Q(pk__in=listed) | Q(pk__in=of_cases)


def visible_items(user: User) -> QuerySet[Item]:
    items = Item.objects.all()
    if not user.is_authenticated or not user.is_active:
        return items.none()
    member = Q(pk__in=_member_items(user))
    if user.role in METADATA_ALL:
        rule = Q(pk__isnull=False)
    elif user.role == Role.OFFICER:
        rule = Q(officer=user) | member
    elif user.role == Role.SUPERVISOR:
        rule = Q(officer=user) | member | Q(pk__in=_report_items(False))
        if user.unit_id:
            rule |= Q(unit_id=user.unit_id)
    elif user.role == Role.INVESTIGATOR:
        rule = member | Q(pk__in=_report_items(False))
    elif user.role == Role.STANDARDS_INVESTIGATOR:
        rule = member | Q(pk__in=_report_items(True)) | Q(pk__in=_complaint_items())
    elif user.role == Role.PROSECUTOR:
        return items.filter(_shared_items(user))
    else:
        return items.none()
    items = items.filter(rule).exclude(pk__in=_hidden_items(user))
    if user.role not in (Role.STANDARDS_INVESTIGATOR, Role.ADMIN):
        items = items.exclude(pk__in=_report_items(True))
    return items


def can_view(user: User, item: Item) -> bool:
    return visible_items(user).filter(pk=item.pk).exists()


def can_play(user: User, item: Item) -> bool:
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return False
    return can_view(user, item)


def can_download(user: User, item: Item) -> bool:
    if user.role == Role.PROSECUTOR and user.is_active:
        return Item.objects.filter(_shared_items(user, download=True), pk=item.pk).exists()
    return user.role in DOWNLOADERS and can_view(user, item)


def can_ingest(user: User) -> bool:
    return user.is_active and user.role in INGESTERS


def can_ingest_for(user: User, officer: User | None) -> bool:
    """Officers ingest their own recordings; custodians and supervisors anyone's."""
    if not can_ingest(user):
        return False
    if officer is None or officer == user:
        return True
    return user.role in (Role.CUSTODIAN, Role.SUPERVISOR, Role.ADMIN, Role.INVESTIGATOR)


def can_edit_metadata(user: User, item: Item) -> bool:
    return user.role in (Role.CUSTODIAN, Role.SUPERVISOR, Role.INVESTIGATOR) and can_view(
        user, item
    )


def can_run_fixity(user: User) -> bool:
    return user.role in (Role.CUSTODIAN, Role.ADMIN)

"""Who may do what on the staff side of the community portal, role by role.

The world: an ordinary graffiti report (with a photo) and a complaint about an officer
(restricted to professional standards); Ivan's case. Each test asks one question of
every persona. A complaint is NotFound to everyone outside standards, never
PermissionDenied, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.accounts.models import Unit, User
from evidentia.cases import services as cases
from evidentia.cases.policy import visible_case
from evidentia.community.models import Open311Key, Report, Status, Visibility
from evidentia.community.services import alerts, invites, moderation, triage
from evidentia.community.services import media as media_svc
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.custody import events
from tests.community.staff import attach, complaint, filed_at, last_event

pytestmark = pytest.mark.django_db
PERSONAS = ["olivia", "oscar", "sam", "carmen", "ivan", "stella", "petra", "audrey", "adam"]
QUEUE = {"sam", "ivan", "stella", "adam"}
TRIAGE = {"sam", "ivan", "adam"}
STANDARDS = {"stella", "adam"}


def allowed(action: Callable[[], object]) -> bool:
    try:
        action()
    except EvidentiaError:
        return False
    return True


def ask(request, question: Callable[[User], bool], expected: set[str]) -> None:
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        assert question(user) is (persona in expected), persona


def hidden(action: Callable[[], object]) -> bool:
    """True when the action is refused as NotFound (never PermissionDenied)."""
    try:
        action()
    except NotFound:
        return True
    except EvidentiaError:
        return False
    return False


ACTIONS: dict[str, Callable[[Report, User], object]] = {
    "status": lambda r, u: triage.set_status(r, Status.IN_PROGRESS, "On it", actor=u),
    "assign": lambda r, u: triage.assign(r, Unit.objects.get(code="north"), actor=u),
    "reply": lambda r, u: triage.reply(r, "Thanks", Visibility.REPORTER, actor=u),
    "note": lambda r, u: triage.reply(r, "Seen", Visibility.INTERNAL, actor=u),
    "merge": lambda r, u: triage.merge(r, Report.objects.filter(
        service=r.service, duplicate_of=None, created_at__lt=r.created_at
    ).latest("created_at"), actor=u),
    "moderate": lambda r, u: moderation.edit_text(r, "Tagging.", "Tidy", actor=u),
    "hide": lambda r, u: moderation.set_listed(r, False, "Private", actor=u),
}  # fmt: skip
# A complaint is never public, so there is nothing to hide.
ON_COMPLAINTS = [name for name in ACTIONS if name != "hide"]


@pytest.fixture
def world(olivia, oscar, sam, carmen, ivan, stella, petra, audrey, adam, north):
    older = filed_at(hours_ago=5)
    ordinary = filed_at(hours_ago=1)
    older_complaint = complaint()
    Report.objects.filter(pk=older_complaint.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    case = cases.create_case(number="2026-0042", title="Bus stop assault", actor=ivan)
    return {
        "older": older,
        "report": ordinary,
        "complaint": complaint(),
        "case": case,
    }


def fresh(kind: str) -> Report:
    """A new report (and one older of its kind to merge into) for one persona's turn."""
    if kind == "complaint":
        older = complaint()
        Report.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
        return complaint()
    filed_at(hours_ago=1)
    return filed_at()


# --------------------------------------------------------------------------- pages


def test_who_opens_the_queue(request, world, as_user):
    ask(request, lambda u: as_user(u).get("/community/").status_code == 200, QUEUE)


def test_everyone_else_is_refused_the_queue_with_403(request, world, as_user):
    ask(request, lambda u: as_user(u).get("/community/").status_code == 403, set(PERSONAS) - QUEUE)


def test_who_opens_an_ordinary_reports_page(request, world, as_user):
    url = f"/community/reports/{world['report'].pk}/"
    ask(request, lambda u: as_user(u).get(url).status_code == 200, TRIAGE)


def test_who_opens_a_complaints_page(request, world, as_user):
    url = f"/community/reports/{world['complaint'].pk}/"
    ask(request, lambda u: as_user(u).get(url).status_code == 200, STANDARDS)


def test_a_complaints_page_is_not_found_for_everyone_else(request, world, as_user):
    url = f"/community/reports/{world['complaint'].pk}/"
    outsiders = set(PERSONAS) - STANDARDS
    ask(request, lambda u: as_user(u).get(url).status_code == 404, outsiders)


def test_whose_queue_lists_the_complaint(request, world, as_user):
    public_id = world["complaint"].public_id.encode()
    ask(request, lambda u: public_id in as_user(u).get("/community/").content, STANDARDS)


def test_a_complaint_never_shows_up_in_anyone_elses_counts(world, sam, ivan, as_user):
    for user in (sam, ivan):
        page = as_user(user).get("/community/")
        counts = {c["value"]: c["n"] for c in page.context["counts"]}
        assert page.context["total"] == 2 and counts["received"] == 2, user  # the graffiti


def test_the_standards_queue_counts_only_complaints(world, stella, as_user):
    page = as_user(stella).get("/community/")
    assert page.context["total"] == 2 and b"Standards queue" in page.content


def test_who_sees_the_community_link_in_the_nav(request, world, as_user):
    link = b'href="/community/"'
    ask(request, lambda u: link in as_user(u).get("/cases/").content, QUEUE)


# --------------------------------------------------------------------------- actions


@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_works_an_ordinary_report(request, world, action):
    ask(request, lambda u: allowed(lambda: ACTIONS[action](fresh("ordinary"), u)), TRIAGE)


@pytest.mark.parametrize("action", ON_COMPLAINTS)
def test_who_works_a_complaint(request, world, action):
    ask(request, lambda u: allowed(lambda: ACTIONS[action](fresh("complaint"), u)), STANDARDS)


@pytest.mark.parametrize("action", ON_COMPLAINTS)
def test_a_complaint_is_not_found_for_everyone_else(request, world, action):
    outsiders = set(PERSONAS) - STANDARDS
    ask(request, lambda u: hidden(lambda: ACTIONS[action](fresh("complaint"), u)), outsiders)


def test_nobody_makes_a_complaint_public(request, world):
    show = lambda u: allowed(  # noqa: E731
        lambda: moderation.set_listed(world["complaint"], True, "Transparency", actor=u)
    )
    ask(request, show, set())


def test_who_posts_a_reply_through_the_page(request, world, as_user):
    def posts(user: User) -> bool:
        url = f"/community/reports/{fresh('ordinary').pk}/reply"
        answer = as_user(user).post(url, {"reply-text": "Thanks", "reply-visibility": "reporter"})
        return answer.status_code == 302

    ask(request, posts, TRIAGE)


def test_a_complaints_forms_answer_404_to_outsiders(request, world, as_user):
    def refused(user: User) -> bool:
        url = f"/community/reports/{world['complaint'].pk}/status"
        return as_user(user).post(url, {"status-status": "closed"}).status_code == 404

    ask(request, refused, set(PERSONAS) - STANDARDS)


def test_who_opens_a_case_from_an_ordinary_report(request, world):
    numbers = iter(range(100))
    ask(
        request,
        lambda u: allowed(
            lambda: triage.open_case(fresh("ordinary"), f"CR-{next(numbers)}", "From", actor=u)
        ),
        {"sam", "ivan"},  # administrators do not open cases
    )


def test_who_opens_a_case_from_a_complaint(request, world):
    numbers = iter(range(100))
    ask(
        request,
        lambda u: allowed(
            lambda: triage.open_case(fresh("complaint"), f"IA-{next(numbers)}", "From", actor=u)
        ),
        {"stella"},
    )


def test_who_may_review_media_for_publication(request, world, photo):
    media = attach(world["report"], photo)
    ask(request, lambda u: allowed(lambda: media_svc.check_can_review(u, media)), {"sam", "ivan"})


# --------------------------------------------------------------------------- invites, alerts


def test_who_may_invite_a_witness_to_ivans_case(request, world):
    ask(
        request,
        lambda u: allowed(lambda: invites.create(world["case"], "Witness", actor=u)),
        {"ivan", "carmen"},
    )


def test_who_sees_the_invites_of_ivans_case(request, world, as_user):
    url = f"/community/cases/{world['case'].pk}/invites/"
    sees = {p for p in PERSONAS if allowed(lambda p=p: visible_case(
        request.getfixturevalue(p), world["case"].pk))}  # fmt: skip
    assert sees == {"sam", "carmen", "ivan", "audrey", "adam"}
    ask(request, lambda u: as_user(u).get(url).status_code == 200, sees)


def test_who_publishes_alerts(request, world):
    def publishes(user: User) -> bool:
        return allowed(
            lambda: alerts.publish(
                "Road closed", "Gas leak.", "SW Morrison", None, None, None,
                timezone.now() + timedelta(days=1), actor=user,
            )
        )  # fmt: skip

    ask(request, publishes, {"sam", "adam"})


# --------------------------------------------------------------------------- administration


def test_the_admin_edits_the_service_list_in_place(world, adam, as_user):
    page = as_user(adam).get("/admin/community/service/")
    assert page.status_code == 200 and b'name="form-0-public"' in page.content


def test_reports_invites_and_alerts_are_read_only_in_the_admin(world, adam, as_user):
    client = as_user(adam)
    report = world["report"]
    assert client.get(f"/admin/community/report/{report.pk}/change/").status_code == 200
    assert client.get("/admin/community/report/add/").status_code == 403
    answer = client.post(f"/admin/community/report/{report.pk}/change/", {"status": "closed"})
    assert answer.status_code == 403 and Report.objects.get(pk=report.pk).status == "received"
    for model in ("invite", "alert"):
        assert client.get(f"/admin/community/{model}/add/").status_code == 403


def test_nothing_is_deleted_through_the_admin(world, adam, as_user):
    client = as_user(adam)
    service = world["report"].service
    assert client.get(f"/admin/community/service/{service.pk}/delete/").status_code == 403
    assert client.get(f"/admin/community/report/{world['report'].pk}/delete/").status_code == 403


def test_revoking_an_open311_key_in_the_admin_is_in_the_ledger(world, adam, as_user):
    key = Open311Key.objects.create(
        name="City app", key_hash="f" * 64, prefix="abc", created_by=adam
    )
    answer = as_user(adam).post(
        "/admin/community/open311key/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert answer.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert last_event(events.OPEN311_KEY_REVOKED)["detail"]["prefix"] == "abc"

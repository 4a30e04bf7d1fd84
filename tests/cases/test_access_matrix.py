"""The access matrix in docs/security.md, role by role.

The world: Olivia (North officer) recorded a clip. Ivan's unrestricted case holds
nothing until a test links something; Stella's restricted case holds a clip Oscar
recorded. Each test asks one question of every persona.
"""

from __future__ import annotations

import re

import pytest

from evidentia.cases import search
from evidentia.cases import services as cases
from evidentia.core.errors import EvidentiaError
from evidentia.evidence import policy
from evidentia.evidence.services import metadata, review
from tests.cases.conftest import clip

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
PERSONAS = ["olivia", "oscar", "sam", "ivan", "stella", "carmen", "petra", "audrey", "adam"]


def allowed(action) -> bool:
    try:
        action()
    except EvidentiaError:
        return False
    return True


def ask(request, question, expected: set[str]) -> None:
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        assert question(user) is (persona in expected), persona


@pytest.fixture
def world(olivias_clip, ivans_case, stella, oscar):
    ia_clip = clip(oscar, "ia-interview.mp4", "Complaint interview at the station")
    ia = cases.create_case(
        number="IA-2026-7",
        title="Complaint",
        incident_number="IA-CAD-99",
        actor=stella,
        restricted=True,
    )
    cases.link_item(ia, ia_clip, actor=stella)
    return {"clip": olivias_clip, "case": ivans_case, "ia": ia, "ia_clip": ia_clip}


# Olivia's clip, in no case


SEES = {"olivia", "sam", "carmen", "audrey", "adam"}


def test_who_sees_an_items_metadata(request, world):
    ask(request, lambda u: policy.can_view(u, world["clip"]), SEES)


def test_who_plays_an_item(request, world):
    ask(request, lambda u: policy.can_play(u, world["clip"]), {"olivia", "sam", "carmen"})


def test_who_downloads_an_item(request, world):
    ask(request, lambda u: policy.can_download(u, world["clip"]), {"carmen"})


def test_who_edits_an_items_details(request, world):
    def edit(u):
        return allowed(lambda: metadata.edit(u, world["clip"].pk, {"description": u.username}))

    ask(request, edit, {"sam", "carmen"})


def test_who_tags_and_notes_an_item(request, world):
    def tag(u):
        return allowed(lambda: cases.add_tag(u, world["clip"].pk, "seen")) and allowed(
            lambda: cases.add_item_note(u, world["clip"].pk, "seen")
        )

    ask(request, tag, {"olivia", "sam", "carmen"})


def test_who_bookmarks_and_comments(request, world):
    def mark(u):
        return allowed(lambda: review.add_bookmark(u, world["clip"].pk, 1.0, "here")) and allowed(
            lambda: review.add_comment(u, world["clip"].pk, "ok", 1.0)
        )

    ask(request, mark, {"olivia", "sam", "carmen"})


def test_who_starts_feedback(request, world):
    def start(u):
        return allowed(lambda: review.open_thread(u, world["clip"].pk, "Stop", "Good work"))

    ask(request, start, {"sam"})


def test_who_finds_an_item_in_search_results(request, world):
    ask(request, lambda u: search.search(u, "harbor").total == 1, SEES)


# Ivan's unrestricted case, with Olivia's clip linked


SEES_CASE = {"ivan", "sam", "carmen", "audrey", "adam"}


def test_who_sees_a_case(request, world, as_user):
    path = f"/cases/{world['case'].pk}/"
    ask(request, lambda u: as_user(u).get(path).status_code == 200, SEES_CASE)


def test_who_creates_a_case(request, world):
    def create(u):
        return allowed(lambda: cases.create_case(number=f"N-{u.username}", title="t", actor=u))

    ask(request, create, {"sam", "ivan", "stella", "carmen"})


def test_who_links_evidence_they_can_see(request, world):
    def link(u):
        return allowed(lambda: cases.link_visible_item(world["case"], world["clip"].pk, actor=u))

    ask(request, link, {"carmen"})  # Ivan, the member, cannot see Olivia's clip


def test_who_unlinks_evidence(request, world):
    cases.link_item(world["case"], world["clip"], actor="test")

    def unlink(u):
        ok = allowed(lambda: cases.unlink_item(world["case"], world["clip"].pk, actor=u))
        if ok:
            cases.link_item(world["case"], world["clip"], actor="test")
        return ok

    ask(request, unlink, {"ivan", "carmen"})


# The restricted case: invisible to everyone outside it, even in counts


def test_only_members_find_restricted_evidence_in_search(request, world):
    ask(request, lambda u: search.search(u, "complaint").total == 1, {"stella"})


def test_restricted_evidence_is_missing_from_every_outsiders_count(request, world):
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        total = search.search(user, "", search.Filters(officer="oscar")).total
        assert total == (1 if persona == "stella" else 0), persona


def test_outsiders_do_not_find_a_restricted_case_by_number(request, world):
    ask(request, lambda u: search.search(u, "IA-CAD-99").total > 0, {"stella"})


def page(client, q: str) -> str:
    html = client.get("/search/", {"q": q}).content.decode()
    return CSRF.sub("", html)  # the masked CSRF token differs on every page


@pytest.mark.parametrize("persona", ["carmen", "audrey", "adam", "oscar", "sam"])
def test_a_restricted_hit_reads_like_no_hit_at_all(request, world, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    hidden = page(client, "complaint")
    absent = page(client, "zeppelin")
    assert hidden.replace("complaint", "zeppelin") == absent


@pytest.mark.parametrize("persona", ["carmen", "audrey", "adam", "sam"])
def test_a_restricted_case_is_absent_from_case_lists_and_counts(request, world, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    assert b"IA-2026-7" not in client.get("/cases/").content
    assert client.get(f"/cases/{world['ia'].pk}/").status_code == 404
    found = client.get("/search/", {"q": "IA-2026-7"}).content
    assert f"/cases/{world['ia'].pk}/".encode() not in found
    assert "No evidence you can see matches “IA-2026-7”".encode() in found


def test_the_search_api_hides_restricted_evidence_from_the_custodian(world, carmen, as_user):
    body = as_user(carmen).get("/api/v1/cases/search", {"q": "complaint"}).json()
    assert body["total"] == 0 and body["results"] == []


def test_the_auditor_has_no_evidence_api_scope(world, audrey, as_user):
    assert as_user(audrey).get("/api/v1/cases/search", {"q": "harbor"}).status_code == 403

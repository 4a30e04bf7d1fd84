"""Full-text search: what it finds, how it ranks and pages, and that it stays escaped."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from evidentia.cases import search
from evidentia.cases import services as cases
from evidentia.cases.models import Category, SearchDoc
from evidentia.evidence.services import metadata
from tests.cases.conftest import clip


def titles(user, q: str = "", **filters) -> list[str]:
    found = search.search(user, q, search.Filters(**filters))
    return [h.item.title for h in found.hits]


def test_user_syntax_is_always_quoted_for_fts5():
    query = search.fts5_query(search.parse('harbor NEAR( "a b" c* -d OR e'))
    assert query == '(("harbor" AND "near" AND "a b" AND "c"*) OR ("e")) NOT "d"'


def test_a_query_of_only_punctuation_is_treated_as_no_query(carmen, olivias_clip):
    found = search.search(carmen, '"" *** ---')
    assert not found.ranked and found.total == 1


@pytest.mark.parametrize(
    "q",
    ["harbor", "Harbor Road", "cited", "olivia", "Olivia", "N-1042", "traffic stop"],
)
def test_it_finds_an_item_by_title_description_and_officer(carmen, olivias_clip, q):
    assert titles(carmen, q) == [olivias_clip.title]


def test_it_stems_english_words(carmen, olivias_clip):
    assert titles(carmen, "stops") == [olivias_clip.title]


def test_it_finds_an_item_by_tag(carmen, olivia, olivias_clip):
    cases.add_tag(olivia, olivias_clip.pk, "seatbelt violation")
    assert titles(carmen, "seatbelt") == [olivias_clip.title]


def test_it_finds_an_item_by_note(carmen, sam, olivias_clip):
    cases.add_item_note(sam, olivias_clip.pk, "Passenger fled on foot.")
    assert titles(carmen, "passenger fled") == [olivias_clip.title]


def test_it_finds_an_item_by_case_number_title_and_incident(carmen, ivan, olivias_clip, ivans_case):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    for q in ("2026-0042", "CAD-7781", "assault"):
        assert titles(carmen, q) == [olivias_clip.title], q


def test_a_renamed_case_is_found_by_its_new_title(carmen, ivan, olivias_clip, ivans_case):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    cases.update_case(ivans_case, {"title": "Stabbing near the marina"}, actor=ivan)
    assert titles(carmen, "marina") == [olivias_clip.title]
    assert titles(carmen, "assault") == []


def test_unlinking_drops_the_case_from_the_items_document(carmen, ivan, olivias_clip, ivans_case):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    cases.unlink_item(ivans_case, olivias_clip.pk, actor=ivan)
    assert titles(carmen, "CAD-7781") == []


def test_an_edited_title_is_searchable_at_once(carmen, olivias_clip):
    metadata.edit(carmen, olivias_clip.pk, {"title": "Pursuit on the ring road"})
    assert titles(carmen, "pursuit") == ["Pursuit on the ring road"]


def test_a_title_match_ranks_above_a_description_match(carmen, olivia):
    clip(olivia, "notes.mp4", "the suspect mentioned a lighthouse")
    clip(olivia, "lighthouse.mp4", "nothing to see")
    assert titles(carmen, "lighthouse") == ["lighthouse.mp4", "notes.mp4"]


def test_or_negation_and_prefix_work(carmen, olivias_clip, oscars_clip):
    assert set(titles(carmen, "harbor OR pawn")) == {olivias_clip.title, oscars_clip.title}
    assert titles(carmen, "road -harbor") == []
    assert titles(carmen, "burgl*") == [oscars_clip.title]


def test_snippets_mark_the_words_and_escape_everything_else(carmen, olivia):
    clip(olivia, "x.mp4", '<script>alert("x")</script> near the harbor')
    snippet = str(search.search(carmen, "harbor").hits[0].snippet)
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet and "<mark>harbor</mark>" in snippet


def test_filters_narrow_a_text_search(carmen, olivia, olivias_clip):
    clip(olivia, "harbor-night.mp4", "harbor", when=datetime(2025, 1, 5, 23, 0, tzinfo=UTC))
    assert titles(carmen, "harbor", date_from=date(2026, 1, 1)) == [olivias_clip.title]
    assert titles(carmen, "harbor", date_to=date(2025, 12, 31)) == ["harbor-night.mp4"]
    assert titles(carmen, "harbor", kind="gps") == []


def test_filters_by_officer_unit_category_and_case(
    carmen, ivan, olivias_clip, oscars_clip, ivans_case
):
    cases.link_item(ivans_case, oscars_clip, actor="test")
    burglary = Category.objects.create(name="Burglary")
    metadata.edit(carmen, oscars_clip.pk, {"category": burglary})
    assert titles(carmen, officer="olivia") == [olivias_clip.title]
    assert titles(carmen, unit="south") == [oscars_clip.title]
    assert titles(carmen, category=burglary.pk) == [oscars_clip.title]
    assert titles(carmen, case="2026-0042") == [oscars_clip.title]


def test_an_empty_query_lists_the_newest_items(carmen, olivia):
    clip(olivia, "old.mp4", when=datetime(2024, 1, 1, tzinfo=UTC))
    clip(olivia, "new.mp4", when=datetime(2026, 6, 1, tzinfo=UTC))
    found = search.search(carmen, "")
    assert not found.ranked and [h.item.title for h in found.hits] == ["new.mp4", "old.mp4"]


def test_results_are_paged(carmen, olivia):
    for n in range(30):
        clip(olivia, f"patrol-{n:02}.mp4", "routine patrol")
    first = search.search(carmen, "patrol", page=1)
    second = search.search(carmen, "patrol", page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (30, 2, 25, 5)
    assert not {h.item.pk for h in first.hits} & {h.item.pk for h in second.hits}


def test_a_page_past_the_end_shows_the_last_page(carmen, olivias_clip):
    assert search.search(carmen, "harbor", page=99).page == 1


def test_an_officer_finds_only_her_own_recordings(olivia, olivias_clip, oscars_clip):
    assert titles(olivia, "") == [olivias_clip.title]
    assert titles(olivia, "burglary") == []


def test_the_search_page_shows_ranked_hits_with_marks(carmen, olivias_clip, as_user):
    page = as_user(carmen).get("/search/", {"q": "harbor"})
    assert page.status_code == 200
    assert b"<mark>Harbor</mark>" in page.content
    assert b"1 item matches" in page.content


def test_the_search_page_escapes_the_query(carmen, olivias_clip, as_user):
    page = as_user(carmen).get("/search/", {"q": "<img src=x onerror=alert(1)>"})
    assert b"<img src=x" not in page.content
    assert b"&lt;img src=x" in page.content


def test_the_search_page_says_nothing_matched(carmen, olivias_clip, as_user):
    page = as_user(carmen).get("/search/", {"q": "zeppelin"})
    assert "No evidence you can see matches “zeppelin”".encode() in page.content


def test_the_search_page_lists_matching_cases(carmen, ivans_case, as_user):
    page = as_user(carmen).get("/search/", {"q": "CAD-7781"})
    assert b"2026-0042" in page.content


def test_the_search_page_ignores_malformed_filters(carmen, olivias_clip, as_user):
    page = as_user(carmen).get("/search/", {"from": "yesterday", "category": "x", "page": "-3"})
    assert page.status_code == 200 and olivias_clip.title.encode() in page.content


def test_the_search_api_returns_ranked_json(carmen, olivias_clip, as_user):
    body = as_user(carmen).get("/api/v1/cases/search", {"q": "harbor"}).json()
    assert body["total"] == 1 and body["ranked"] is True
    assert body["results"][0]["id"] == str(olivias_clip.pk)
    assert "<mark>" in body["results"][0]["snippet"]


def test_the_search_page_needs_a_signed_in_user(client):
    assert client.get("/search/").status_code == 302


def test_the_reindex_command_rebuilds_lost_documents(carmen, olivias_clip):
    SearchDoc.objects.all().delete()
    assert titles(carmen, "harbor") == []
    call_command("search_reindex", stdout=io.StringIO())
    assert titles(carmen, "harbor") == [olivias_clip.title]

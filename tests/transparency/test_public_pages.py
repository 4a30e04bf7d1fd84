"""The public pages and downloads: tables with JS off, the same figures everywhere,
friendly answers to bad addresses, and the rate limit."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from evidentia.transparency.services.refresh import refresh
from tests.transparency.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(seed):
    seed.forces(9, at(2025, 2), district="North")
    seed.forces(2, at(2025, 3), district="South")
    seed.forces(6, at(2024, 5), district="North")
    refresh()


def _cells(html: str) -> dict[str, str]:
    """Row label -> displayed value, for the district table on the page."""
    table = html.split('id="use_of_force-by_district"')[1].split("</table>")[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num" data-state="\w+">([^<]+)<', table
    )
    return dict(rows)


def test_the_overview_shows_tables_and_charts_without_javascript(client, published):
    html = client.get("/public/transparency/?year=2025").content.decode()
    assert "<script" not in html.split("<main")[1]
    assert 'role="img"' in html and "<desc" in html
    assert _cells(html)["South"] == "&lt;5"
    assert "Data last refreshed" in html


def test_the_latest_year_with_figures_is_shown_by_default(client, published):
    html = client.get("/public/transparency/").content.decode()
    assert "Transparency: 2025" in html
    assert 'href="?year=2024"' in html


def test_the_csv_and_json_downloads_agree_with_the_page(client, published):
    page = _cells(client.get("/public/transparency/?year=2025").content.decode())
    body = client.get("/public/transparency/data/use_of_force-2025.csv").content.decode()
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["table"] == "by_district"]
    data = json.loads(client.get("/public/transparency/data/use_of_force-2025.json").content)
    table = next(t for t in data["tables"] if t["key"] == "by_district")
    for row, cell in zip(rows, [*table["rows"], table["total"]], strict=True):
        assert row["display"] == cell["display"]
        assert row["value"] == ("" if cell["value"] is None else str(cell["value"]))
        if row["row"] in page:
            assert page[row["row"]].replace("&lt;", "<") == row["display"]
    assert data["refreshed_at"].endswith("Z")


def test_a_section_can_be_shown_alone(client, published):
    html = client.get("/public/transparency/?year=2025&section=complaints").content.decode()
    assert 'id="complaints"' in html and 'id="use_of_force"' not in html
    assert "No data for this period" in html


@pytest.mark.parametrize(
    "address,status",
    [
        ("/public/transparency/?year=abc", 400),
        ("/public/transparency/?year=1999", 404),
        ("/public/transparency/?year=2025&section=nope", 404),
        ("/public/transparency/data/nope-2025.csv", 404),
        ("/public/transparency/data/use_of_force-1999.json", 404),
    ],
)
def test_a_bad_address_gets_a_friendly_answer(client, published, address, status):
    response = client.get(address)
    assert response.status_code == status
    assert b"Traceback" not in response.content


def test_the_portal_before_any_refresh_says_no_data(client, db):
    response = client.get("/public/transparency/")
    assert response.status_code == 200
    assert b"No data for this period" in response.content


def test_the_data_dictionary_defines_every_figure(client, published):
    data = client.get("/public/transparency/dictionary.json").json()
    figures = [f for s in data["sections"] for f in s["figures"]]
    assert figures and all(f["definition"] for f in figures)
    assert b"Data dictionary" in client.get("/public/transparency/dictionary/").content


def test_the_portal_is_rate_limited(client, published, settings):
    settings.TRANSPARENCY_REQUESTS_PER_HOUR = 3
    answers = [client.get("/public/transparency/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/public/transparency/dictionary.json").status_code == 429


def test_a_label_that_looks_like_a_formula_is_neutralised_in_the_csv(client, seed):
    from evidentia.community.models import Service

    Service.objects.filter(code="graffiti").update(name='=HYPERLINK("http://x","y")')
    for _ in range(6):
        seed.community(at(2025, 3))
    refresh()
    body = client.get("/public/transparency/data/community_reports-2025.csv").content.decode()
    labels = [r["row"] for r in csv.DictReader(io.StringIO(body))]
    assert '\'=HYPERLINK("http://x","y")' in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_the_page_kept_between_refreshes_follows_the_next_refresh(client, published, seed):
    assert _cells(client.get("/public/transparency/?year=2025").content.decode())["South"] == (
        "&lt;5"
    )
    seed.forces(6, at(2025, 4), district="South")
    assert _cells(client.get("/public/transparency/?year=2025").content.decode())["South"] == (
        "&lt;5"
    ), "published figures change only when refreshed"
    refresh()
    html = client.get("/public/transparency/?year=2025").content.decode()
    assert _cells(html)["South"] == "8"

"""/public/transparency/: the published figures, their downloads and the data dictionary.

Every view reads `Dataset` rows (already suppressed by the refresh) and nothing else:
there is no path from a public request to the records. The only filters are the
calendar year and the section, so no combination of pages adds up to a hidden cell
(docs/decisions/0023-transparency-suppression.md)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evidentia.community.public_views.common import portal, too_many
from evidentia.community.services import ratelimit
from evidentia.core import csvsafe
from evidentia.transparency import catalog
from evidentia.transparency.charts import chart
from evidentia.transparency.models import Dataset
from evidentia.transparency.suppression import min_count

YEAR = re.compile(r"^\d{4}$")
CSV_COLUMNS = [
    "section",
    "year",
    "table",
    "table_title",
    "row",
    "value",
    "display",
    "state",
    "refreshed_at",
]


def limited(view):
    """Count every public request like the community portal does (per hour, per
    client network, nothing stored that names the client)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = int(getattr(settings, "TRANSPARENCY_REQUESTS_PER_HOUR", 600))
        try:
            if limit > 0:
                ratelimit.hit(request, "transparency", limit, "transparency requests")
        except ratelimit.RateLimited as exc:
            return too_many(request, exc, as_json=request.path.endswith(".json"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    years = sorted(set(Dataset.objects.values_list("year", flat=True)), reverse=True)
    context = {"nav": "transparency", "title": title, "message": message, "years": years}
    return render(request, "transparency/public/problem.html", portal(context), status=status)


def _years() -> list[int]:
    return sorted(set(Dataset.objects.values_list("year", flat=True)), reverse=True)


def _section_view(payload: dict) -> dict:
    year = payload["year"]
    tables = [t | {"chart": chart(t, year)} for t in payload.get("tables", [])]
    return payload | {"tables": tables}


@require_safe
@limited
def overview(request: HttpRequest) -> HttpResponse:
    # The page changes only when the figures are refreshed, and it carries nothing of the
    # request (no form token, no messages): keep the rendered bytes until the next refresh.
    refreshed = Dataset.objects.aggregate(last=Max("refreshed_at"))["last"]
    query = f"{request.GET.get('year', '')[:8]}|{request.GET.get('section', '')[:40]}"
    key = f"transparency:overview:{refreshed and refreshed.isoformat()}:{query}"
    if (content := cache.get(key)) is not None:
        return HttpResponse(content)
    response = _overview(request)
    if response.status_code == 200:
        cache.set(key, response.content, timeout=24 * 3600)
    return response


def _overview(request: HttpRequest) -> HttpResponse:
    years = _years()
    raw_year, raw_section = request.GET.get("year", ""), request.GET.get("section", "")
    if raw_year and not YEAR.match(raw_year):
        return _problem(request, 400, "That is not a year", "Choose a year from the list.")
    # By default the latest year with any figures, not an empty January.
    latest = Dataset.objects.filter(payload__empty=False).order_by("-year").first()
    default = latest.year if latest else (years[0] if years else None)
    year = int(raw_year) if raw_year else default
    if raw_section and raw_section not in catalog.BY_KEY:
        return _problem(request, 404, "No such section", "Choose a section from the list.")
    if year is not None and years and year not in years:
        return _problem(
            request, 404, f"No figures for {year}", "Figures are published for the years listed."
        )
    rows = Dataset.objects.filter(year=year) if year is not None else Dataset.objects.none()
    if raw_section:
        rows = rows.filter(key=raw_section)
    found = {d.key: d for d in rows}
    sections = [
        _section_view(found[s.key].payload) | {"refreshed_at": found[s.key].refreshed_at}
        for s in catalog.SECTIONS
        if s.key in found
    ]
    context = {
        "nav": "transparency",
        "years": years,
        "year": year,
        "section": raw_section,
        "catalog": catalog.SECTIONS,
        "sections": sections,
        "min_count": min_count(),
        "refreshed_at": max((d.refreshed_at for d in found.values()), default=None),
    }
    return render(request, "transparency/public/overview.html", portal(context))


def _dataset(request: HttpRequest, key: str, year: int) -> Dataset | None:
    if key not in catalog.BY_KEY:
        return None
    return Dataset.objects.filter(key=key, year=year).first()


def rows(dataset: Dataset) -> list[dict]:
    """The download's rows: every published number of one dataset, flat."""
    payload, out = dataset.payload, []
    refreshed = dataset.refreshed_at.isoformat().replace("+00:00", "Z")
    base = {"section": dataset.key, "year": dataset.year, "refreshed_at": refreshed}
    for table in payload.get("tables", []):
        for row in [*table["rows"], table["total"]]:
            out.append(
                base
                | {"table": table["key"], "table_title": table["title"], "row": row["label"]}
                | {"value": row["value"], "display": row["display"], "state": row["state"]}
            )
    for stat in payload.get("stats", []):
        out.append(
            base
            | {"table": stat["key"], "table_title": stat["title"], "row": ""}
            | {"value": stat["value"], "display": stat["display"], "state": stat["state"]}
        )
    return out


@require_safe
@limited
def download(request: HttpRequest, key: str, year: int, fmt: str) -> HttpResponse:
    dataset = _dataset(request, key, year)
    if dataset is None:
        if fmt == "json":
            return JsonResponse({"detail": f"No published data for {key} in {year}."}, status=404)
        return _problem(request, 404, "No such download", "Choose a download from the list.")
    name = f"{key}-{year}.{fmt}"
    if fmt == "json":
        body = dataset.payload | {
            "refreshed_at": dataset.refreshed_at.isoformat().replace("+00:00", "Z"),
            "dictionary": request.build_absolute_uri("/public/transparency/dictionary.json"),
        }
        response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows(dataset):
            # Labels can come from records (categories, call types): never a formula.
            writer.writerow(csvsafe.row(["" if row[c] is None else row[c] for c in CSV_COLUMNS]))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def dictionary_data() -> dict:
    k = min_count()
    return {
        "min_count": k,
        "suppression": (
            f"Counts from 1 to {k - 1} are shown as '<{k}' (value null). Where a table shows "
            "its total and has such a cell, more cells are 'hidden' (each at least "
            f"{k}), and where needed the total, so that no combination of the published "
            "figures narrows a small count down; as a last resort a whole table's cells "
            "are 'withheld'. Medians and "
            f"shares over fewer than {k} records are not shown."
        ),
        "csv_columns": {
            "section": "The section key (see sections).",
            "year": "The calendar year (UTC) the figures cover.",
            "table": "The table or figure key within the section.",
            "table_title": "The table's title in plain words.",
            "row": "The row's label; 'Total' for the table's total.",
            "value": "The number; empty when suppressed.",
            "display": "What the portal shows: the number, '<k', 'hidden' or a note.",
            "state": "shown, small (below k), hidden (at least k, hidden to protect a small "
            "count), withheld (any number) or empty (no data).",
            "refreshed_at": "When the figures were computed from the records (UTC).",
        },
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "summary": s.summary,
                "figures": [
                    {
                        "key": f.key,
                        "title": f.title,
                        "kind": f.kind,
                        "rows": f.dimension,
                        "unit": f.unit or ("count" if f.kind == "count" else ""),
                        "definition": f.definition,
                    }
                    for f in s.figures
                ],
            }
            for s in catalog.SECTIONS
        ],
    }


@require_safe
@limited
def dictionary_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(dictionary_data(), json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@limited
def dictionary(request: HttpRequest) -> HttpResponse:
    context = {"nav": "transparency", "dictionary": dictionary_data(), "years": _years()}
    return render(request, "transparency/public/dictionary.html", portal(context))

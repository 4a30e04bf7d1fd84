"""Each section's figures for one calendar year, from the records, already suppressed.

Only the refresh calls these; a public request never does. Counts are grouped in the
database (one query per table), medians read one column of the closed records."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from evidentia.transparency import catalog
from evidentia.transparency.audit import Audit
from evidentia.transparency.suppression import (
    Cell,
    Table,
    min_count,
    publish_count,
    publish_stat,
    publish_table,
    share,
)

MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August"]
MONTHS_LONG += ["September", "October", "November", "December"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
AGE_BANDS = [(0, 17, "Under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44")]
AGE_BANDS += [(45, 54, "45-54"), (55, 64, "55-64"), (65, 200, "65 and over")]
UNKNOWN = "Not recorded"
OTHER_DISTRICT = "Other / not recorded"


def span(year: int) -> tuple[datetime, datetime]:
    """The year, UTC; the current year only up to the end of the last complete month,
    so its figures change once a month, not with every record (decision 0023)."""
    now = timezone.now()
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return start, max(start, min(end, datetime(now.year, now.month, 1, tzinfo=UTC)))


def covers(year: int) -> str:
    start, end = span(year)
    if end == start:
        return f"{year}: no complete month yet"
    last = end - timedelta(days=1)
    partial = "" if end.year > year else " (the year so far, to the last complete month)"
    return f"1 January to {last.day} {MONTHS_LONG[last.month - 1]} {year}{partial}"


def districts() -> list[str]:
    """Districts that may be published: the configured list, else those of the CAD
    calls. A use-of-force report's district is typed by the officer, so anything
    else (a typo, a name, a formula) is grouped, never printed."""
    from evidentia.cad.models import Call

    configured = getattr(settings, "TRANSPARENCY_DISTRICTS", "") or ""
    names = [d.strip() for d in configured.split(",") if d.strip()]
    if not names:
        names = list(Call.objects.exclude(district="").values_list("district", flat=True))
    return sorted(set(names))


def _in(field: str, year: int) -> Q:
    start, end = span(year)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _counts(rows: QuerySet, field: str) -> dict:
    return {r[field]: r["n"] for r in rows.values(field).annotate(n=Count("pk")).order_by()}


def _cells(counts: dict, labels: Iterable[tuple[object, str]]) -> list[Cell]:
    """Rows in a fixed order (every choice, zeros included), then any unexpected values."""
    seen, cells = set(), []
    for value, label in labels:
        seen.add(value)
        cells.append(Cell(label, int(counts.get(value, 0))))
    for value, n in sorted(counts.items(), key=lambda kv: str(kv[0])):
        if value not in seen:
            cells.append(Cell(str(value) if value not in (None, "") else UNKNOWN, int(n)))
    return cells


def _median_days(pairs: Iterable[tuple[datetime, datetime]]) -> tuple[float | None, int]:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end]
    return (statistics.median(days) if days else None), len(days)


def _publish(
    section: catalog.Section,
    measures: dict[str, list[Table]],
    k: int,
    relate: Callable[[Audit], None] | None = None,
) -> list:
    """Audit all the section's tables together (with the relations between them that a
    reader knows), then publish them in catalog order."""
    audit = Audit(measures, k)
    if relate is not None:
        relate(audit)
    audit.protect()
    published = {}
    for tables in measures.values():
        for table in tables:
            fig = section.figure(table.key)
            table.meta = {"title": fig.title, "dimension": fig.dimension, "measure": fig.measure}
            published[table.key] = publish_table(table, k)
    return [published[f.key] for f in section.figures if f.key in published]


def _stat(section: catalog.Section, key: str, figure: dict) -> dict:
    fig = section.figure(key)
    return {"key": key, "title": fig.title, "unit": fig.unit} | figure


def use_of_force(year: int, k: int) -> dict:
    from evidentia.useofforce.models import ForceType, ReportStatus, Subject, UseOfForceReport

    section = catalog.BY_KEY["use_of_force"]
    reports = UseOfForceReport.objects.exclude(status=ReportStatus.DRAFT).filter(
        _in("occurred_at", year)
    )
    months = {
        r["m"]: r["n"]
        for r in reports.annotate(m=ExtractMonth("occurred_at", tzinfo=UTC))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    complete = (span(year)[1] - timedelta(days=1)).month if span(year)[1] > span(year)[0] else 0
    by_month = Table("by_month", _cells(months, list(enumerate(MONTHS, start=1))[:complete]))
    known, by_name = districts(), _counts(reports, "district")
    other = sum(n for d, n in by_name.items() if d not in known)
    by_district = Table(
        "by_district",
        [Cell(d, by_name.get(d, 0)) for d in known] + [Cell(OTHER_DISTRICT, other)],
    )
    types = _counts(ForceType.objects.filter(reports__in=reports), "code")
    type_labels = ForceType.objects.filter(Q(active=True) | Q(code__in=types)).values_list(
        "code", "name"
    )
    by_type = Table("by_force_type", _cells(types, type_labels))
    subjects = Subject.objects.filter(report__in=reports)
    from evidentia.useofforce.models import Race, Sex

    by_race = Table("by_race", _cells(_counts(subjects, "race"), Race.choices))
    by_sex = Table("by_sex", _cells(_counts(subjects, "sex"), Sex.choices))
    ages = _counts(subjects, "age")
    bands = {label: 0 for *_, label in AGE_BANDS} | {UNKNOWN: 0}
    for age, n in ages.items():
        label = next((b for lo, hi, b in AGE_BANDS if age is not None and lo <= age <= hi), None)
        bands[label or UNKNOWN] += n
    by_age = Table("by_age", [Cell(label, n) for label, n in bands.items()])
    measures = {
        "incidents": [by_month, by_district],
        "force_types": [by_type],
        "subjects": [by_race, by_sex, by_age],
    }

    def relate(audit: Audit) -> None:
        # A submitted report names at least one force type and one subject, and a
        # force type at most once.
        incidents = audit.total("incidents")
        audit.at_least([audit.total("force_types")], [incidents])
        audit.at_least([audit.total("subjects")], [incidents])
        for cell in by_type.cells:
            audit.at_least([incidents], [cell])

    return {"tables": _publish(section, measures, k, relate), "stats": []}


def complaints(year: int, k: int) -> dict:
    from evidentia.standards.models import (
        Allegation,
        AllegationType,
        Complaint,
        ComplaintStatus,
        Finding,
        Source,
    )

    section = catalog.BY_KEY["complaints"]
    received = Complaint.objects.filter(_in("received_at", year))
    by_source = Table("by_source", _cells(_counts(received, "source"), Source.choices))
    allegations = Allegation.objects.filter(complaint__in=received)
    by_type = Table("by_allegation", _cells(_counts(allegations, "type"), AllegationType.choices))
    decided = Allegation.objects.exclude(finding="").filter(_in("finding_at", year))
    by_finding = Table("by_finding", _cells(_counts(decided, "finding"), Finding.choices))
    closed = Complaint.objects.filter(status=ComplaintStatus.CLOSED).filter(_in("closed_at", year))
    median, n = _median_days(closed.values_list("received_at", "closed_at"))
    measures = {"complaints": [by_source], "allegations": [by_type], "findings": [by_finding]}
    stats = [_stat(section, "median_days_to_close", publish_stat(median, n, k, "days"))]

    def relate(audit: Audit) -> None:
        # A complaint makes at least one allegation.
        audit.at_least([audit.total("allegations")], [audit.total("complaints")])

    return {"tables": _publish(section, measures, k, relate), "stats": stats}


def body_cameras(year: int, k: int) -> dict:
    from evidentia.cad.models import Assignment, CallTypePolicy

    section = catalog.BY_KEY["body_cameras"]
    types = list(
        CallTypePolicy.objects.filter(must_record=True).values_list("call_type", flat=True)
    )
    rows = (
        Assignment.objects.filter(call__call_type__in=types)
        .filter(_in("starts_at", year))
        .values(call_type=F("call__call_type"))
        .annotate(
            n_required=Count("pk"),
            n_recorded=Count("pk", filter=Q(recorded=True)),
            n_late=Count("pk", filter=Q(recorded=True, late=True)),
            n_short=Count("pk", filter=Q(recorded=True, short=True)),
        )
        .order_by()
    )
    found = {r["call_type"]: r for r in rows}
    labels = sorted(found)
    tables = {
        key: Table(key, [Cell(t, found[t][f"n_{key}"]) for t in labels])
        for key in ("required", "recorded", "late", "short")
    }

    def relate(audit: Audit) -> None:
        # Per call type: recorded + not recorded = required; late, short <= recorded.
        # "Not recorded" is not published, but a reader can subtract, so a count of
        # 1..k-1 of it is protected like a published one.
        cells = {key: [*t.cells, audit.total(key)] for key, t in tables.items()}
        for req, rec, late, short in zip(*cells.values(), strict=True):
            missed = audit.derived(f"not recorded: {req.label}", req.value - rec.value)
            audit.equal([rec, missed], [req])
            audit.at_least([rec], [late])
            audit.at_least([rec], [short])

    published = _publish(section, {key: [t] for key, t in tables.items()}, k, relate)
    required, recorded = published[0], published[1]
    fig = section.figure("share_recorded")
    rates = {
        "key": fig.key,
        "kind": "rates",
        "title": fig.title,
        "dimension": fig.dimension,
        "unit": "%",
        "rows": [
            {"label": num["label"]} | share(num, den, k)
            for num, den in zip(recorded["rows"], required["rows"], strict=True)
        ],
        "total": {"label": "All call types"} | share(recorded["total"], required["total"], k),
    }
    return {"tables": [*published, rates] if labels else published, "stats": []}


def records_requests(year: int, k: int) -> dict:
    from evidentia.sharing.models import RecordsRequest

    section = catalog.BY_KEY["records_requests"]
    received = RecordsRequest.objects.filter(_in("received_at", year)).count()
    fulfilled = RecordsRequest.objects.filter(
        status=RecordsRequest.Status.FULFILLED, closed_at__isnull=False
    ).filter(_in("closed_at", year))
    pairs = list(fulfilled.values_list("received_at", "closed_at", "due_at"))
    on_time = sum(1 for _, closed, due in pairs if closed <= due)
    timeliness = Table("timeliness", [Cell("On time", on_time), Cell("Late", len(pairs) - on_time)])
    tables = _publish(section, {"fulfilled": [timeliness]}, k)
    median, n = _median_days((r, c) for r, c, _ in pairs)
    rows = tables[0]["rows"]
    stats = [
        _stat(section, "received", publish_count(received, k)),
        _stat(section, "median_days_to_fulfil", publish_stat(median, n, k, "days")),
        _stat(section, "share_on_time", share(rows[0], tables[0]["total"], k)),
    ]
    return {"tables": tables if pairs else [], "stats": stats}


def community_reports(year: int, k: int) -> dict:
    from evidentia.community.models import Report, Status

    section = catalog.BY_KEY["community_reports"]
    reports = Report.objects.filter(restricted=False, service__standards=False)
    received = reports.filter(_in("created_at", year))
    counts = {
        r["service__name"]: r["n"]
        for r in received.values("service__name").annotate(n=Count("pk")).order_by()
    }
    by_category = Table("by_category", _cells(counts, []))
    resolved = reports.filter(
        status__in=[Status.RESOLVED, Status.CLOSED], closed_at__isnull=False
    ).filter(_in("closed_at", year))
    median, n = _median_days(resolved.values_list("created_at", "closed_at"))
    tables = _publish(section, {"reports": [by_category]}, k) if counts else []
    stats = [_stat(section, "median_days_to_resolve", publish_stat(median, n, k, "days"))]
    return {"tables": tables, "stats": stats}


COMPUTE: dict[str, Callable[[int, int], dict]] = {
    "use_of_force": use_of_force,
    "complaints": complaints,
    "body_cameras": body_cameras,
    "records_requests": records_requests,
    "community_reports": community_reports,
}


def compute(key: str, year: int, k: int | None = None) -> dict:
    k = k or min_count()
    section = catalog.BY_KEY[key]
    figures = COMPUTE[key](year, k)
    definitions = {f.key: f.definition for f in section.figures}
    for figure in [*figures["tables"], *figures["stats"]]:
        figure["definition"] = definitions[figure["key"]]
    empty = not any(
        t.get("total", {}).get("state") != "shown" or t.get("total", {}).get("value")
        for t in figures["tables"]
    ) and all(s.get("state") in ("empty", None) or s.get("value") == 0 for s in figures["stats"])
    return {
        "key": key,
        "year": year,
        "title": section.title,
        "summary": section.summary,
        "min_count": k,
        "covers": covers(year),
        "empty": empty,
    } | figures

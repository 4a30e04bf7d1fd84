"""Full-text search over evidence, within exactly what the user may see.

Every query starts from `evidence.policy.visible_items(user)`: the text index only
ranks and narrows that set, so hits, counts and snippets never include an item the
user cannot open. SQLite uses FTS5 (bm25), PostgreSQL a weighted tsvector with a GIN
index (ts_rank_cd); one small query language serves both:

    words            all must match (stemmed, English)
    "a phrase"       words next to each other
    word*            prefix
    a OR b           either
    -word            must not match
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evidentia.accounts.models import User
from evidentia.cases.searchindex import rebuild, reindex_case, reindex_item
from evidentia.evidence import policy
from evidentia.evidence.models import Item, Kind

__all__ = ["Filters", "Results", "rebuild", "reindex_case", "reindex_item", "search"]

PAGE_SIZE = 25
MAX_QUERY = 200
MAX_TERMS = 12
START, STOP = "\x02", "\x03"  # snippet markers; stored text never holds them
HIDE_TAGS = "\x04\x05"
SHOW_TAGS = str.maketrans(HIDE_TAGS, "<>")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits, split as the indexes split them


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False


@dataclass
class Parsed:
    groups: list[list[Term]] = field(default_factory=list)  # OR of ANDs
    negated: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.groups)


def parse(q: str) -> Parsed:
    parsed = Parsed(groups=[[]])
    count = 0
    for match in _TOKEN.finditer(q[:MAX_QUERY]):
        neg, phrase, raw = match.group(1), match.group(2), match.group(3)
        if raw == "OR":
            if parsed.groups[-1]:
                parsed.groups.append([])
            continue
        if raw is not None and raw.startswith("-") and len(raw) > 1:
            neg, raw = "-", raw[1:]
        text = phrase if phrase is not None else raw
        words = tuple(w.lower() for w in _WORD.findall(text or ""))
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        prefix = phrase is None and bool(raw) and raw.endswith("*") and len(words) == 1
        term = Term(words, prefix=prefix, negated=bool(neg))
        (parsed.negated if neg else parsed.groups[-1]).append(term)
    parsed.groups = [g for g in parsed.groups if g]
    return parsed


def fts5_query(parsed: Parsed) -> str:
    """The FTS5 MATCH expression: every word is a quoted string, so no user text is
    ever read as FTS5 syntax."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")

    expr = " OR ".join("(" + " AND ".join(term(t) for t in g) + ")" for g in parsed.groups)
    for t in parsed.negated:
        expr = f"({expr}) NOT {term(t)}"
    return expr


def tsquery_sql(parsed: Parsed) -> tuple[str, list[str]]:
    """A PostgreSQL tsquery expression with the words as parameters. Phrases go through
    phraseto_tsquery so they are split exactly as the documents were."""

    def term(t: Term) -> tuple[str, list[str]]:
        if t.prefix:
            return "to_tsquery('english', %s)", [t.words[0] + ":*"]
        return "phraseto_tsquery('english', %s)", [" ".join(t.words)]

    params: list[str] = []
    ors = []
    for group in parsed.groups:
        ands = []
        for t in group:
            sql, p = term(t)
            ands.append(sql)
            params += p
        ors.append("(" + " && ".join(ands) + ")")
    expr = "(" + " || ".join(ors) + ")"
    for t in parsed.negated:
        sql, p = term(t)
        expr = f"({expr} && !!{sql})"
        params += p
    return expr, params


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    officer: str = ""  # username
    unit: str = ""  # unit code
    category: int | None = None
    kind: str = ""
    case: str = ""  # case number

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)

    def apply(self, items: QuerySet[Item]) -> QuerySet[Item]:
        if self.date_from:
            start = datetime.combine(self.date_from, time.min, tzinfo=UTC)
            items = items.filter(recorded_at__gte=start)
        if self.date_to:
            items = items.filter(recorded_at__lte=datetime.combine(self.date_to, time.max, UTC))
        if self.officer:
            items = items.filter(officer__username=self.officer)
        if self.unit:
            items = items.filter(unit__code=self.unit)
        if self.category:
            items = items.filter(category_id=self.category)
        if self.kind in Kind.values:
            items = items.filter(kind=self.kind)
        if self.case:
            items = items.filter(cases__number=self.case)
        return items


@dataclass
class Hit:
    item: Item
    snippet: SafeString | str = ""
    score: float | None = None


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    ranked: bool  # False: no words, so the newest items

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def highlight(snippet: str) -> SafeString:
    """Escape first, then turn the markers into <mark>: user text is never trusted."""
    text = escape(snippet)
    if text.count(START) != text.count(STOP):
        return mark_safe(text.replace(START, "").replace(STOP, ""))  # noqa: S308
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def search(
    user: User,
    q: str = "",
    filters: Filters | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> Results:
    filters = filters or Filters()
    visible = filters.apply(policy.visible_items(user))
    parsed = parse(q)
    if not parsed:
        total = visible.count()
        page = min(max(1, page), _pages(total, per_page))
        rows = visible.select_related("officer", "category").order_by(
            "-recorded_at", "-ingested_at"
        )[(page - 1) * per_page : page * per_page]
        hits = [Hit(item) for item in rows]
        return Results(q, hits, total, page, _pages(total, per_page), ranked=False)
    backend: _Backend = _Postgres() if connection.vendor == "postgresql" else _Sqlite()
    # The visible queryset stays whole (same joins, same WHERE); the text match only
    # joins onto it, so the database can start from the few matching documents.
    matches = backend.ranked(visible.filter(search_doc__isnull=False), parsed)
    total = matches.count()
    page = min(max(1, page), _pages(total, per_page))
    start = (page - 1) * per_page
    rows = list(
        matches.select_related("officer", "category").order_by(backend.order, "pk")[
            start : start + per_page
        ]
    )
    with connection.cursor() as cursor:
        snippets = backend.snippets(cursor, parsed, [row.doc_id for row in rows])
    hits = [Hit(i, highlight(snippets.get(i.doc_id, "")), float(i.score)) for i in rows]
    return Results(q, hits, total, page, _pages(total, per_page), ranked=True)


class _Backend(ABC):
    """The database's own full-text engine: SQLite FTS5 or PostgreSQL tsvector."""

    order = ""

    @abstractmethod
    def ranked(self, items: QuerySet[Item], parsed: Parsed) -> QuerySet[Item]:
        """`items` narrowed to the matches, with `score` and `doc_id` selected."""

    @abstractmethod
    def snippets(self, cursor: Any, parsed: Parsed, doc_ids: list[int]) -> dict[int, str]:
        """Highlighted fragments of the matching documents, by document id."""


class _Sqlite(_Backend):
    order = "score"  # bm25 is lower for better matches

    def ranked(self, items: QuerySet[Item], parsed: Parsed) -> QuerySet[Item]:
        # extra(): Django cannot join a virtual table; the user's words are a parameter.
        return items.extra(
            select={
                "score": "bm25(cases_searchfts, 10.0, 5.0, 1.0)",
                "doc_id": "cases_searchdoc.id",
            },
            tables=["cases_searchfts"],
            where=["cases_searchfts.rowid = cases_searchdoc.id", "cases_searchfts MATCH %s"],
            params=[fts5_query(parsed)],
        )

    def snippets(self, cursor: Any, parsed: Parsed, doc_ids: list[int]) -> dict[int, str]:
        if not doc_ids:
            return {}
        marks = ", ".join(["%s"] * len(doc_ids))
        cursor.execute(
            "SELECT rowid, snippet(cases_searchfts, -1, char(2), char(3), '…', 24) "  # noqa: S608
            f"FROM cases_searchfts WHERE cases_searchfts MATCH %s AND rowid IN ({marks})",
            [fts5_query(parsed), *doc_ids],
        )
        return dict(cursor.fetchall())


class _Postgres(_Backend):
    order = "-score"  # ts_rank_cd weighs A (title) > B (keys) > C (body)
    HEADLINE = (
        f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
        'FragmentDelimiter=" … "'
    )

    def ranked(self, items: QuerySet[Item], parsed: Parsed) -> QuerySet[Item]:
        q, params = tsquery_sql(parsed)
        return items.extra(  # noqa: S610
            select={
                "score": f"ts_rank_cd(cases_searchdoc.vector, {q})",
                "doc_id": "cases_searchdoc.id",
            },
            select_params=params,
            where=[f"cases_searchdoc.vector @@ {q}"],
            params=params,
        )

    def snippets(self, cursor: Any, parsed: Parsed, doc_ids: list[int]) -> dict[int, str]:
        if not doc_ids:
            return {}
        q, params = tsquery_sql(parsed)
        # ts_headline drops anything that looks like an HTML tag; hide < and > from it
        # and put them back, so the text is shown (escaped) as it was written.
        cursor.execute(
            "SELECT d.id, ts_headline('english', translate(concat_ws(' · ', d.title, d.keys, "  # noqa: S608
            f"d.body), '<>', %s), {q}, %s) FROM cases_searchdoc d WHERE d.id = ANY(%s)",
            [HIDE_TAGS, *params, self.HEADLINE, doc_ids],
        )
        return {doc: text.translate(SHOW_TAGS) for doc, text in cursor.fetchall()}


def parse_filters(data: Any) -> Filters:
    """Filters from a query dict (GET parameters); anything malformed is ignored."""

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(data.get(name, "") or "")
        except ValueError:
            return None

    category = data.get("category", "")
    return Filters(
        date_from=day("from"),
        date_to=day("to"),
        officer=(data.get("officer", "") or "")[:150],
        unit=(data.get("unit", "") or "")[:32],
        category=int(category) if str(category).isdigit() else None,
        kind=data.get("kind", "") if data.get("kind", "") in Kind.values else "",
        case=(data.get("case", "") or "").strip()[:40],
    )

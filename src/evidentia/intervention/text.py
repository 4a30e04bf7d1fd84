"""Rules, numbers and records in plain words, for the pages and the e-mails."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from evidentia.intervention.models import Alert, Method, Rule, RuleSource
from evidentia.standards.models import AllegationType

WHAT: dict[str, str] = {
    RuleSource.USE_OF_FORCE.value: "use-of-force reports",
    RuleSource.COMPLAINT.value: "complaint allegations",
}


def describe(rule: Rule) -> str:
    what = WHAT.get(rule.source, rule.source)
    if rule.method == Method.COUNT:
        return (
            f"An alert when an officer has {rule.threshold} or more {what} "
            f"in {rule.window_days} days."
        )
    corrected = (
        " (after the Benjamini-Hochberg correction for testing every officer of the unit)"
        if rule.fdr_correction
        else ""
    )
    return (
        f"An alert when, over {rule.window_days} days, an officer has at least {rule.threshold} "
        f"{what} and more than their unit peers would have had for the same number of calls: "
        f"the chance of so many at the peers' rate is below {rule.alpha:g}{corrected}."
    )


def p_text(p: float | None) -> str:
    if p is None:
        return "—"
    if p < 0.0001:
        return "< 0.0001"
    return f"{p:.4f}"


def numbers(alert: Alert) -> list[tuple[str, str]]:
    rows = [
        ("Window", f"{alert.window_start:%Y-%m-%d} to {alert.window_end:%Y-%m-%d}"),
        ("Count in the window", str(alert.count)),
        ("Calls handled in the window", "—" if alert.calls is None else str(alert.calls)),
    ]
    if alert.rule.method == Method.PEER:
        rows += [
            (
                "Expected at the peers' rate",
                "—" if alert.expected is None else f"{alert.expected:.2f}",
            ),
            ("Chance of this many or more (p)", p_text(alert.p_value)),
            ("Adjusted across the unit (q)", p_text(alert.p_adjusted)),
        ]
    return rows


def _link(names: tuple[str, ...], pk: str) -> str:
    for name in names:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return ""


def records(alert: Alert, *, full: bool) -> list[dict[str, Any]]:
    """The supporting records as shown. Complaints: reference, date and allegation type
    only; a link to the complaint only for those who may read complaints (`full`)."""
    types = dict(AllegationType.choices)
    out = []
    for r in alert.supporting:
        if r.get("kind") == "complaint":
            out.append(
                {
                    "kind": "Complaint allegation",
                    "reference": r.get("reference", ""),
                    "date": r.get("date", ""),
                    "type": types.get(r.get("type", ""), r.get("type", "")),
                    "url": _link(("standards:detail", "standards:complaint"), r["id"])
                    if full
                    else "",
                }
            )
        else:
            out.append(
                {
                    "kind": "Use-of-force report",
                    "reference": r.get("reference", ""),
                    "date": r.get("date", ""),
                    "type": "",
                    "url": _link(("force:detail", "force:report"), r["id"]) or f"/force/{r['id']}/",
                }
            )
    return out

"""What the portal publishes, in plain words: the sections, their tables and figures,
and each one's definition. The pages, the downloads and the data dictionary all read
this, so a definition is written once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    definition: str
    kind: str = "count"  # count (a table with a total) | stat (median, share) | rates
    dimension: str = ""  # the rows: "Month", "Force type", ...
    measure: str = ""  # tables of one measure share a total
    unit: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str
    figures: tuple[Figure, ...]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


NOT_DRAFT = "Reports still in draft are not counted."
SEVERAL = (
    "One incident can involve several force types and several people, so these rows add "
    "up to more than the number of incidents."
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "use_of_force",
        "Use of force",
        "Incidents in which an officer used force and filed a use-of-force report.",
        (
            Figure(
                "by_month",
                "Incidents by month",
                f"Use-of-force reports by the month the incident happened. {NOT_DRAFT}",
                dimension="Month",
                measure="incidents",
            ),
            Figure(
                "by_district",
                "Incidents by district",
                f"Use-of-force reports by the district where the incident happened. {NOT_DRAFT}",
                dimension="District",
                measure="incidents",
            ),
            Figure(
                "by_force_type",
                "Force types used",
                f"Each force type named in a report counts once. {SEVERAL} {NOT_DRAFT}",
                dimension="Force type",
                measure="force_types",
            ),
            Figure(
                "by_race",
                "People subjected to force, by race",
                f"Each person named as a subject in a report counts once. {SEVERAL}",
                dimension="Race",
                measure="subjects",
            ),
            Figure(
                "by_sex",
                "People subjected to force, by sex",
                "Each person named as a subject in a report counts once.",
                dimension="Sex",
                measure="subjects",
            ),
            Figure(
                "by_age",
                "People subjected to force, by age",
                "Each person named as a subject in a report counts once, by their age at "
                "the time of the incident.",
                dimension="Age band",
                measure="subjects",
            ),
        ),
    ),
    Section(
        "complaints",
        "Complaints",
        "Complaints about officers received from the public and referred internally, how "
        "they were decided, and how long investigations took.",
        (
            Figure(
                "by_source",
                "Complaints received, by how they arrived",
                "Complaints by the date they were received and the way they came in.",
                dimension="Source",
                measure="complaints",
            ),
            Figure(
                "by_allegation",
                "Allegations received, by type",
                "A complaint can make several allegations (for example about two officers); "
                "each allegation counts once, in the year its complaint was received.",
                dimension="Allegation type",
                measure="allegations",
            ),
            Figure(
                "by_finding",
                "Allegations decided, by finding",
                "Allegations with a finding recorded in the year, by the finding.",
                dimension="Finding",
                measure="findings",
            ),
            Figure(
                "median_days_to_close",
                "Median days to close a complaint",
                "For complaints closed in the year: the median number of days from "
                "receiving the complaint to closing it.",
                kind="stat",
                unit="days",
            ),
        ),
    ),
    Section(
        "body_cameras",
        "Body-camera compliance",
        "Whether officers recorded the calls that policy says must be recorded.",
        (
            Figure(
                "required",
                "Assignments that policy says must be recorded",
                "Each officer assigned to a dispatched call whose type must be recorded "
                "counts once, by call type, in the year the assignment started.",
                dimension="Call type",
                measure="required",
            ),
            Figure(
                "recorded",
                "Assignments with a body-camera recording",
                "Of those assignments, the ones covered by at least one of the officer's "
                "recordings.",
                dimension="Call type",
                measure="recorded",
            ),
            Figure(
                "late",
                "Late activations",
                "Recorded assignments whose first recording started later after dispatch "
                "than the policy for the call type allows.",
                dimension="Call type",
                measure="late",
            ),
            Figure(
                "short",
                "Short recordings",
                "Recorded assignments whose recordings cover less of the assignment than "
                "the policy for the call type asks.",
                dimension="Call type",
                measure="short",
            ),
            Figure(
                "share_recorded",
                "Share of required assignments recorded",
                "Recorded assignments as a percentage of those that must be recorded. "
                "Shown only where both counts are shown.",
                kind="rates",
                dimension="Call type",
                unit="%",
            ),
        ),
    ),
    Section(
        "records_requests",
        "Records requests",
        "Public-records requests for recordings, and how quickly they were answered.",
        (
            Figure(
                "received",
                "Requests received",
                "Public-records requests received in the year, from the public form or "
                "entered by staff.",
                kind="stat",
            ),
            Figure(
                "timeliness",
                "Requests fulfilled, on time or late",
                "Requests fulfilled in the year; on time means by the legal due date.",
                dimension="Timeliness",
                measure="fulfilled",
            ),
            Figure(
                "median_days_to_fulfil",
                "Median days to fulfil",
                "For requests fulfilled in the year: the median number of days from "
                "receiving the request to releasing the records.",
                kind="stat",
                unit="days",
            ),
            Figure(
                "share_on_time",
                "Share fulfilled on time",
                "Requests fulfilled on time as a percentage of all fulfilled in the year.",
                kind="stat",
                unit="%",
            ),
        ),
    ),
    Section(
        "community_reports",
        "Community reports",
        "Reports residents sent through the community portal (not complaints about "
        "officers, which are counted under Complaints).",
        (
            Figure(
                "by_category",
                "Reports received, by category",
                "Reports received in the year, by the category the resident chose.",
                dimension="Category",
                measure="reports",
            ),
            Figure(
                "median_days_to_resolve",
                "Median days to resolve",
                "For reports resolved or closed in the year: the median number of days from "
                "receiving the report to resolving it.",
                kind="stat",
                unit="days",
            ),
        ),
    ),
)

BY_KEY = {s.key: s for s in SECTIONS}

"""Synthetic use-of-force reports (with subjects, force types and the review chain)
and complaints (with allegations, findings and the resident's restricted report).
Officers are drawn in proportion to calls handled times their own rate, so the
outliers stand out per call and the merely busy do not."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from evidentia.accounts.models import User
from evidentia.community.models import Report, Service, Status, Via
from evidentia.community.services import codes
from evidentia.standards.models import (
    ActionKind,
    Allegation,
    AllegationType,
    Complaint,
    ComplaintStatus,
    CorrectiveAction,
    Finding,
    Source,
)
from evidentia.synthetic.cad import FORCE_PRONE, STREETS
from evidentia.synthetic.common import MARK, World, insert
from evidentia.useofforce.models import ForceType, Race, ReportStatus, Review, Sex, Subject
from evidentia.useofforce.models import UseOfForceReport as Force

DAY = 86400
# Used only when the agency has no list yet (code, name, how often it is reported).
FORCE_TYPES = [
    ("hands", "Physical control (hands-on)", 40),
    ("takedown", "Takedown", 20),
    ("handcuffing-resisted", "Handcuffing against resistance", 15),
    ("oc-spray", "Pepper spray (OC)", 6),
    ("cew", "Conducted energy weapon (Taser)", 8),
    ("baton", "Baton or impact weapon", 3),
    ("k9", "Police dog", 2),
    ("firearm-pointed", "Firearm pointed at a person", 5),
    ("firearm-discharged", "Firearm discharged", 1),
]
RACES = [
    (Race.WHITE, 45),
    (Race.BLACK, 27),
    (Race.HISPANIC, 17),
    (Race.ASIAN, 4),
    (Race.NATIVE, 1.5),
    (Race.PACIFIC, 0.5),
    (Race.MULTIPLE, 2),
    (Race.UNKNOWN, 3),
]
SEXES = [(Sex.MALE, 82), (Sex.FEMALE, 16), (Sex.OTHER, 0.5), (Sex.UNKNOWN, 1.5)]
REASONS = [
    "subject resisted handcuffing",
    "subject assaulted an officer",
    "subject fled and was stopped",
    "to prevent self-harm",
    "subject reached for a weapon",
    "to separate fighting people",
]
STATUSES = [
    (ReportStatus.APPROVED, 82),
    (ReportStatus.SUBMITTED, 7),
    (ReportStatus.RETURNED, 4),
    (ReportStatus.REFERRED, 4),
    (ReportStatus.DRAFT, 3),
]
ALLEGATIONS = [
    (AllegationType.COURTESY, 35),
    (AllegationType.PROCEDURE, 30),
    (AllegationType.FORCE, 15),
    (AllegationType.BIAS, 10),
    (AllegationType.OTHER, 10),
]
SOURCES = [
    (Source.PORTAL, 45),
    (Source.PHONE, 20),
    (Source.IN_PERSON, 10),
    (Source.MAIL, 10),
    (Source.INTERNAL, 15),
]
FINDINGS = [
    (Finding.UNFOUNDED, 30),
    (Finding.NOT_SUSTAINED, 30),
    (Finding.EXONERATED, 20),
    (Finding.SUSTAINED, 15),
    (Finding.POLICY_FAILURE, 5),
]
ACTIONS = [
    ActionKind.COUNSELLING,
    ActionKind.TRAINING,
    ActionKind.WRITTEN_REPRIMAND,
    ActionKind.SUSPENSION,
]


def _mix(world: World, table: list, n: int) -> list:  # type: ignore[type-arg]
    weights = np.array([w for _, w in table], dtype=float)
    return [table[i][0] for i in world.pick(weights, n)]


def force_types() -> list[ForceType]:
    if not ForceType.objects.exists():
        ForceType.objects.bulk_create(
            ForceType(code=c, name=name, order=n * 10) for n, (c, name, _) in enumerate(FORCE_TYPES)
        )
    return list(ForceType.objects.filter(active=True))


def _by_officer(world: World, rows: np.ndarray, rate: np.ndarray, n: int) -> np.ndarray:
    """n of the assignments `rows`, officers weighted by their count there times `rate`."""
    officers = world.asg_officer[rows]
    weight = np.bincount(officers, minlength=len(world.officers)) * rate
    chosen = world.pick(weight, n)
    order = rows[np.argsort(officers, kind="stable")]
    sorted_officers = world.asg_officer[order]
    lo = np.searchsorted(sorted_officers, chosen, "left")
    hi = np.searchsorted(sorted_officers, chosen, "right")
    return order[lo + (world.rng.random(n) * (hi - lo)).astype(np.int64)]


def force(world: World, n: int) -> dict[str, int]:
    types = force_types()
    prone = np.flatnonzero(FORCE_PRONE[world.call_type[world.asg_call]])
    if n <= 0 or not len(prone):
        return {"force_reports": 0}
    rng, when = world.rng, world.when
    picked = _by_officer(world, prone, world.force_rate, n)
    fw = {c: w for c, _, w in FORCE_TYPES}
    type_weight = np.array([fw.get(t.code, 3) for t in types], dtype=float)
    statuses = _mix(world, STATUSES, n)
    reports, reviews, links, subjects = [], [], [], []
    through = Force.force_types.through
    for k, a in enumerate(picked.tolist()):
        call, officer = int(world.asg_call[a]), world.officers[world.asg_officer[a]]
        occurred = int(world.call_ts[call]) + int(rng.integers(300, 2400))
        district = int(world.call_district[call])
        lat, lon = world.point(np.array([district]))
        status = statuses[k]
        if world.end - occurred < 3 * DAY and status == ReportStatus.APPROVED:
            status = ReportStatus.SUBMITTED  # too recent to have been reviewed
        submitted = occurred + int(rng.integers(2, 10)) * 3600
        decided = min(submitted + int(rng.exponential(4 * DAY)) + 3600, world.end - 60)
        reviewer = world.supervisors.get(officer.unit_id)
        tried = bool(rng.random() < 0.75)
        hurt = bool(rng.random() < 0.1)
        report = Force(
            reference=f"UOF-S{world.batch}-{k + 1:05d}",
            officer=officer,
            unit_id=officer.unit_id,
            incident_number=f"{world.call_prefix}{call + 1:08d}",
            occurred_at=when(occurred),
            location=f"{rng.integers(1, 90) * 100} block of {STREETS[rng.integers(len(STREETS))]}",
            lat=float(lat[0]),
            lon=float(lon[0]),
            district=world.districts[district],
            reason=f"{MARK} {REASONS[rng.integers(len(REASONS))]}.",
            deescalation_attempted=tried,
            deescalation=f"{MARK} verbal commands and time." if tried else "",
            officer_injured=hurt,
            officer_injuries=f"{MARK} minor abrasions." if hurt else "",
            missing_recording=not bool(world.asg_recorded[a]),
            status=status,
            reviewer=reviewer,
            submitted_at=None if status == ReportStatus.DRAFT else when(submitted),
            decided_at=when(decided) if status in DECIDED else None,
            created_at=when(occurred + 3600),
            updated_at=when(decided if status in DECIDED else submitted),
        )
        reports.append(report)
        for t in set(world.pick(type_weight, int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))):
            links.append(through(useofforcereport_id=report.pk, forcetype_id=types[t].pk))
        for _ in range(1 if rng.random() < 0.85 else 2):
            subjects.append(_subject(world, report))
        if status != ReportStatus.DRAFT:
            reviews.append(_review(report, Review.Action.SUBMITTED, officer, submitted, world))
        if status in DECIDED and reviewer is not None:
            reviews.append(_review(report, ACTION[status], reviewer, decided, world))
    insert(Force, reports)
    insert(through, links)
    insert(Subject, subjects)
    insert(Review, reviews)
    referred = [r for r in reports if r.status == ReportStatus.REFERRED]
    return {"force_reports": len(reports), "subjects": len(subjects)} | _refer(world, referred)


DECIDED = {ReportStatus.APPROVED, ReportStatus.RETURNED, ReportStatus.REFERRED}
ACTION = {
    ReportStatus.APPROVED: Review.Action.APPROVED,
    ReportStatus.RETURNED: Review.Action.RETURNED,
    ReportStatus.REFERRED: Review.Action.REFERRED,
}


def _subject(world: World, report: Force) -> Subject:
    rng = world.rng
    injured = bool(rng.random() < 0.25)
    age = int(np.clip(rng.normal(31, 10), 14, 80)) if rng.random() < 0.95 else None
    return Subject(
        report=report,
        race=_mix(world, RACES, 1)[0],
        sex=_mix(world, SEXES, 1)[0],
        age=age,
        injured=injured,
        injuries=f"{MARK} minor injuries, treated at scene." if injured else "",
    )


def _review(report: Force, action: str, actor: User, at: int, world: World) -> Review:
    note = "" if action == Review.Action.SUBMITTED else f"{MARK} reviewed."
    return Review(
        report=report, action=action, actor=actor, comments=note, created_at=world.when(at)
    )


def _refer(world: World, referred: list[Force]) -> dict[str, int]:
    """A referred report becomes an internal complaint with one force allegation."""
    complaints, allegations = [], []
    for k, report in enumerate(referred):
        at = report.decided_at
        assert at is not None  # a referral is a decision
        complaint = Complaint(
            reference=f"C-S{world.batch}-R{k + 1:04d}",
            source=Source.INTERNAL,
            summary=f"{MARK} referred from use-of-force report {report.reference}.",
            received_at=at,
            incident_at=report.occurred_at,
            location=report.location,
            district=report.district,
            status=ComplaintStatus.INVESTIGATING,
            assignee=world.standards,
            due_on=(at + timedelta(days=90)).date(),
            created_at=at,
            updated_at=at,
        )
        complaints.append(complaint)
        report.complaint = complaint
        allegations.append(
            Allegation(
                complaint=complaint,
                officer=report.officer,
                type=AllegationType.FORCE,
                description=f"{MARK} force in {report.reference}.",
                created_at=at,
            )
        )
    insert(Complaint, complaints)
    insert(Allegation, allegations)
    Force.objects.bulk_update(referred, ["complaint"], batch_size=1000)
    return {"referrals": len(complaints)}


def complaints(world: World, n: int) -> dict[str, int]:
    if n <= 0 or not len(world.asg_officer):
        return {"complaints": 0, "allegations": 0}
    rng, when, end = world.rng, world.when, world.end
    service = Service.objects.filter(standards=True, active=True).order_by("order").first()
    received = np.sort(world.times(n, diurnal=False))
    sources = _mix(world, SOURCES, n)
    rows, reports, allegations, actions = [], [], [], []
    handled = np.bincount(world.asg_officer, minlength=len(world.officers))
    sizes = rng.choice([1, 2, 3], n, p=[0.65, 0.25, 0.1])
    accused = iter(world.pick(handled * world.complaint_rate, int(sizes.sum())).tolist())
    for k in range(n):
        got = int(received[k])
        incident = got - int(rng.exponential(5 * DAY))
        took = int(rng.gamma(2.0, 35 * DAY))
        closed = got + took < end - 3600
        status = (
            ComplaintStatus.CLOSED
            if closed
            else (
                ComplaintStatus.RECEIVED if end - got < 7 * DAY else ComplaintStatus.INVESTIGATING
            )
        )
        district = int(rng.integers(len(world.districts)))
        complaint = Complaint(
            reference=f"C-S{world.batch}-{k + 1:05d}",
            source=sources[k],
            summary=f"{MARK} complaint {k + 1}.",
            received_at=when(got),
            incident_at=when(max(incident, world.start)),
            location=f"{rng.integers(1, 90) * 100} block of {STREETS[rng.integers(len(STREETS))]}",
            district=world.districts[district],
            status=status,
            assignee=None if status == ComplaintStatus.RECEIVED else world.standards,
            due_on=(when(got) + timedelta(days=90)).date(),
            closing_letter=f"{MARK} your complaint was investigated and closed." if closed else "",
            closed_at=when(got + took) if closed else None,
            created_at=when(got),
            updated_at=when(got + took) if closed else when(got),
        )
        rows.append(complaint)
        kinds = _mix(world, ALLEGATIONS, int(sizes[k]))
        for kind in kinds:
            officer = world.officers[next(accused)]
            known = rng.random() > 0.08
            finding = _mix(world, FINDINGS, 1)[0] if closed else ""
            allegation = Allegation(
                complaint=complaint,
                officer=officer if known else None,
                officer_description="" if known else f"{MARK} officer not identified.",
                type=kind,
                description=f"{MARK} allegation of {kind}.",
                finding=finding,
                finding_note=f"{MARK} finding." if closed else "",
                finding_at=when(got + took - 3600) if closed else None,
                finding_by=world.standards if closed else None,
                created_at=when(got),
            )
            allegations.append(allegation)
            if finding == Finding.SUSTAINED and world.standards is not None:
                actions.append(
                    CorrectiveAction(
                        allegation=allegation,
                        kind=ACTIONS[rng.integers(len(ACTIONS))],
                        description=f"{MARK} corrective action.",
                        decided_at=when(got + took - 1800),
                        decided_by=world.standards,
                    )
                )
        if service is not None and complaint.source != Source.INTERNAL:
            complaint.report = _restricted_report(world, service, complaint, kinds[0], district)
            reports.append(complaint.report)
    insert(Report, reports)
    insert(Complaint, rows)
    insert(Allegation, allegations)
    insert(CorrectiveAction, actions)
    return {"complaints": len(rows), "allegations": len(allegations)}


REPORT_STATUS: dict[str, str] = {
    ComplaintStatus.RECEIVED: Status.RECEIVED,
    ComplaintStatus.INVESTIGATING: Status.IN_PROGRESS,
    ComplaintStatus.CLOSED: Status.CLOSED,
}


def _restricted_report(
    world: World, service: Service, complaint: Complaint, kind: str, district: int
) -> Report:
    """The resident's side: tracking code (random, never seeded, never shown) and status."""
    lat, lon = world.point(np.array([district]))
    return Report(
        public_id=codes.new_public_id(),
        code_hash=codes.code_hash(codes.new_code()),
        token=codes.new_token(),
        service=service,
        description=f"{MARK} complaint about an officer ({complaint.reference}).",
        address=complaint.location,
        lat=float(lat[0]),
        lon=float(lon[0]),
        occurred_at=complaint.incident_at,
        attributes={"allegation": kind},
        via=Via.WEB if complaint.source == Source.PORTAL else Via.STAFF,
        status=REPORT_STATUS[complaint.status],
        restricted=True,
        public=False,
        created_at=complaint.received_at,
        updated_at=complaint.updated_at,
        closed_at=complaint.closed_at,
    )

"""Names of ledger event kinds. CJIS Security Policy 5.4.1.1 lists what must be logged."""

LOGIN_SUCCESS = "auth.login.success"
LOGIN_FAILURE = "auth.login.failure"
LOGIN_LOCKOUT = "auth.login.lockout"
LOGOUT = "auth.logout"
MFA_ENROLLED = "auth.mfa.enrolled"
ROLE_CHANGED = "account.role_changed"
PERMISSION_CHANGED = "account.permission_changed"
ACCOUNT_CREATED = "account.created"
ACCOUNT_DISABLED = "account.disabled"
ACCOUNT_ENABLED = "account.enabled"
PASSWORD_CHANGED = "account.password_changed"
MFA_REMOVED = "auth.mfa.removed"
TOKEN_CREATED = "account.token_created"
TOKEN_REVOKED = "account.token_revoked"
KEY_ROTATED = "key.rotated"

INGESTED = "evidence.ingested"
DEDUPLICATED = "evidence.deduplicated"
INGEST_REJECTED = "evidence.ingest_rejected"
PROCESSING_FAILED = "evidence.processing_failed"
METADATA_VIEWED = "evidence.metadata_viewed"
PLAYED = "evidence.played"
DOWNLOADED = "evidence.downloaded"
METADATA_EDITED = "evidence.metadata_edited"
DERIVATIVE_CREATED = "evidence.derivative_created"
TRACK_LINKED = "evidence.track_linked"
FIXITY_PASSED = "evidence.fixity_passed"
FIXITY_FAILED = "evidence.fixity_failed"
FIXITY_ACKNOWLEDGED = "evidence.fixity_alert_acknowledged"

CASE_CREATED = "case.created"
CASE_ITEM_LINKED = "case.item_linked"

EXPORTED = "export.created"
REPORT_GENERATED = "custody.report_generated"

CASE_UPDATED = "case.updated"
CASE_STATUS_CHANGED = "case.status_changed"
CASE_MEMBER_ADDED = "case.member_added"
CASE_MEMBER_REMOVED = "case.member_removed"
CASE_ITEM_UNLINKED = "case.item_unlinked"
CASE_NOTE_ADDED = "case.note_added"
ITEM_TAGGED = "evidence.tag_added"
ITEM_UNTAGGED = "evidence.tag_removed"
ITEM_NOTE_ADDED = "evidence.note_added"

BOOKMARK_ADDED = "review.bookmark_added"
COMMENT_ADDED = "review.comment_added"
FEEDBACK_OPENED = "review.feedback_opened"
FEEDBACK_REPLIED = "review.feedback_replied"
TRAINING_MARKED = "review.training_marked"

LABELS = {
    LOGIN_SUCCESS: "Signed in",
    LOGIN_FAILURE: "Sign-in failed",
    LOGIN_LOCKOUT: "Account locked",
    INGESTED: "Ingested into the vault",
    DEDUPLICATED: "Submitted again (identical copy)",
    PROCESSING_FAILED: "Processing failed",
    METADATA_VIEWED: "Details viewed",
    PLAYED: "Played",
    DOWNLOADED: "Downloaded",
    METADATA_EDITED: "Details edited",
    DERIVATIVE_CREATED: "Derived file created",
    TRACK_LINKED: "GPS track linked",
    FIXITY_PASSED: "Fixity check passed",
    FIXITY_FAILED: "Fixity check FAILED",
    CASE_CREATED: "Case opened",
    CASE_ITEM_LINKED: "Added to a case",
    EXPORTED: "Exported",
    REPORT_GENERATED: "Custody report generated",
    CASE_UPDATED: "Case details changed",
    CASE_STATUS_CHANGED: "Case status changed",
    CASE_MEMBER_ADDED: "Case member added",
    CASE_MEMBER_REMOVED: "Case member removed",
    CASE_ITEM_UNLINKED: "Removed from a case",
    CASE_NOTE_ADDED: "Case note added",
    ITEM_TAGGED: "Tag added",
    ITEM_UNTAGGED: "Tag removed",
    ITEM_NOTE_ADDED: "Note added",
    BOOKMARK_ADDED: "Bookmark added",
    COMMENT_ADDED: "Comment added",
    FEEDBACK_OPENED: "Feedback thread opened",
    FEEDBACK_REPLIED: "Feedback reply",
    TRAINING_MARKED: "Marked as a training clip",
}


def label(kind: str) -> str:
    """A reader's name for an event kind."""
    return LABELS.get(kind) or kind.rsplit(".", 1)[-1].replace("_", " ").capitalize()


# Redaction studio (issue 4).
REDACTION_PLAN_CREATED = "redaction.plan_created"
REDACTION_PLAN_CHANGED = "redaction.plan_changed"
REDACTION_APPROVAL_REQUESTED = "redaction.approval_requested"
REDACTION_APPROVED = "redaction.approved"
REDACTION_REJECTED = "redaction.rejected"
REDACTION_RENDERED = "redaction.rendered"
REDACTION_FAILED = "redaction.failed"

LABELS.update(
    {
        REDACTION_PLAN_CREATED: "Redaction plan created",
        REDACTION_PLAN_CHANGED: "Redaction plan changed",
        REDACTION_APPROVAL_REQUESTED: "Redaction approval requested",
        REDACTION_APPROVED: "Redaction approved",
        REDACTION_REJECTED: "Redaction rejected",
        REDACTION_RENDERED: "Redacted version rendered",
        REDACTION_FAILED: "Redaction job failed",
    }
)

# Community portal (issue 5). Residents act as the system actor "public"; their
# address and contact details never enter the ledger.
REPORT_FILED = "community.report_filed"
REPORT_INFO_ADDED = "community.report_info_added"
REPORT_STATUS_CHANGED = "community.report_status_changed"
REPORT_ASSIGNED = "community.report_assigned"
REPORT_REPLIED = "community.report_replied"
REPORT_MERGED = "community.report_merged"
REPORT_MODERATED = "community.report_moderated"
REPORT_CASE_OPENED = "community.report_case_opened"
REPORT_MEDIA_PUBLISHED = "community.report_media_published"
REPORT_MEDIA_UNPUBLISHED = "community.report_media_unpublished"
INVITE_CREATED = "community.invite_created"
INVITE_REVOKED = "community.invite_revoked"
ALERT_PUBLISHED = "community.alert_published"
ALERT_WITHDRAWN = "community.alert_withdrawn"
OPEN311_KEY_CREATED = "community.open311_key_created"
OPEN311_KEY_REVOKED = "community.open311_key_revoked"
SERVICE_CHANGED = "community.service_changed"

LABELS.update(
    {
        REPORT_FILED: "Community report filed",
        REPORT_INFO_ADDED: "Resident added information",
        REPORT_STATUS_CHANGED: "Community report status changed",
        REPORT_ASSIGNED: "Community report assigned",
        REPORT_REPLIED: "Reply to a community report",
        REPORT_MERGED: "Community report merged as a duplicate",
        REPORT_MODERATED: "Public text moderated",
        REPORT_CASE_OPENED: "Case opened from a community report",
        REPORT_MEDIA_PUBLISHED: "Redacted copy published",
        REPORT_MEDIA_UNPUBLISHED: "Redacted copy taken down",
        INVITE_CREATED: "Evidence invite created",
        INVITE_REVOKED: "Evidence invite revoked",
        ALERT_PUBLISHED: "Community alert published",
        ALERT_WITHDRAWN: "Community alert withdrawn",
        OPEN311_KEY_CREATED: "Open311 key created",
        OPEN311_KEY_REVOKED: "Open311 key revoked",
        SERVICE_CHANGED: "Community service list changed",
    }
)

# Sharing, exports and retention (issue 6).
EXPORT_VERIFIED = "export.verified"
LEGAL_HOLD_PLACED = "retention.hold_placed"
LEGAL_HOLD_RELEASED = "retention.hold_released"
RETENTION_DUE = "retention.due"
RETENTION_POLICY_CHANGED = "retention.policy_changed"
DISPOSITION_REQUESTED = "retention.disposition_requested"
DISPOSITION_APPROVED = "retention.disposition_approved"
DISPOSITION_REJECTED = "retention.disposition_rejected"
DISPOSED = "retention.disposed"

LABELS.update(
    {
        EXPORT_VERIFIED: "Export verified",
        LEGAL_HOLD_PLACED: "Legal hold placed",
        LEGAL_HOLD_RELEASED: "Legal hold released",
        RETENTION_DUE: "Retention period ended",
        RETENTION_POLICY_CHANGED: "Retention period changed",
        DISPOSITION_REQUESTED: "Disposition requested",
        DISPOSITION_APPROVED: "Disposition approved",
        DISPOSITION_REJECTED: "Disposition refused",
        DISPOSED: "Disposed (crypto-shredded)",
    }
)

# Shares with prosecutors (issue 6, section 1).
SHARE_CREATED = "share.created"
SHARE_REVOKED = "share.revoked"
SHARE_ACCESSED = "share.accessed"
SHARE_REFUSED = "share.refused"
# External recipients (a link plus a one-time code; no code or token is ever recorded).
SHARE_CODE_SENT = "share.code_sent"
SHARE_CODE_REFUSED = "share.code_refused"

LABELS.update(
    {
        SHARE_CREATED: "Shared with a prosecutor",
        SHARE_REVOKED: "Share revoked",
        SHARE_ACCESSED: "Opened through a share",
        SHARE_REFUSED: "Expired or revoked share refused",
        SHARE_CODE_SENT: "Share code sent to an external recipient",
        SHARE_CODE_REFUSED: "Share code refused",
    }
)

# Public releases of redacted footage (issue 6, section 3).
RELEASE_PUBLISHED = "release.published"
RELEASE_WITHDRAWN = "release.withdrawn"

LABELS.update(
    {
        RELEASE_PUBLISHED: "Redacted footage released to the public",
        RELEASE_WITHDRAWN: "Public release withdrawn",
    }
)

# Public records requests (issue 6, section 4).
RECORDS_FILED = "records.filed"
RECORDS_ASSIGNED = "records.assigned"
RECORDS_SEARCHED = "records.searched"
RECORDS_ITEM_ATTACHED = "records.item_attached"
RECORDS_FULFILLED = "records.fulfilled"
RECORDS_CLOSED = "records.closed"
RECORDS_DOWNLOADED = "records.downloaded"
RECORDS_LINK_REFUSED = "records.link_refused"

LABELS.update(
    {
        RECORDS_FILED: "Records request received",
        RECORDS_ASSIGNED: "Records request assigned",
        RECORDS_SEARCHED: "Records request searched",
        RECORDS_ITEM_ATTACHED: "Released under a records request",
        RECORDS_FULFILLED: "Records request fulfilled",
        RECORDS_CLOSED: "Records request closed",
        RECORDS_DOWNLOADED: "Records release downloaded",
        RECORDS_LINK_REFUSED: "Expired records link refused",
    }
)

# Accountability and transparency (issue 7). Standards events carry ids and digests only,
# never a complainant's words or contact details.
COMPLAINT_RECEIVED = "standards.complaint_received"
COMPLAINT_UPDATED = "standards.complaint_updated"
COMPLAINT_ASSIGNED = "standards.complaint_assigned"
COMPLAINT_STATUS_CHANGED = "standards.complaint_status_changed"
COMPLAINT_EVIDENCE_LINKED = "standards.evidence_linked"
COMPLAINT_NOTE_ADDED = "standards.note_added"
COMPLAINT_CLOSED = "standards.complaint_closed"
ALLEGATION_ADDED = "standards.allegation_added"
ALLEGATION_UPDATED = "standards.allegation_updated"
FINDING_RECORDED = "standards.finding_recorded"
CORRECTIVE_ACTION_RECORDED = "standards.corrective_action_recorded"
FORCE_REPORT_CREATED = "force.report_created"
FORCE_REPORT_UPDATED = "force.report_updated"
FORCE_REPORT_SUBMITTED = "force.report_submitted"
FORCE_REPORT_APPROVED = "force.report_approved"
FORCE_REPORT_RETURNED = "force.report_returned"
FORCE_REPORT_REFERRED = "force.report_referred"
FORCE_REPORT_FORWARDED = "force.report_forwarded"
FORCE_RECORDING_MISSING = "force.recording_missing"
FORCE_TYPES_CHANGED = "force.types_changed"
EI_RULE_CHANGED = "intervention.rule_changed"
EI_ALERT_RAISED = "intervention.alert_raised"
EI_ALERT_FORWARDED = "intervention.alert_forwarded"
EI_ALERT_VIEWED = "intervention.alert_viewed"
EI_INTERVENTION_RECORDED = "intervention.recorded"
CAD_IMPORTED = "cad.imported"
CAD_IMPORT_REJECTED = "cad.import_rejected"
CAD_TAGGED = "cad.recording_tagged"
CAD_POLICY_CHANGED = "cad.policy_changed"
TRANSPARENCY_REFRESHED = "transparency.refreshed"
POLICY_PUBLISHED = "policy.version_published"
POLICY_COMMENT_PERIOD_OPENED = "policy.comment_period_opened"
POLICY_COMMENT_RECEIVED = "policy.comment_received"
POLICY_COMMENT_MODERATED = "policy.comment_moderated"
POLICY_COMMENT_ANSWERED = "policy.comment_answered"

LABELS.update(
    {
        COMPLAINT_RECEIVED: "Complaint received",
        COMPLAINT_UPDATED: "Complaint details changed",
        COMPLAINT_ASSIGNED: "Complaint assigned",
        COMPLAINT_STATUS_CHANGED: "Complaint status changed",
        COMPLAINT_EVIDENCE_LINKED: "Evidence linked to a complaint",
        COMPLAINT_NOTE_ADDED: "Investigation note added",
        COMPLAINT_CLOSED: "Complaint closed",
        ALLEGATION_ADDED: "Allegation added",
        ALLEGATION_UPDATED: "Allegation changed",
        FINDING_RECORDED: "Finding recorded",
        CORRECTIVE_ACTION_RECORDED: "Corrective action recorded",
        FORCE_REPORT_CREATED: "Use-of-force report started",
        FORCE_REPORT_UPDATED: "Use-of-force report changed",
        FORCE_REPORT_SUBMITTED: "Use-of-force report submitted",
        FORCE_REPORT_APPROVED: "Use-of-force report approved",
        FORCE_REPORT_RETURNED: "Use-of-force report returned",
        FORCE_REPORT_REFERRED: "Use-of-force report referred to standards",
        FORCE_REPORT_FORWARDED: "Use-of-force report forwarded",
        FORCE_RECORDING_MISSING: "No body-camera recording for a use of force",
        FORCE_TYPES_CHANGED: "Force type list changed",
        EI_RULE_CHANGED: "Early-intervention rule changed",
        EI_ALERT_RAISED: "Early-intervention alert raised",
        EI_ALERT_FORWARDED: "Early-intervention alert forwarded to the supervisor",
        EI_ALERT_VIEWED: "Early-intervention alert opened",
        EI_INTERVENTION_RECORDED: "Intervention recorded",
        CAD_IMPORTED: "CAD calls imported",
        CAD_IMPORT_REJECTED: "CAD import rejected",
        CAD_TAGGED: "Recording linked to a CAD call",
        CAD_POLICY_CHANGED: "Recording policy changed",
        TRANSPARENCY_REFRESHED: "Transparency figures refreshed",
        POLICY_PUBLISHED: "Policy version published",
        POLICY_COMMENT_PERIOD_OPENED: "Policy opened for public comment",
        POLICY_COMMENT_RECEIVED: "Public comment received",
        POLICY_COMMENT_MODERATED: "Public comment moderated",
        POLICY_COMMENT_ANSWERED: "Agency response to a comment published",
    }
)

# Crime analytics (issue 8).
ANALYTICS_IMPORTED = "analytics.imported"
ANALYTICS_IMPORT_REJECTED = "analytics.import_rejected"

LABELS.update(
    {
        ANALYTICS_IMPORTED: "Incidents imported for analysis",
        ANALYTICS_IMPORT_REJECTED: "Incident import rejected",
    }
)

# Area layers for the analytics bias report (issue 8).
ANALYTICS_AREAS_IMPORTED = "analytics.areas_imported"

LABELS[ANALYTICS_AREAS_IMPORTED] = "Area layer imported for the bias report"

# Records clerk tools (docs/decisions/0031): detach, link e-mails and reissued links.
RECORDS_ITEM_REMOVED = "records.item_removed"
RECORDS_LINK_SENT = "records.link_sent"
RECORDS_LINK_REISSUED = "records.link_reissued"

LABELS.update(
    {
        RECORDS_ITEM_REMOVED: "Removed from a records request",
        RECORDS_LINK_SENT: "Records link e-mailed to the requester",
        RECORDS_LINK_REISSUED: "Records link reissued",
    }
)

# Authenticator apps for repeat external share recipients (docs/decisions/0032).
# Use is share.accessed with detail.via "authenticator"; a wrong or replayed app code
# is share.code_refused.
SHARE_AUTHENTICATOR_ENROLLED = "share.authenticator_enrolled"
SHARE_AUTHENTICATOR_CONFIRMED = "share.authenticator_confirmed"
SHARE_AUTHENTICATOR_REMOVED = "share.authenticator_removed"
SHARE_AUTHENTICATOR_RESET = "share.authenticator_reset"
SHARE_AUTHENTICATOR_STEPS = (
    SHARE_AUTHENTICATOR_ENROLLED,
    SHARE_AUTHENTICATOR_CONFIRMED,
    SHARE_AUTHENTICATOR_REMOVED,
    SHARE_AUTHENTICATOR_RESET,
)

LABELS.update(
    {
        SHARE_AUTHENTICATOR_ENROLLED: "External recipient started setting up an authenticator app",
        SHARE_AUTHENTICATOR_CONFIRMED: "External recipient's authenticator app confirmed",
        SHARE_AUTHENTICATOR_REMOVED: "External recipient stopped using an authenticator app",
        SHARE_AUTHENTICATOR_RESET: "External recipient's authenticator app reset by staff",
    }
)

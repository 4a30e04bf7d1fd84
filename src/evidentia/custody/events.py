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

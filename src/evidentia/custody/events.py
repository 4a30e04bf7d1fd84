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
}


def label(kind: str) -> str:
    """A reader's name for an event kind."""
    return LABELS.get(kind) or kind.rsplit(".", 1)[-1].replace("_", " ").capitalize()

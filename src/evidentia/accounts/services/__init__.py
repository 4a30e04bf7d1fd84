"""The one door for account changes: each checks permission, changes data and appends
the ledger event in one transaction. Views, the admin, the API and the CLI call these;
nothing else writes accounts. Split by aggregate; import from here.
"""

from evidentia.accounts.services._common import (
    ROLE_SCOPES,
    allowed_scopes,
    is_admin,
)
from evidentia.accounts.services.mfa import (
    confirm_totp,
    confirmed_device,
    enroll_totp,
    reset_totp,
)
from evidentia.accounts.services.tokens import (
    authenticate_token,
    create_token,
    find_token,
    parse_token,
    revoke_token,
)
from evidentia.accounts.services.users import (
    change_role,
    create_user,
    record_password_changed,
    record_permission_change,
    save_new_user,
    set_active,
    set_password,
)

__all__ = [
    "ROLE_SCOPES",
    "allowed_scopes",
    "authenticate_token",
    "change_role",
    "confirm_totp",
    "confirmed_device",
    "create_token",
    "create_user",
    "enroll_totp",
    "find_token",
    "is_admin",
    "parse_token",
    "record_password_changed",
    "record_permission_change",
    "reset_totp",
    "revoke_token",
    "save_new_user",
    "set_active",
    "set_password",
]

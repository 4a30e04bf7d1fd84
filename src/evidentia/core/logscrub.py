"""Keep residents' keys and addresses out of logs.

Tracking codes, invite tokens, records-request download tokens and external share
tokens travel in URL paths (they are the private links), so any log line with such a
path has the secret part replaced. Gunicorn's access log also
drops the client address for public endpoints: anonymous residents are not recorded.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATH = re.compile(
    r"(/public/(?:track|invite|records/download)/|/exports/shared/)[^/?#\s\"']+"
)
# The "enter your code" form sends it as a query parameter.
SECRET_QUERY = re.compile(r"((?:^|[?&\s])code=)[^&#\s\"']+")
PUBLIC_PREFIXES = ("/public/", "/open311/")


def scrub(text: str) -> str:
    return SECRET_QUERY.sub(r"\1[redacted]", SECRET_PATH.sub(r"\1[redacted]", text))


class ScrubSecrets(logging.Filter):
    """A handler filter: the formatted message, with secret path parts replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PrivacyLogger(Logger):
    """Gunicorn's logger, with public requests logged without address or secrets."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        if path.startswith(PUBLIC_PREFIXES):
            atoms["h"] = "-"
            atoms["{x-forwarded-for}i"] = "-"
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = scrub(atoms[key])
        return atoms

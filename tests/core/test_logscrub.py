"""Logs never carry a private link's secret (tracking code, invite, records download or
external share token) or, for public pages, the address."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from evidentia.core.logscrub import PrivacyLogger, ScrubSecrets, scrub


def test_tracking_codes_and_invite_tokens_are_replaced_in_paths():
    assert scrub("GET /public/track/ABCD-EFGH-JKMN/?new=1") == "GET /public/track/[redacted]/?new=1"
    assert scrub("Gone: /public/invite/tok_3x-Y/") == "Gone: /public/invite/[redacted]/"
    assert scrub("GET /evidence/123/") == "GET /evidence/123/"


def test_records_download_and_external_share_tokens_are_replaced_in_paths():
    assert scrub("Not Found: /public/records/download/rq_9f2K-x") == (
        "Not Found: /public/records/download/[redacted]"
    )
    assert scrub("Gone: /exports/shared/sh_AbC123/download") == (
        "Gone: /exports/shared/[redacted]/download"
    )
    assert scrub("GET /exports/42/") == "GET /exports/42/"


def test_a_code_typed_into_the_tracking_form_is_replaced_in_the_query():
    assert scrub("GET /public/track/?code=7K3M-QQ2X-AB12 HTTP/1.1") == (
        "GET /public/track/?code=[redacted] HTTP/1.1"
    )
    assert scrub("code=7K3M") == "code=[redacted]"
    assert scrub("GET /evidence/?encode=x") == "GET /evidence/?encode=x"


def test_the_log_filter_scrubs_formatted_messages():
    record = logging.LogRecord(
        "django.request", 30, "x", 1, "Not Found: %s", ("/public/track/Z9/",), None
    )
    ScrubSecrets().filter(record)
    assert record.getMessage() == "Not Found: /public/track/[redacted]/"


def test_gunicorn_logs_public_requests_without_the_client_address():
    logger = PrivacyLogger(SimpleNamespace(**_gunicorn_cfg()))
    environ = {
        "PATH_INFO": "/public/track/ABCD/",
        "RAW_URI": "/public/track/ABCD/",
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    req = SimpleNamespace(
        method="GET",
        path="/public/track/ABCD/",
        query="",
        uri="/public/track/ABCD/",
        version=(1, 1),
        headers=[],
        peer_addr=("203.0.113.9", 5000),
    )
    resp = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    environ["REMOTE_ADDR"] = "203.0.113.9"
    atoms = logger.atoms(resp, req, environ, _elapsed())
    assert atoms["h"] == "-"
    assert "ABCD" not in atoms["r"] and "ABCD" not in atoms["U"]


def _gunicorn_cfg() -> dict:
    from gunicorn.config import Config

    cfg = Config()
    return {name: setting.get() for name, setting in cfg.settings.items()} | {
        "settings": cfg.settings,
        "env": {},
    }


def _elapsed():
    from datetime import timedelta

    return timedelta(milliseconds=5)

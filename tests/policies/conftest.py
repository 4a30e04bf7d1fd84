"""Policy fixtures: a published policy with two versions and an open comment period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from evidentia.policies.models import CommentPeriod, PolicyVersion
from evidentia.policies.services import comments, versions


@pytest.fixture
def policy(adam) -> PolicyVersion:
    """Version 2 of "Body-worn cameras"."""
    first = versions.create_policy(
        title="Body-worn cameras",
        body="Officers record every enforcement contact.\n\nRecordings are evidence.",
        actor=adam,
    )
    return versions.publish_version(
        first.policy,
        body="Officers record from dispatch.\n\nRecordings are evidence.",
        change_note="Record from dispatch.",
        actor=adam,
    )


@pytest.fixture
def period(policy, adam) -> CommentPeriod:
    today = comments.today()
    return comments.open_period(
        policy,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
        introduction="Tell us.",
        actor=adam,
    )

"""`evidentia demo` seeds the synthetic history and the demo policies."""

from __future__ import annotations

import pytest

from evidentia.cad.models import Call
from evidentia.core import demo
from evidentia.policies.models import CommentPeriod, Policy
from evidentia.useofforce.models import UseOfForceReport


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_seeds_synthetic_history_and_policies():
    assert demo.seed(clips=0, say=lambda _: None)
    assert Call.objects.filter(call_number__startswith="SYN1-").count() == 20_000
    assert UseOfForceReport.objects.count() == 250
    assert Policy.objects.count() == 3
    assert all(p.versions.count() == 2 for p in Policy.objects.all())
    assert CommentPeriod.objects.count() == 1

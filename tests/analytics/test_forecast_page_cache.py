"""The forecast page remembers a computed forecast until the data change."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from evidentia.analytics.services import forecasting

from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401

URL = reverse("analytics:forecast")
ASK = {"start": "2016-08-25", "horizon": "7", "cell": "600", "method": "kde", "budget": "0.25"}


@pytest.fixture
def crafted(db, carmen, request):
    dataset = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(120)), dataset, carmen)
    cache.clear()
    return dataset


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = forecasting.run

    def counting(q):
        calls.append(q)
        return real(q)

    monkeypatch.setattr(forecasting, "run", counting)
    return calls


def test_the_same_question_twice_computes_the_forecast_once(crafted, as_user, sam, counted):
    client = as_user(sam)
    assert client.get(URL, ASK).status_code == 200
    assert client.get(URL, ASK).status_code == 200
    assert client.get(reverse("analytics:forecast_csv"), ASK).status_code == 200
    assert len(counted) == 1


def test_a_new_import_asks_afresh(crafted, as_user, sam, carmen, counted):
    client = as_user(sam)
    client.get(URL, ASK)
    run(csv_bytes(*synthetic_lines(10, seed=3, day="2016-08-{:02d}")), crafted, carmen)
    client.get(URL, ASK)
    assert len(counted) == 2

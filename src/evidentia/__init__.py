"""Evidentia: digital evidence with a chain of custody anyone can verify."""

from evidentia.celery import app as celery_app

__all__ = ["celery_app"]

"""Redaction: detectors, tracking, plans, operators and rendering.

The engine modules (everything but ``apps`` and ``management``) import no Django, so
they run without a database: see :mod:`evidentia.redaction.engine`.
"""

"""Typed business errors. Each carries a message a person can act on and an HTTP status."""

from __future__ import annotations


class EvidentiaError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EvidentiaError):
    status = 404


class PermissionDenied(EvidentiaError):
    status = 403


class Rejected(EvidentiaError):
    """Input that cannot become evidence (empty file, over the size limit)."""

    status = 422


class Conflict(EvidentiaError):
    status = 409

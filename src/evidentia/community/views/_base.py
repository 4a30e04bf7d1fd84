"""What every staff page of the portal shares: the refusal page and form plumbing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evidentia.community.forms import StaffForm
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import EvidentiaError


def error_page(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(
        request,
        "community/staff/error.html",
        {"nav": "community", "message": exc.message},
        status=exc.status,
    )


def refuse(form: StaffForm, exc: EvidentiaError) -> int:
    """Put a service's refusal on the form (next to the field where it names one) and
    return the status to answer with."""
    if isinstance(exc, Invalid):
        form.add_errors(exc.errors)
    else:
        form.add_error(None, exc.message)
    return exc.status

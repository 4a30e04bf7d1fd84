"""Forms for the staff side of the community portal. They check shape only; the rules
live in the services, whose field errors (reports.Invalid) land next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from evidentia.accounts.models import Unit
from evidentia.community.models import Service, Status, Visibility
from evidentia.community.services.reports import MAX_DESCRIPTION


class StaffForm(forms.Form):
    """Marks each field with its help and error text for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"

    def add_error(self, field: str | None, error: Any) -> None:
        if field is not None and field not in self.fields:
            field = None
        super().add_error(field, error)
        if field is not None and field in self.fields:
            ids = [f"{self[field].auto_id}-error"]
            if self.fields[field].help_text:
                ids.append(f"{self[field].auto_id}-help")
            self.fields[field].widget.attrs["aria-describedby"] = " ".join(ids)
            self.fields[field].widget.attrs["aria-invalid"] = "true"

    def add_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name, message)


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# --------------------------------------------------------------------------- the queue


class QueueFilter(StaffForm):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    category = forms.ModelChoiceField(
        required=False, queryset=Service.objects.none(), empty_label="Any category"
    )
    unit = forms.ModelChoiceField(
        required=False, queryset=Unit.objects.all(), empty_label="Any unit"
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    attention = forms.BooleanField(required=False, label="Needs attention (received)")

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = services if services is not None else Service.objects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data


# --------------------------------------------------------------------------- one report


class StatusForm(StaffForm):
    status = forms.ChoiceField(choices=Status.choices, label="New status")
    note = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=_area(),
        label="Note to the resident (optional)",
        help_text="Shown with the status change to the resident, and publicly if the "
        "report is public.",
    )


class AssignForm(StaffForm):
    unit = forms.ModelChoiceField(
        required=False, queryset=Unit.objects.all(), empty_label="No unit", label="Unit"
    )


class ReplyForm(StaffForm):
    text = forms.CharField(max_length=MAX_DESCRIPTION, widget=_area(4), label="Reply")
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.REPORTER,
        widget=forms.RadioSelect,
        label="Who may read it",
    )


class MergeForm(StaffForm):
    original = forms.CharField(
        max_length=16,
        label="Public id of the original report",
        help_text="This report is closed as its duplicate; the resident is pointed there.",
    )

    def clean_original(self) -> str:
        value: str = self.cleaned_data["original"]
        return value.strip().upper()


class ModerateForm(StaffForm):
    text = forms.CharField(
        max_length=MAX_DESCRIPTION, widget=_area(5), label="Public text", strip=True
    )
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        help_text="For the moderation log, e.g. “removed a neighbour's name”.",
    )


class ListedForm(StaffForm):
    listed = forms.TypedChoiceField(
        choices=[("1", "Show publicly"), ("0", "Hide from the public")],
        coerce=lambda v: v == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(max_length=300, label="Reason")


class OpenCaseForm(StaffForm):
    number = forms.CharField(max_length=40, label="Case number")
    title = forms.CharField(max_length=200, label="Case title")


class PublishForm(StaffForm):
    blob = forms.UUIDField(widget=forms.HiddenInput)


# --------------------------------------------------------------------------- invites


class InviteForm(StaffForm):
    case = forms.UUIDField(widget=forms.HiddenInput)
    label = forms.CharField(
        max_length=120,
        label="Who it is for",
        help_text="Staff only, so you recognise the invite later (e.g. “bus driver”).",
    )
    email = forms.EmailField(
        required=False,
        label="Witness's email (optional)",
        help_text="We email the link. Leave empty to hand it over yourself or by QR code.",
    )
    message = forms.CharField(
        required=False,
        max_length=2000,
        widget=_area(),
        label="Message to the witness (optional)",
        help_text="Shown on the upload page. Do not include anything the witness should not read.",
    )
    days = forms.IntegerField(min_value=1, max_value=90, label="Link works for (days)")
    max_files = forms.IntegerField(min_value=1, max_value=100, label="Most files")
    max_mb = forms.IntegerField(min_value=1, label="Largest file (MB)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.INVITE_DEFAULT_DAYS
        self.fields["max_files"].initial = settings.INVITE_DEFAULT_MAX_FILES
        top = max(1, settings.INVITE_DEFAULT_MAX_BYTES // 1024**2)
        self.fields["max_mb"].initial = top
        max_mb = self.fields["max_mb"]
        assert isinstance(max_mb, forms.IntegerField)
        max_mb.widget.attrs["max"] = top
        max_mb.validators.append(_at_most(top))


def _at_most(top: int) -> Any:
    def check(value: int) -> None:
        if value > top:
            raise forms.ValidationError(f"At most {top} MB.")

    return check


# --------------------------------------------------------------------------- alerts


class AlertForm(StaffForm):
    title = forms.CharField(max_length=160)
    body = forms.CharField(max_length=MAX_DESCRIPTION, widget=_area(4), label="What to know")
    area = forms.CharField(
        max_length=200, label="Area", help_text="Where it applies, in words people know."
    )
    lat = forms.FloatField(required=False, label="Latitude (optional)")
    lon = forms.FloatField(required=False, label="Longitude (optional)")
    radius_m = forms.IntegerField(required=False, min_value=1, label="Radius in metres (optional)")
    expires_at = forms.DateTimeField(
        label="Shown until (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

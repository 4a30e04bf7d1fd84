"""Forms for the case pages. They only validate input; services make the changes."""

from __future__ import annotations

from django import forms

from evidentia.accounts.models import User
from evidentia.cases.services import MEMBER_ROLES


def member_choices() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True, role__in=MEMBER_ROLES).order_by(
            "last_name", "first_name", "username"
        ),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="You are added as a member. Hold Ctrl or ⌘ to pick several people.",
    )


class CaseForm(forms.Form):
    number = forms.CharField(max_length=40, label="Case number")
    incident_number = forms.CharField(max_length=40, required=False, label="Incident / CAD number")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    members = member_choices()
    restricted = forms.BooleanField(
        required=False,
        label="Restricted (internal affairs)",
        help_text="Only members will know this case and its evidence exist, custodians and "
        "auditors included. This cannot be changed later.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"] = member_choices()
        self.fields["members"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u} · {u.get_role_display()}" + (f" · {u.unit}" if u.unit_id else "")
        )


class CaseDetailsForm(forms.Form):
    number = forms.CharField(max_length=40, label="Case number")
    incident_number = forms.CharField(max_length=40, required=False, label="Incident / CAD number")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

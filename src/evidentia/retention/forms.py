"""The rule form on the rules page: a period as a number and a unit (or permanent), the
clock, and a required reason. It only reads input; `services.set_rule` changes the rule."""

from __future__ import annotations

from typing import Any

from django import forms

from evidentia.retention.models import Clock, RetentionRule
from evidentia.retention.services.rules import MAX_DAYS, MAX_YEARS
from evidentia.retention.words import KIND_CHOICES, UNIT_CHOICES, UNITS, split_days


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        choices=KIND_CHOICES,
        error_messages={
            "required": "Choose whether to keep evidence for a period or permanently.",
            "invalid_choice": "Choose whether to keep evidence for a period or permanently.",
        },
    )
    amount = forms.IntegerField(
        required=False,
        error_messages={"invalid": "Enter the period as a whole number, such as 3."},
    )
    unit = forms.ChoiceField(
        choices=UNIT_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose days, months or years."},
    )
    clock = forms.ChoiceField(
        choices=Clock.choices,
        error_messages={
            "required": "Choose what the period counts from.",
            "invalid_choice": "Choose what the period counts from: recording or case closure.",
        },
    )
    note = forms.CharField(
        max_length=500,
        strip=True,
        error_messages={
            "required": "Give the reason for this rule, such as the schedule item it follows.",
            "max_length": "Keep the reason to 500 characters or fewer.",
        },
    )
    version = forms.CharField(required=False, max_length=64)
    confirmed = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") != "period":
            data["period_days"] = None
            return data
        amount, unit = data.get("amount"), data.get("unit")
        if "amount" in self.errors or "unit" in self.errors:
            return data
        if amount is None:
            self.add_error("amount", "Enter how long to keep evidence, such as 3 years.")
        elif not unit:
            self.add_error("unit", "Choose days, months or years.")
        elif amount < 1:
            self.add_error(
                "amount", "The period must be at least 1 day; choose permanent to keep for good."
            )
        elif amount * UNITS[unit] > MAX_DAYS:
            self.add_error(
                "amount",
                f"That is longer than {MAX_YEARS} years ({MAX_DAYS:,} days); "
                "choose permanent to keep evidence for longer.",
            )
        else:
            data["period_days"] = amount * UNITS[unit]
        return data


def initial_for(rule: RetentionRule | None, fallback_days: int | None) -> dict[str, Any]:
    """The form as the current rule fills it (the reason is left for the editor to write)."""
    if rule is not None and rule.permanent:
        return {"kind": "permanent", "unit": "years", "clock": rule.clock, "note": ""}
    days = rule.period_days if rule is not None else fallback_days
    amount, unit = split_days(days) if days else (None, "years")
    return {
        "kind": "period",
        "amount": amount,
        "unit": unit,
        "clock": rule.clock if rule is not None else Clock.RECORDED,
        "note": "",
    }

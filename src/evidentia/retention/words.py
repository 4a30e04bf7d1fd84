"""The page's plain words for periods, clocks and the ledger's rule descriptions."""

from __future__ import annotations

import re

from evidentia.retention.models import Clock
from evidentia.retention.services.rules import DAYS_PER_YEAR, MAX_DAYS, MAX_YEARS

DAYS_PER_MONTH = 30
UNITS = {"days": 1, "months": DAYS_PER_MONTH, "years": DAYS_PER_YEAR}
UNIT_CHOICES = [("days", "days"), ("months", "months"), ("years", "years")]
KIND_CHOICES = [("period", "For a period"), ("permanent", "Permanently")]

# What each clock counts from, in the words the page uses.
CLOCK_WORDS = {
    Clock.RECORDED: "From when the item was recorded (its upload time if the device gave none)",
    Clock.CLOSURE: (
        "From when the last of the item's cases was closed (items in no case: from when "
        "recorded; while any of its cases is open the period has not started)"
    ),
}
# The same, short, for the rules table.
CLOCK_SHORT = {
    Clock.RECORDED: "When recorded",
    Clock.CLOSURE: "When its last case is closed",
}
CONVERSION = (
    f"A month counts as {DAYS_PER_MONTH} days and a year as {DAYS_PER_YEAR} days; "
    f"the longest period is {MAX_YEARS} years ({MAX_DAYS:,} days)."
)


def split_days(days: int) -> tuple[int, str]:
    """The plainest whole number and unit for a number of days."""
    if days % DAYS_PER_YEAR == 0:
        return days // DAYS_PER_YEAR, "years"
    if days % DAYS_PER_MONTH == 0:
        return days // DAYS_PER_MONTH, "months"
    return days, "days"


def plain_period(days: int) -> str:
    """ "3 years (1,095 days)", "6 months (180 days)", "45 days"."""
    amount, unit = split_days(days)
    word = unit if amount != 1 else unit[:-1]
    if unit == "days":
        return f"{amount:,} {word}"
    return f"{amount:,} {word} ({days:,} days)"


def days_only(days: int) -> str:
    """ "1,095 days" when the plainest unit is not days already, else ""."""
    return f"{days:,} days" if split_days(days)[1] != "days" else ""


def short_period(days: int) -> str:
    """ "3 years", "6 months", "45 days"."""
    amount, unit = split_days(days)
    return f"{amount:,} {unit if amount != 1 else unit[:-1]}"


# `RetentionRule.describe()` as the ledger keeps it: "1095 days from recorded time".
DESCRIBED = re.compile(r"^(\d+) days from (recorded time|case closure)$")


def plain_rule(described: str) -> str:
    """A ledger description in the page's words (unknown text is shown as it is)."""
    if described == "none":
        return "No rule"
    if described == "permanent":
        return "Permanent"
    found = DESCRIBED.match(described)
    if not found:
        return described
    start = "when recorded" if found.group(2) == "recorded time" else "case closure"
    return f"{plain_period(int(found.group(1)))} from {start}"

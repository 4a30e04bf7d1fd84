"""The default early-intervention rules. Agencies review them with their union and
policy staff (Intervention → Rules); they are a starting point, not a standard."""

from django.db import migrations

# name, source, method, threshold, window_days, alpha
DEFAULTS = [
    ("3 or more use-of-force reports in 90 days", "use_of_force", "count", 3, 90, 0.05),
    ("2 or more complaint allegations in 180 days", "complaint", "count", 2, 180, 0.05),
    (
        "Use of force above unit peers for the calls handled (365 days)",
        "use_of_force",
        "peer",
        2,
        365,
        0.05,
    ),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("intervention", "Rule")
    for name, source, method, threshold, days, alpha in DEFAULTS:
        Rule.objects.get_or_create(
            source=source,
            method=method,
            window_days=days,
            defaults={"name": name, "threshold": threshold, "alpha": alpha},
        )


class Migration(migrations.Migration):
    dependencies = [("intervention", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

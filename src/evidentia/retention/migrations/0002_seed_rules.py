"""Example retention rules. Agencies MUST set these to their state's records-retention
schedule (Administration → Retention rules); they are examples, not legal advice."""

from django.db import migrations

NOTE = (
    "Example default seeded by Evidentia. Set this to your state's records-retention "
    "schedule before relying on it."
)

# category name, period in days (None: permanent), clock
DEFAULTS = [
    ("Non-evidentiary", 180, "recorded"),
    ("Traffic", 3 * 365, "recorded"),
    ("Misdemeanour", 5 * 365, "closure"),
    ("Felony", 10 * 365, "closure"),
    ("Homicide", None, "closure"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for name, days, clock in DEFAULTS:
        category, _ = Category.objects.get_or_create(
            name=name, defaults={"description": f"Retention category ({name.lower()})."}
        )
        RetentionRule.objects.get_or_create(
            category=category,
            defaults={
                "period_days": days,
                "permanent": days is None,
                "clock": clock,
                "note": NOTE,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""A starting list of force types. Administrators rename, reorder or retire them at
/force/types/; retired types stay on old reports."""

from django.db import migrations

# code, name: roughly the levels most state use-of-force reporting asks for.
DEFAULTS = [
    ("hands-on", "Hands-on control (holds, joint locks)"),
    ("takedown", "Takedown"),
    ("strikes", "Strikes (hands, feet, knees)"),
    ("oc-spray", "OC (pepper) spray"),
    ("cew", "Conducted energy weapon"),
    ("baton", "Baton or impact weapon"),
    ("k9", "K9 deployment"),
    ("firearm-pointed", "Firearm pointed at a person"),
    ("firearm-discharged", "Firearm discharged"),
    ("other", "Other (describe in the reason)"),
]


def seed(apps, schema_editor):
    ForceType = apps.get_model("useofforce", "ForceType")
    for order, (code, name) in enumerate(DEFAULTS, start=1):
        ForceType.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("useofforce", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

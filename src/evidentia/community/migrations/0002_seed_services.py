"""The default service list. Agencies edit it in Administration → Services."""

from django.db import migrations

TYPES = [
    {"key": t, "name": n}
    for t, n in [
        ("force", "Use of force"),
        ("courtesy", "Courtesy or conduct"),
        ("procedure", "Procedure"),
        ("bias", "Bias or discrimination"),
        ("other", "Other"),
    ]
]

SERVICES = [
    # code, name, group, public, standards, expected_days, description, attributes
    (
        "noise",
        "Noise",
        "Quality of life",
        True,
        False,
        7,
        "Loud parties, music, barking, construction out of hours.",
        [],
    ),
    (
        "traffic-hazard",
        "Traffic hazard",
        "Roads",
        True,
        False,
        3,
        "Something on or near the road that puts people in danger.",
        [],
    ),
    (
        "suspicious-activity",
        "Suspicious activity",
        "Safety",
        False,
        False,
        None,
        "Something that worries you but is not happening right now.",
        [],
    ),
    (
        "drug-activity",
        "Drug activity",
        "Safety",
        False,
        False,
        None,
        "Drug dealing or use you have seen.",
        [],
    ),
    (
        "graffiti",
        "Graffiti",
        "Quality of life",
        True,
        False,
        14,
        "Graffiti or vandalism on walls, signs or property.",
        [],
    ),
    (
        "abandoned-vehicle",
        "Abandoned vehicle",
        "Roads",
        True,
        False,
        14,
        "A vehicle that seems to have been left for a long time.",
        [
            {
                "variable": True,
                "code": "plate",
                "datatype": "string",
                "required": False,
                "datatype_description": "As shown on the plate",
                "order": 1,
                "description": "Licence plate, if you can see it",
            },
            {
                "variable": True,
                "code": "vehicle",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 2,
                "description": "Make, model and colour",
            },
        ],
    ),
    (
        "compliment",
        "Compliment",
        "Feedback",
        False,
        False,
        None,
        "Tell us about an officer or staff member who did well.",
        [],
    ),
    (
        "officer-complaint",
        "Complaint about an officer",
        "Feedback",
        False,
        True,
        90,
        "A complaint about the conduct of an officer or staff member. It goes to the "
        "professional-standards unit only.",
        [
            {
                "variable": True,
                "code": "allegation",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": "What is the complaint about?",
                "values": TYPES,
            },
            {
                "variable": True,
                "code": "officer",
                "datatype": "string",
                "required": False,
                "datatype_description": "Name, badge number or vehicle number",
                "order": 2,
                "description": "The officer, if you know",
            },
        ],
    ),
    ("other", "Other", "Other", False, False, None, "Anything else that is not an emergency.", []),
]


def seed(apps, schema_editor):
    Service = apps.get_model("community", "Service")
    for order, (code, name, group, public, standards, days, text, attrs) in enumerate(SERVICES):
        Service.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "public": public,
                "standards": standards,
                "expected_days": days,
                "description": text,
                "attributes": attrs,
                "order": order,
                "open311_type": "batch" if standards else "realtime",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Default contact details and opening hours, and the "Contact centre" and "Content editors" groups.

All of it stays editable in the admin afterwards; running this again changes nothing that exists.
"""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Contact centre": {
        "sitealert": ["add", "change", "delete", "view"],
        "contactdetails": ["add", "change", "delete", "view"],
        "openinghours": ["add", "change", "delete", "view"],
    },
    "Content editors": {
        "topic": ["add", "change", "view"],
        "advicepage": ["add", "change", "view"],
        "pagechange": ["add", "change", "view"],
    },
}


def create_contact_defaults(apps, schema_editor):
    ContactDetails = apps.get_model("microcredentials", "ContactDetails")
    OpeningHours = apps.get_model("microcredentials", "OpeningHours")
    if not ContactDetails.objects.exists():
        ContactDetails.objects.create(
            name="The Customer Contact Group", email="info@careers.example.govt.nz", phone="0800 123 456"
        )
    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=weekday, opens=datetime.time(8, 30), closes=datetime.time(17, 0))
            for weekday in range(5)  # Monday to Friday
        )


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations run; make this app's now.
    app_config = apps.get_app_config("microcredentials")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in GROUP_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        permissions = Permission.objects.filter(content_type__app_label="microcredentials", codename__in=codenames)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("microcredentials", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_contact_defaults, migrations.RunPython.noop),
        migrations.RunPython(create_groups, remove_groups),
    ]

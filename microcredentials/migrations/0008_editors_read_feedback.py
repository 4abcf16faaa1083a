"""Content editors may read readers' page feedback (not change or delete it): it is about their pages.

Added to the group as it stands, so anything else staff have changed in it is kept.
"""

from django.db import migrations

GROUP = "Content editors"
CODENAME = "view_pagefeedback"


def _permission(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="microcredentials", codename=CODENAME
    )


def allow(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.add(*_permission(apps))


def disallow(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*_permission(apps))


class Migration(migrations.Migration):
    dependencies = [("microcredentials", "0007_search_passages")]

    operations = [migrations.RunPython(allow, disallow)]

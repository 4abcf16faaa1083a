"""Extra closed days (besides public holidays), which the "Contact centre" group keeps."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('microcredentials', '0011_preview_links'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClosedDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(help_text='The New Zealand calendar day, for example 2026-12-29.', unique=True)),
                ('reason', models.CharField(blank=True, help_text='Optional. Readers see it after “for”, for example “the Christmas break”.', max_length=80)),
            ],
            options={
                'verbose_name': 'extra closed day',
                'ordering': ['day'],
            },
        ),
    ]


CODENAMES = [f"{action}_closedday" for action in ("add", "change", "delete", "view")]


def let_contact_centre_keep_closed_days(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # The new model's permissions must exist before the group can hold them (as migration 0002 does).
    app_config = apps.get_app_config("microcredentials")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Contact centre").first()
    if group:
        Permission = apps.get_model("auth", "Permission")
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="microcredentials", codename__in=CODENAMES)
        )


def take_them_back(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Contact centre").first()
    if group:
        group.permissions.remove(*apps.get_model("auth", "Permission").objects.filter(codename__in=CODENAMES))


Migration.operations.append(migrations.RunPython(let_contact_centre_keep_closed_days, take_them_back))

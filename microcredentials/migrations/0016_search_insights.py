"""Search insight (counts per query and day), synonyms and recommended results; who may use them.

Content editors manage synonyms and recommended results and read the search reports; reviewers read all three.
Added to the groups as they stand, so anything else staff have changed in them is kept.
"""

import django.db.models.deletion
from django.db import migrations, models

GROUP_PERMISSIONS = {
    "Content editors": [
        "view_searchcount",
        *(f"{action}_{model}" for model in ("synonym", "bestbet") for action in ("add", "change", "delete", "view")),
    ],
    "Reviewers": ["view_searchcount", "view_synonym", "view_bestbet"],
}


def _permissions(apps, codenames):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="microcredentials", codename__in=codenames
    )


def allow(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # The new models' permissions must exist before the groups can hold them (as migration 0002 does).
    app_config = apps.get_app_config("microcredentials")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    for name, codenames in GROUP_PERMISSIONS.items():
        group = apps.get_model("auth", "Group").objects.filter(name=name).first()
        if group:
            group.permissions.add(*_permissions(apps, codenames))


def disallow(apps, schema_editor):
    for name, codenames in GROUP_PERMISSIONS.items():
        group = apps.get_model("auth", "Group").objects.filter(name=name).first()
        if group:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("microcredentials", "0015_subscription"),
    ]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "term",
                    models.CharField(
                        help_text="What readers type, for example “short course”. Not case-sensitive.",
                        max_length=100,
                        unique=True,
                    ),
                ),
                (
                    "search_for",
                    models.CharField(
                        help_text="What to search for in its place, for example “micro-credential”.", max_length=200
                    ),
                ),
            ],
            options={
                "ordering": ["term"],
            },
        ),
        migrations.CreateModel(
            name="SearchCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "query",
                    models.CharField(
                        help_text="Lower case, spaces tidied, control characters dropped.", max_length=200
                    ),
                ),
                ("day", models.DateField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("result_count", models.PositiveIntegerField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "search report",
                "verbose_name_plural": "search reports",
                "indexes": [models.Index(fields=["day"], name="search_count_day")],
                "constraints": [models.UniqueConstraint(fields=("query", "day"), name="search_count_query_day")],
            },
        ),
        migrations.CreateModel(
            name="BestBet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "query",
                    models.CharField(
                        help_text="The search it answers, for example “student loan”. Not case-sensitive.",
                        max_length=200,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, help_text="Lower numbers show first.")),
                (
                    "page",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="best_bets",
                        to="microcredentials.advicepage",
                    ),
                ),
            ],
            options={
                "verbose_name": "recommended result",
                "verbose_name_plural": "recommended results",
                "ordering": ["query", "order", "pk"],
                "constraints": [models.UniqueConstraint(fields=("query", "page"), name="best_bet_query_page")],
            },
        ),
        migrations.RunPython(allow, disallow),
    ]

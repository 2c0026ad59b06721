"""The starting service level; staff add dated ones in the admin."""

import datetime as dt

from django.db import migrations


def load(apps, schema_editor):
    apps.get_model("complaints", "ServiceLevel").objects.update_or_create(
        effective_from=dt.date(2024, 1, 1),
        defaults={"first_answer_days": 2, "resolution_days": 10, "reopen_days": 7},
    )


def unload(apps, schema_editor):
    apps.get_model("complaints", "ServiceLevel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

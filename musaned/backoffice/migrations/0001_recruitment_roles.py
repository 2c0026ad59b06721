"""The staff roles that read recruitment contracts in the back office: their parties,
stages, evidence, clock and ledger, read-only (``recruitment.view_all_contracts``,
``musaned/recruitment/permissions.py`` ``VIEW_ALL``; docs/recruitment.md, "The back
office").

- complaints officer: complaints about an office name its contract; the officer reads
  where the contract stands and where its money is before answering.
- supervisor: everything the officers read, and the statistics.
- licensing officer: sanctions an office for late workers or money taken outside the
  platform (``musaned/offices/permissions.py``); the contracts are the evidence.

The reviewer (the visa quality check) does not read contracts. The groups are made by
``complaints.0003_staff_roles`` and ``offices.0003_staff_roles``; made here too if a test
flushed them (as those migrations do)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSION = ("recruitment", "view_all_contracts")
ROLES = ("complaints officer", "supervisor", "licensing officer")


def load(apps, schema_editor):
    # Permissions are made after migrations run; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module; the migration state's
        # apps have none, the live registry's do (tests load this with it): restore it.
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def unload(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_staff_roles"),
        ("offices", "0003_staff_roles"),
        ("recruitment", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, unload)]

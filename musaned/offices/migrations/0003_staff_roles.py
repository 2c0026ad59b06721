"""The licensing officer: a staff role with the offices' named permissions
(``musaned/offices/permissions.py``), made like the other roles
(``musaned/complaints/migrations/0003_staff_roles.py``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "licensing officer": [
        ("offices", "register_office"),
        ("offices", "sanction_office"),
        ("offices", "set_price_ceiling"),
        ("offices", "view_office"),
        ("offices", "view_priceceiling"),
    ],
}


def load(apps, schema_editor):
    # Permissions are made after migrations run; make them now so the group can hold them.
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
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def unload(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0002_catalogues"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, unload)]

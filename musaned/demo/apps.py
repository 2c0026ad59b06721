from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demonstration data (``manage.py seed_demo``): above every other app, because it
    fills them all; nothing imports it."""

    name = "musaned.demo"
    label = "demo"
    verbose_name = _("Demonstration data")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "musaned.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        # The speech engine's system check (the captcha's spoken alternative).
        from musaned.core import speech  # noqa: F401

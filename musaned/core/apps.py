from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _admin_header() -> str:
    from django.conf import settings

    header = gettext("Django administration")  # the admin's own default, translated
    if settings.MUSANED_DEMO_DEPLOYMENT:
        header = f"{header} — {gettext('Demonstration — no real payments')}"
    return header


class CoreConfig(AppConfig):
    name = "musaned.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        # checks and speech register the system checks (speech: the captcha's spoken code).
        from musaned.core import checks, ports, speech  # noqa: F401

        # The admin has its own templates: its header carries the demonstration notice.
        admin.site.site_header = lazy(_admin_header, str)()

        if settings.MUSANED_REFUSE_LOCAL_IMPLEMENTATIONS:
            # production.py refused local implementations named by their dotted path; now
            # that the classes can be imported, refuse subclasses of them too.
            ports.refuse(ports.local_implementations_in_use(settings))

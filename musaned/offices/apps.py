from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "musaned.offices"
    label = "offices"
    verbose_name = _("Recruitment offices")

    def ready(self) -> None:
        # The offices a person works or worked for are a section of their data download.
        from musaned.accounts import personal_data
        from musaned.offices import selectors

        personal_data.register("office_memberships", selectors.memberships_in_personal_data)

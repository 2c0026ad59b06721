from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "musaned.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # The complaint workflow's machine registers itself with the core when imported,
        # so ``musaned.core.workflow.transition`` knows complaints from the start.
        from musaned.complaints import workflow  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "musaned.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # The complaint workflow's machine registers itself with the core when imported,
        # so ``musaned.core.workflow.transition`` knows complaints from the start.
        from musaned.accounts import personal_data
        from musaned.complaints import workflow  # noqa: F401
        from musaned.complaints.models import Complaint
        from musaned.complaints.selectors import complaints_in_personal_data
        from musaned.offices import sources

        # The offices' scorecards count the complaints that name an office, and the
        # office portal shows its complaints (offices sit below complaints: they never
        # import this app).
        sources.use_complaints(
            sources.complaints_from(Complaint, resolved_states={"resolved", "closed"}),
            portal_section=("complaints:office_list", _("Complaints")),
            filing_url="complaints:new",
        )
        # A person's complaints are a section of their data download (accounts).
        personal_data.register("complaints", complaints_in_personal_data)

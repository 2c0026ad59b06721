from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisasConfig(AppConfig):
    name = "musaned.visas"
    label = "visas"
    verbose_name = _("Visas")

    def ready(self) -> None:
        # Paying or letting a visa bill expire moves the application (payments port); the
        # person's applications are a section of their data download (accounts).
        from django.urls import reverse

        from musaned.accounts import personal_data
        from musaned.payments import handlers
        from musaned.visas import selectors, services
        from musaned.visas.models import VisaApplication

        def return_url(bill) -> str:
            reference = VisaApplication.objects.get(pk=int(bill.subject_id)).reference
            return reverse("visas:detail", kwargs={"reference": reference})

        handlers.register(
            "visas.visaapplication",
            on_paid=services.visa_application_paid,
            return_url=return_url,
            on_expired=services.visa_application_bill_expired,
        )
        personal_data.register("visa_applications", selectors.applications_in_personal_data)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "musaned.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        """What the apps below learn of recruitment, as each asks to be told: paying a
        contract's bill moves the contract (payments' handlers); a visa's decision moves
        the requests waiting for it, and a visa a request holds is not cancelled (visas'
        uses); the offices' scorecard counts the contracts (offices' sources); a person's
        requests and contracts are sections of their data download (accounts)."""
        from django.urls import reverse

        from musaned.accounts import personal_data
        from musaned.offices import sources
        from musaned.payments import handlers
        from musaned.recruitment import selectors
        from musaned.recruitment.scorecard import ContractsOfOffices
        from musaned.recruitment.services.contracts import contract_paid
        from musaned.recruitment.services.requests import request_visa_decided
        from musaned.visas import uses

        def return_url(bill) -> str:
            # The payer comes back to the contract's page (the beneficiary's own).
            from musaned.recruitment.models import Contract

            uid = Contract.objects.filter(pk=int(bill.subject_id)).values_list("uid", flat=True)
            found = uid.first()
            if found is None:
                return reverse("accounts:hub")
            return reverse("recruitment:contract", kwargs={"uid": found})

        handlers.register("recruitment.contract", on_paid=contract_paid, return_url=return_url)
        uses.register("recruitment", in_use=selectors.visa_in_use, decided=request_visa_decided)
        sources.use_contracts(
            ContractsOfOffices(),
            # The office's side of the journey in its portal (views/office.py).
            portal_sections=[
                ("recruitment_office:incoming", _("Recruitment requests")),
                ("recruitment_office:contracts", _("Recruitment contracts")),
            ],
        )
        personal_data.register("recruitment_requests", selectors.requests_in_personal_data)
        personal_data.register("recruitment_contracts", selectors.contracts_in_personal_data)

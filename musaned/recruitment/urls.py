"""The beneficiary's pages of the recruitment journey (docs/recruitment.md, "For the
beneficiary"). Requests and contracts are named by their opaque ids."""

from django.urls import path

from musaned.recruitment.views import beneficiary
from musaned.recruitment.views import beneficiary_contracts as contracts

app_name = "recruitment"

urlpatterns = [
    path("recruitment/", beneficiary.request_list, name="list"),
    path("recruitment/new/", beneficiary.request_new, name="new"),
    path("recruitment/contracts/", contracts.contract_list, name="contracts"),
    path("recruitment/contracts/<str:uid>/", contracts.contract_detail, name="contract"),
    path(
        "recruitment/contracts/<str:uid>/status.json",
        contracts.contract_status,
        name="contract_status",
    ),
    path("recruitment/contracts/<str:uid>/sign/", contracts.contract_sign, name="sign"),
    path(
        "recruitment/contracts/<str:uid>/sign/send/",
        contracts.contract_sign_send,
        name="sign_send",
    ),
    path(
        "recruitment/contracts/<str:uid>/statement/",
        contracts.contract_statement,
        name="statement",
    ),
    path(
        "recruitment/contracts/<str:uid>/cancel/", contracts.contract_cancel, name="contract_cancel"
    ),
    path(
        "recruitment/contracts/<str:uid>/trial-failure/",
        contracts.trial_failure,
        name="trial_failure",
    ),
    path("recruitment/contracts/<str:uid>/hand-over/", contracts.hand_over, name="hand_over"),
    path("recruitment/contracts/<str:uid>/rate/", contracts.contract_rate, name="rate"),
    path(
        "recruitment/contracts/<str:uid>/evidence/<str:stage>/",
        contracts.evidence_document,
        name="evidence",
    ),
    path("recruitment/<str:uid>/", beneficiary.request_detail, name="request"),
    path("recruitment/<str:uid>/cancel/", beneficiary.request_cancel, name="request_cancel"),
    path("recruitment/<str:uid>/decline/", beneficiary.offers_decline, name="decline"),
    path(
        "recruitment/<str:uid>/offers/<str:offer_uid>/accept/",
        beneficiary.offer_accept,
        name="accept",
    ),
    path(
        "recruitment/<str:uid>/offers/<str:offer_uid>/photo/",
        beneficiary.offer_photo,
        name="photo",
    ),
]

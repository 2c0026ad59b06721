"""The office's recruitment pages in its portal (``/office/recruitment/…``) and the
contract's PDF for both parties (docs/recruitment.md, "For the office").

The beneficiary's own download, ``/recruitment/contracts/<uid>/contract.pdf``, is named
here too (``recruitment_office:beneficiary_contract_pdf``) so that both PDF routes live
beside the one view that draws them (views/documents.py)."""

from django.urls import path

from musaned.recruitment.views import documents, office

app_name = "recruitment_office"

PORTAL = "office/recruitment/"
CONTRACT = f"{PORTAL}contracts/<str:uid>/"
REQUEST = f"{PORTAL}requests/<str:uid>/"

urlpatterns = [
    path(PORTAL, office.incoming, name="incoming"),
    path(REQUEST, office.request_detail, name="request"),
    path(f"{REQUEST}offers/", office.offer_make, name="offer_make"),
    path(f"{REQUEST}offers/<str:offer>/retract/", office.offer_retract, name="offer_retract"),
    path(f"{REQUEST}offers/<str:offer>/photo/", office.offer_photo, name="offer_photo"),
    path(f"{REQUEST}decline/", office.request_decline, name="decline"),
    path(f"{PORTAL}contracts/", office.contract_list, name="contracts"),
    path(CONTRACT, office.contract_detail, name="contract"),
    path(f"{CONTRACT}sign/", office.contract_sign, name="contract_sign"),
    path(f"{CONTRACT}stages/<slug:action>/", office.contract_stage, name="contract_stage"),
    path(f"{CONTRACT}hand-over/", office.contract_hand_over, name="contract_hand_over"),
    path(f"{CONTRACT}evidence/<slug:stage>/", office.evidence_document, name="evidence"),
    path(f"{CONTRACT}contract.pdf", documents.office_contract_pdf, name="contract_pdf"),
    path(
        "recruitment/contracts/<str:uid>/contract.pdf",
        documents.beneficiary_contract_pdf,
        name="beneficiary_contract_pdf",
    ),
]

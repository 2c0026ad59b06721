"""The recruitment journey's data (docs/recruitment.md): the standard contract's dated
terms, requests and the offices they went to, offers with the workers' CVs, contracts
with their signatures and stage evidence, and the money ledger."""

from musaned.recruitment.models.contracts import (
    CONTRACT_NUMBER_LENGTH,
    Contract,
    ContractState,
    DeliveryClock,
    Signature,
    SignerRole,
    StageEvidence,
    evidence_upload_to,
)
from musaned.recruitment.models.ledger import Account, EntryKind, LedgerEntry
from musaned.recruitment.models.requests import (
    MAX_OFFICES,
    REQUEST_NUMBER_LENGTH,
    VISA_HOLDING_STATES,
    Language,
    MaritalStatus,
    Offer,
    OfferState,
    RecruitmentRequest,
    Religion,
    RequestOffice,
    RequestOfficeState,
    RequestState,
    choice_label,
    photo_upload_to,
)
from musaned.recruitment.models.terms import ContractTerms

__all__ = [
    "CONTRACT_NUMBER_LENGTH",
    "MAX_OFFICES",
    "REQUEST_NUMBER_LENGTH",
    "VISA_HOLDING_STATES",
    "Account",
    "Contract",
    "ContractState",
    "ContractTerms",
    "DeliveryClock",
    "EntryKind",
    "Language",
    "LedgerEntry",
    "MaritalStatus",
    "Offer",
    "OfferState",
    "RecruitmentRequest",
    "Religion",
    "RequestOffice",
    "RequestOfficeState",
    "RequestState",
    "Signature",
    "SignerRole",
    "StageEvidence",
    "choice_label",
    "evidence_upload_to",
    "photo_upload_to",
]

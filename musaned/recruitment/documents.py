"""A contract's document: what was agreed, in both languages, fixed when the contract is
made, and its SHA-256, which every signature holds (docs/recruitment.md, "Signing").

The document is a JSON object written once on the contract (``Contract.document``): the
parties, the worker, the occupation, the visa, the money and the terms' version with its
clauses. Its canonical bytes (keys sorted, no spaces, UTF-8) are what is hashed, so the
page, the PDF and anyone checking a signature get the same fingerprint."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from musaned.offices.models import Office
from musaned.recruitment.models import ContractTerms, Offer, RecruitmentRequest


def document_for(
    *,
    number: str,
    request: RecruitmentRequest,
    offer: Offer,
    office: Office,
    terms: ContractTerms,
    vat_rate: Decimal,
    vat: Decimal,
    total: Decimal,
    made_on: str,
) -> dict[str, Any]:
    owner = request.owner
    visa = request.visa
    nationality = offer.nationality
    occupation = request.occupation
    return {
        "number": number,
        "made_on": made_on,
        "beneficiary": {
            "name": owner.get_full_name(),
            "national_id": owner.national_id or "",
        },
        "office": {
            "name_ar": office.name_ar,
            "name_en": office.name_en,
            "licence_number": office.licence_number,
            "cr_number": office.cr_number,
        },
        "worker": {
            "full_name": offer.full_name,
            "passport_number": offer.passport_number,
            "nationality": {
                "code": nationality.code,
                "ar": nationality.name_ar,
                "en": nationality.name_en,
            },
            "date_of_birth": offer.date_of_birth.isoformat(),
            "gender": request.worker_gender,
            "religion": offer.religion,
            "marital_status": offer.marital_status,
            "languages": list(offer.languages),
            "experience_years": offer.experience_years,
        },
        "occupation": {"code": occupation.code, "ar": occupation.name_ar, "en": occupation.name_en},
        "visa": {"visa_number": visa.visa_number or "", "issued_number": visa.issued_number or ""},
        "money": {
            "currency": "SAR",
            "monthly_salary": str(offer.monthly_salary),
            "price_before_vat": str(offer.price),
            "vat_rate": str(vat_rate),
            "vat": str(vat),
            "total": str(total),
        },
        "terms": terms.as_document(),
    }


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def fingerprint(document: dict[str, Any]) -> str:
    """The SHA-256 of the document's canonical bytes, in hex."""
    return hashlib.sha256(canonical(document)).hexdigest()

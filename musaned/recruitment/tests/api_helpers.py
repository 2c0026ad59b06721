"""The bodies the recruitment API takes, as a client's software sends them (the tests of
``musaned/recruitment/tests/test_api.py`` and the API's plumbing tests use them)."""

from __future__ import annotations

import base64
import itertools

from musaned.core.tests.documents import png_bytes

_passports = itertools.count(1)


def photo_json(data: bytes | None = None, content_type: str = "image/png") -> dict:
    raw = png_bytes() if data is None else data
    return {"content_type": content_type, "data": base64.b64encode(raw).decode()}


def cv_json(**overrides) -> dict:
    """A worker's CV as an office's software sends it."""
    return {
        "full_name": "Maria Santos Reyes",
        "passport_number": f"Q{next(_passports):07d}",
        "nationality": "PHL",
        "date_of_birth": "1994-05-17",
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": 4,
        "experience_kind": "Housemaid in Riyadh, 2019-2023",
        "skills": "Cooking, childcare",
        "monthly_salary": "1500",
        "price": "11500",
        "days_to_arrival": 45,
        "photo": photo_json(),
        **overrides,
    }


def request_json(office, **overrides) -> dict:
    """A request to ``office`` (an office, or its opaque id)."""
    return {
        "occupation": "housemaid",
        "nationality": "PHL",
        "worker_gender": "F",
        "offices": [str(getattr(office, "uid", office))],
        **overrides,
    }

"""Back-office fixtures: every test has the data migrations' rows (service level, staff
roles, visa catalogues); a complaint with a file and a visa request waiting in quality
check, made through the real services. The staff, the beneficiaries and ``signed_in``
(with the second factor) are the root conftest's."""

import pytest

from musaned.complaints.tests.factories import file_complaint
from musaned.core.tests.documents import pdf_upload
from musaned.visas.tests.factories import in_quality_check


@pytest.fixture(autouse=True)
def _reference_data(catalogues, service_level, staff_roles):
    pass


@pytest.fixture
def complaint(citizen):
    return file_complaint(citizen, files=[pdf_upload("contract.pdf")])


@pytest.fixture
def in_review(exempt):
    application = in_quality_check(exempt)
    assert application.state == "in_review"
    return application

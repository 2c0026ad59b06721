"""Every complaints test has the service level and the staff roles of the data
migrations. The people and ``signed_in`` are the root conftest's; complaints are filed by
``factories.py``."""

import pytest


@pytest.fixture(autouse=True)
def _reference_data(service_level, staff_roles):
    pass


@pytest.fixture
def other_citizen(exempt):
    """Another beneficiary (Noura), whose complaints and visas are not the citizen's."""
    return exempt

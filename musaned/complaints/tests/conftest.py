"""Every complaints test has the service level and the staff roles of the data
migrations. The people, ``signed_in`` and the API's ``api`` and ``token_for`` are the root
conftest's; complaints are filed by ``factories.py``."""

import pytest


@pytest.fixture(autouse=True)
def _reference_data(service_level, staff_roles):
    pass


@pytest.fixture
def other_citizen(exempt):
    """Another beneficiary (Noura), whose complaints and visas are not the citizen's."""
    return exempt


@pytest.fixture
def client_for(api, token_for):
    """An API client with a new token of ``user``: ``client_for(user, language="ar")``."""

    def open_(user, language: str = "en"):
        return api(token_for(user), language=language)

    return open_

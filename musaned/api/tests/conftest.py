"""Every API test has the visa catalogues of the data migration (a transactional test
flushes them). The people, ``api`` and ``token_for`` are the root conftest's."""

import pytest


@pytest.fixture(autouse=True)
def _reference_data(catalogues):
    pass

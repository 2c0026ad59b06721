"""Every visas test has the catalogues and rule sets of the data migration (a
transactional test flushes them). The people are the root conftest's; drafts are made by
``factories.py``."""

import pytest


@pytest.fixture(autouse=True)
def _reference_data(catalogues):
    pass

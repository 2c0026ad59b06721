"""The identity-registry contract (``contract.py``), run against the local registry, or
against the adapter named by ``MUSANED_TEST_IDENTITY_REGISTRY`` (docs/registry.md):

    MUSANED_TEST_IDENTITY_REGISTRY=yakeen_adapter.registry.YakeenRegistry \\
    MUSANED_TEST_REGISTRY_KNOWN_IDS=1xxxxxxxxx,2xxxxxxxxx \\
    MUSANED_TEST_REGISTRY_UNKNOWN_ID=1yyyyyyyyy \\
      .venv/bin/python -m pytest musaned/identity/tests/test_registry_contract.py -v

``MUSANED_TEST_REGISTRY_UNREACHABLE`` (optional) names an adapter class, or a function
returning an adapter, that points at a registry that does not answer.
"""

import os

import pytest
from django.utils.module_loading import import_string

from musaned.identity.registry import LocalRegistry
from musaned.identity.tests.contract import IdentityRegistryContract

ADAPTER = os.environ.get("MUSANED_TEST_IDENTITY_REGISTRY", "").strip()
UNREACHABLE = os.environ.get("MUSANED_TEST_REGISTRY_UNREACHABLE", "").strip()


def _ids(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


if ADAPTER:

    class TestNamedRegistry(IdentityRegistryContract):
        """The adapter the operator named, with people its test environment knows."""

        @pytest.fixture
        def identity_registry(self):
            return import_string(ADAPTER)()

        @pytest.fixture
        def known_ids(self):
            ids = _ids("MUSANED_TEST_REGISTRY_KNOWN_IDS")
            if not ids:
                pytest.fail("set MUSANED_TEST_REGISTRY_KNOWN_IDS to IDs the registry knows")
            return ids

        @pytest.fixture
        def unknown_id(self):
            ids = _ids("MUSANED_TEST_REGISTRY_UNKNOWN_ID")
            if not ids:
                pytest.fail("set MUSANED_TEST_REGISTRY_UNKNOWN_ID to a valid ID nobody has")
            return ids[0]

        @pytest.fixture
        def unreachable_registry(self):
            return import_string(UNREACHABLE)() if UNREACHABLE else None

else:

    class TestLocalRegistry(IdentityRegistryContract):
        """The registry table (``import_registry``, ``seed_demo``) with the demo people."""

        @pytest.fixture
        def identity_registry(self):
            return LocalRegistry()

        @pytest.fixture
        def known_ids(self, registry):  # the root conftest's demo people
            return list(registry.values_list("national_id", flat=True))

        @pytest.fixture
        def unknown_id(self, registry):
            return "1000000057"

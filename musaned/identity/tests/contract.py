"""The identity-registry contract: what every adapter of ``IdentityRegistry`` must do.

Written once, run against the local registry in CI (``test_registry_contract.py``) and,
by an operator, against the real (Yakeen) adapter before it goes live (docs/registry.md,
"Testing an adapter"). Two ways to use it:

* name the adapter and people its test environment knows, and run the module::

      MUSANED_TEST_IDENTITY_REGISTRY=yakeen_adapter.registry.YakeenRegistry \\
      MUSANED_TEST_REGISTRY_KNOWN_IDS=1xxxxxxxxx,2xxxxxxxxx \\
      MUSANED_TEST_REGISTRY_UNKNOWN_ID=1yyyyyyyyy \\
        .venv/bin/python -m pytest musaned/identity/tests/test_registry_contract.py -v

* or subclass ``IdentityRegistryContract`` and override the fixtures ``identity_registry``,
  ``known_ids`` and ``unknown_id`` (and ``unreachable_registry`` where you can).

The kit only reads: it never needs to know what the registry says about a person, only
that the answer has the platform's shape (ASCII digits, E.164 mobile, ISO nationality…).
"""

import datetime as dt
import re

import pytest

from musaned.identity.registry import IdentityRegistry, PersonRecord, RegistryUnavailable
from musaned.identity.saudi_id import IdType, SaudiId

_TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MOBILE = re.compile(r"\+9665[0-9]{8}")
NAME_MAX = 60


class IdentityRegistryContract:
    """Subclass it, override the fixtures; every ``test_`` method is one promise."""

    # --- what a subclass provides ----------------------------------------------------------

    @pytest.fixture
    def identity_registry(self) -> IdentityRegistry:
        """The adapter under test, built as ``get_registry()`` builds it (no arguments)."""
        raise NotImplementedError("override the identity_registry fixture with your adapter")

    @pytest.fixture
    def known_ids(self) -> list[str]:
        """ID numbers (ASCII) of people the registry has: at least one citizen (1…) and,
        if the test environment has one, a resident (2…)."""
        raise NotImplementedError("override known_ids with IDs your registry knows")

    @pytest.fixture
    def unknown_id(self) -> str:
        """A valid ID number (Luhn checked) of nobody in the registry."""
        raise NotImplementedError("override unknown_id with a valid ID nobody has")

    @pytest.fixture
    def unreachable_registry(self) -> IdentityRegistry | None:
        """The adapter pointed at a registry that does not answer (e.g. a closed port on
        127.0.0.1), or None when it has no network to lose (its test is then skipped)."""
        return None

    # --- found -------------------------------------------------------------------------------

    def test_a_known_person_is_found_as_a_person_record(self, identity_registry, known_ids):
        assert known_ids, "known_ids is empty"
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            assert type(record) is PersonRecord, f"{national_id[:1]}…: got {type(record)}"

    def test_the_record_is_the_person_asked_for_in_ascii_digits(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            assert record.national_id == national_id
            assert re.fullmatch(r"[0-9]{10}", record.national_id)
            assert SaudiId.parse(record.national_id).value == record.national_id

    def test_the_id_type_follows_the_first_digit(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            assert isinstance(record.id_type, IdType)
            assert record.id_type == SaudiId.parse(national_id).id_type

    def test_names_are_non_empty_tuples_of_text(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            for names in (record.first_names, record.family_names):
                assert isinstance(names, tuple) and names
                assert all(isinstance(name, str) and len(name) <= NAME_MAX for name in names)
                assert any(name.strip() for name in names)
                assert all(name == name.strip() for name in names)

    def test_the_birth_date_is_a_date_in_the_past(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            # A date, not a datetime (which is a date too, and would never compare equal).
            assert type(record.birth_date) is dt.date
            assert dt.date(1900, 1, 1) <= record.birth_date < dt.date.today()

    def test_nationality_is_iso_alpha_3_and_citizens_are_saudi(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            assert re.fullmatch(r"[A-Z]{3}", record.nationality)
            if record.id_type == IdType.CITIZEN:
                assert record.nationality == "SAU"
            else:
                assert record.nationality != "SAU"

    def test_gender_is_m_or_f(self, identity_registry, known_ids):
        for national_id in known_ids:
            assert identity_registry.lookup(national_id).gender in {"M", "F"}

    def test_the_mobile_is_e164_or_empty(self, identity_registry, known_ids):
        # Registration compares it with the E.164 form of what the person typed.
        for national_id in known_ids:
            mobile = identity_registry.lookup(national_id).mobile
            assert mobile == "" or MOBILE.fullmatch(mobile), f"not E.164: {mobile!r}"

    def test_the_flags_are_booleans(self, identity_registry, known_ids):
        for national_id in known_ids:
            record = identity_registry.lookup(national_id)
            assert type(record.disability_exemption) is bool
            assert type(record.unpaid_traffic_violations) is bool

    def test_the_same_person_whatever_digits_the_id_is_written_in(
        self, identity_registry, known_ids
    ):
        for national_id in known_ids:
            ascii_record = identity_registry.lookup(national_id)
            arabic = national_id.translate(_TO_ARABIC_INDIC)
            assert identity_registry.lookup(arabic) == ascii_record
            assert (
                identity_registry.lookup(f" {national_id[:4]} {national_id[4:]} ") == ascii_record
            )

    def test_asking_twice_gives_the_same_record(self, identity_registry, known_ids):
        for national_id in known_ids:
            assert identity_registry.lookup(national_id) == identity_registry.lookup(national_id)

    # --- not found ---------------------------------------------------------------------------

    def test_nobody_by_a_valid_id_is_none(self, identity_registry, unknown_id):
        SaudiId.parse(unknown_id)  # the fixture must be a valid number
        assert identity_registry.lookup(unknown_id) is None

    @pytest.mark.parametrize(
        "not_an_id",
        ["", "123", "1000000000", "3000000004", "10000000080", "abcdefghij", "1000000008\x00"],
    )
    def test_a_number_that_is_not_a_valid_id_is_none_not_an_error(
        self, identity_registry, not_an_id
    ):
        assert identity_registry.lookup(not_an_id) is None

    # --- a registry that does not answer -----------------------------------------------------

    def test_an_unreachable_registry_raises_registry_unavailable(
        self, unreachable_registry, known_ids
    ):
        # Never None: None means "no such person", and registration would be refused.
        if unreachable_registry is None:
            pytest.skip("this adapter has no network to lose")
        with pytest.raises(RegistryUnavailable):
            unreachable_registry.lookup(known_ids[0])

"""Every app's error codes have the one shape musaned/core/errors.py describes: a
``<App>ErrorCode`` enum, a ``MESSAGES`` map with one message per code, and a
``<app>_error(code)`` factory that raises the app's error with that message."""

import importlib
import inspect
from enum import StrEnum
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from musaned.core.errors import ApplicationError, message_for

MUSANED = Path(__file__).resolve().parents[2]
# The error modules of every app, and the upload checks' codes beside the upload port.
MODULES = [
    *sorted(f"musaned.{path.parent.name}.errors" for path in MUSANED.glob("*/errors.py")),
    "musaned.core.uploads",
]


def shape(module_name: str):
    module = importlib.import_module(module_name)
    enums = [
        value
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, StrEnum)
        and name.endswith("ErrorCode")
        and value.__module__ == module.__name__
    ]
    factories = [
        value
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and name.endswith("_error")
        and not name.startswith("_")
        and name != "coded_error"  # the helper every factory calls
        and value.__module__ == module.__name__
    ]
    return module, enums, factories


def test_every_app_with_coded_errors_is_checked():
    assert {"musaned.accounts.errors", "musaned.api.errors", "musaned.core.errors"} <= set(MODULES)


@pytest.mark.parametrize("module_name", MODULES)
def test_one_enum_one_message_per_code_and_one_factory(module_name):
    module, enums, factories = shape(module_name)
    assert len(enums) == 1, f"{module_name}: one <App>ErrorCode enum, found {enums}"
    (codes,) = enums
    assert len(factories) == 1, f"{module_name}: one <app>_error factory, found {factories}"
    # No two names for one code (an enum alias), no code without its message.
    assert len(codes.__members__) == len(list(codes))
    assert set(module.MESSAGES) == set(codes)
    for code in codes:
        assert code.value == code.value.lower() and " " not in code.value


# A value for every placeholder the messages use (``%(count)s``, …): each message takes
# what it names and ignores the rest.
SAMPLE_VALUES = {
    "count": 2,
    "days": 2,
    "limit": 2,
    "limit_value": 2,
    "show_value": 3,
    "max": 2,
    "error": "x",
    "missing": "x",
    "name": "x",
    "officer": "x",
    "reference": "x",
    "rules": "x",
}


@pytest.mark.parametrize("module_name", MODULES)
def test_the_factory_gives_the_code_and_its_message_in_either_language(module_name):
    module, (codes,), (factory,) = shape(module_name)
    for language in ("ar", "en"):
        with translation.override(language):
            for code in codes:
                # A message that counts or names something needs its values (``too_deep``:
                # the limit, a function of it; the others take what they name).
                values = {"limit": 2} if code.value == "too_deep" else {}
                if not str(message_for(module.MESSAGES, code, **values)).strip():
                    values = SAMPLE_VALUES
                error = factory(code, **values)
                assert isinstance(error, ApplicationError | ValidationError)
                assert error.code == code.value
                expected = str(message_for(module.MESSAGES, code, **values))
                assert expected.strip()
                assert str(error.message) == expected


def test_a_message_with_values_is_filled_in_the_readers_language():
    from musaned.core.errors import CoreErrorCode, core_error

    error = core_error(CoreErrorCode.SERVER_ERROR, reference="AB12CD34EF")
    with translation.override("en"):
        english = str(error.message)
    with translation.override("ar"):
        arabic = str(error.message)
    assert english.startswith("Sorry") and english.endswith("AB12CD34EF")
    assert arabic != english and "AB12CD34EF" in arabic

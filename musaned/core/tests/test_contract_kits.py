"""The adapter contract kits catch a broken adapter, run exactly as an operator runs them
(the adapter named in the environment; docs/payments.md, docs/registry.md, docs/sms.md).

Each kit passes against the local implementations (its own test module, in every run);
here it is pointed at an adapter that breaks the contract on purpose, and the promises
that adapter breaks must be the ones that fail.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]

KITS = {
    "payments": (
        "musaned/payments/tests/test_gateway_contract.py",
        {
            "MUSANED_TEST_PAYMENT_GATEWAY": "musaned.payments.tests.fakes.CarelessGateway",
            "MUSANED_TEST_PAYMENT_PAY": "musaned.payments.tests.fakes.pay_at_the_simulator",
        },
        {
            "test_a_refund_is_safe_to_repeat_and_answers_the_same_reference",
            "test_refunding_a_bill_nobody_paid_is_refused_with_gateway_error",
        },
    ),
    "registry": (
        "musaned/identity/tests/test_registry_contract.py",
        {
            "MUSANED_TEST_IDENTITY_REGISTRY": "musaned.identity.tests.fakes.CarelessRegistry",
            "MUSANED_TEST_REGISTRY_KNOWN_IDS": "1000000008,2000000006",
            "MUSANED_TEST_REGISTRY_UNKNOWN_ID": "1000000057",
        },
        {
            "test_the_mobile_is_e164_or_empty",
            "test_the_same_person_whatever_digits_the_id_is_written_in",
        },
    ),
    "sms": (
        "musaned/notifications/tests/test_sms_contract.py",
        {
            "MUSANED_TEST_SMS_BACKEND": "musaned.notifications.tests.fakes.QuietlyFailingBackend",
            "MUSANED_TEST_SMS_TO": "+966500000001",
        },
        {
            "test_one_message_returns_one",
            "test_several_messages_return_their_count",
            "test_a_long_message_counts_once",
            "test_send_sms_goes_through_the_backend",
        },
    ),
}


def run_kit(module: str, env: dict[str, str]) -> tuple[set[str], set[str], str]:
    """Run one kit in a fresh interpreter; the names of the tests that failed and passed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MUSANED_TEST_")}
    environment.update(env)
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "pytest", module, "-q", "-rA"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    failed = set(re.findall(r"^FAILED \S+::(test_\w+)", output, re.MULTILINE))
    passed = set(re.findall(r"^PASSED \S+::(test_\w+)", output, re.MULTILINE))
    return failed, passed, output


@pytest.mark.parametrize("kit", sorted(KITS))
def test_the_kit_fails_the_promises_a_careless_adapter_breaks(kit):
    module, env, broken = KITS[kit]
    failed, passed, output = run_kit(module, env)
    assert failed == broken, output
    assert passed, output  # the promises it keeps still pass

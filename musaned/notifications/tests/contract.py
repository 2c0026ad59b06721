"""The SMS-gateway contract: what every adapter of ``BaseSmsBackend`` must do.

Written once, run against the console, file and in-memory backends in CI
(``test_sms_contract.py``) and, by an operator, against the real gateway's adapter
before it goes live (docs/sms.md, "Testing an adapter"). Two ways to use it:

* name the adapter and a phone of yours, and run the module (it sends eight real
  messages to that phone: read the Arabic and the long one there)::

      MUSANED_TEST_SMS_BACKEND=sms_adapter.backend.GatewaySmsBackend \\
      MUSANED_TEST_SMS_TO=+9665XXXXXXXX \\
        .venv/bin/python -m pytest musaned/notifications/tests/test_sms_contract.py -v

* or subclass ``SmsBackendContract`` and override the fixtures ``backend`` and
  ``recipient`` (and ``delivered`` / ``failing_backend`` where you can).
"""

import pytest

from musaned.notifications import sms
from musaned.notifications.sms import SmsMessage
from musaned.notifications.sms.backends.base import BaseSmsBackend

# An activation code as the platform words it, with the Arabic letters, digits and
# punctuation a gateway's encoding (GSM-7 vs UCS-2) or a wrong charset would spoil.
ARABIC = "مساند: رمز التحقق ١٢٣٤٥٦ (123456). لا تشاركه مع أحد — صالح ١٠ دقائق؟"
# Longer than one UCS-2 part (70 characters): the gateway joins the parts.
LONG_ARABIC = " ".join(["تم استلام طلبك رقم 712345678901 وسيتم الرد عليه خلال يومي عمل."] * 4)


class SmsBackendContract:
    """Subclass it, override the fixtures; every ``test_`` method is one promise."""

    # --- what a subclass provides ----------------------------------------------------------

    @pytest.fixture
    def backend(self) -> BaseSmsBackend:
        """The adapter under test, built as ``get_backend()`` builds it (no arguments)."""
        raise NotImplementedError("override the backend fixture with your adapter")

    @pytest.fixture
    def recipient(self) -> str:
        """The mobile the messages go to, in E.164 (``+9665XXXXXXXX``)."""
        return "+966500000001"

    @pytest.fixture
    def delivered(self):
        """A function returning what reached the recipient so far as ``(to, body)`` pairs,
        or None when the kit cannot read it back (a real phone: look at it)."""
        return None

    @pytest.fixture
    def failing_backend(self) -> BaseSmsBackend | None:
        """The adapter pointed at a gateway that refuses or does not answer, or None
        when it cannot fail (its test is then skipped)."""
        return None

    @pytest.fixture
    def read_back(self, delivered):
        """``delivered``, or a skip before anything is sent when it cannot be read."""
        if delivered is None:
            pytest.skip("this backend's messages cannot be read back: check them on the phone")
        return delivered

    # --- counts ------------------------------------------------------------------------------

    def test_nothing_to_send_returns_zero(self, backend):
        assert backend.send_messages([]) == 0

    def test_one_message_returns_one(self, backend, recipient):
        sent = backend.send_messages([SmsMessage(to=recipient, body="Musaned test 1 of 1")])
        assert type(sent) is int and sent == 1

    def test_several_messages_return_their_count(self, backend, recipient):
        messages = [SmsMessage(to=recipient, body=f"Musaned test {n} of 3") for n in (1, 2, 3)]
        assert backend.send_messages(messages) == 3

    def test_a_long_message_counts_once(self, backend, recipient):
        # The count is of messages, not of the parts a long text is cut into.
        assert len(LONG_ARABIC) > 160
        assert backend.send_messages([SmsMessage(to=recipient, body=LONG_ARABIC)]) == 1

    def test_send_sms_goes_through_the_backend(self, backend, recipient, settings):
        cls = type(backend)
        settings.SMS_BACKEND = f"{cls.__module__}.{cls.__qualname__}"
        sms.send_sms(recipient, "Musaned test: send_sms")  # raises unless exactly 1 was sent

    # --- the text arrives as written ------------------------------------------------------

    def test_arabic_text_arrives_intact(self, backend, recipient, delivered):
        backend.send_messages([SmsMessage(to=recipient, body=ARABIC)])
        if delivered is None:
            pytest.skip(f"sent to {recipient}: check on the phone that it reads {ARABIC}")
        assert (recipient, ARABIC) in delivered()

    def test_a_long_message_arrives_whole(self, backend, recipient, delivered):
        backend.send_messages([SmsMessage(to=recipient, body=LONG_ARABIC)])
        if delivered is None:
            pytest.skip(f"sent to {recipient}: check on the phone that it came as one text")
        assert (recipient, LONG_ARABIC) in delivered()

    def test_each_message_goes_to_its_own_recipient(self, backend, recipient, read_back):
        # Only where messages can be read back: never to a stranger's real phone.
        other = "+966500000009"
        backend.send_messages(
            [
                SmsMessage(to=recipient, body="to the first"),
                SmsMessage(to=other, body="to the other"),
            ]
        )
        got = read_back()
        assert (recipient, "to the first") in got and (other, "to the other") in got
        assert (recipient, "to the other") not in got

    # --- a gateway that does not take the message ---------------------------------------------

    def test_a_message_the_gateway_does_not_take_raises(self, failing_backend, recipient):
        # The outbox retries a send that raised; one that returned quietly is lost.
        if failing_backend is None:
            pytest.skip("this backend cannot fail")
        try:
            sent = failing_backend.send_messages([SmsMessage(to=recipient, body="Musaned test")])
        except Exception:  # any exception: the outbox retries on all of them
            return
        pytest.fail(f"returned {sent!r} instead of raising: the outbox would count it sent")

class BaseSmsBackend:
    """An SMS gateway adapter sends a list of ``SmsMessage`` and returns how many went."""

    def send_messages(self, messages) -> int:
        raise NotImplementedError

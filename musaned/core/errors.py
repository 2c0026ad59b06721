"""The base of every domain error: a stable code and a translated message."""


class ApplicationError(Exception):
    status = 400

    def __init__(self, code: str, message, *, fields: dict | None = None):
        super().__init__(str(code))
        self.code = str(code)
        self.message = message
        self.fields = fields or {}

    def __str__(self) -> str:
        return str(self.message)


class NotFound(ApplicationError):
    status = 404


class InvalidTransition(ApplicationError):
    status = 409


class OutsideSystemUnavailable(Exception):
    """An outside system behind a port (the identity registry, …) cannot answer now: a
    reason to try again shortly, shown as the translated 503, never a 500. No personal
    data in the message (it is logged)."""


def error_body(code: str, message: object, fields: dict | None = None) -> dict:
    """The one error shape of the API, ``{"code", "message", "fields"}``, whoever answers
    (the API's handlers, or Django's error views on an API path)."""
    return {
        "code": str(code),
        "message": str(message),
        "fields": {name: [str(m) for m in messages] for name, messages in (fields or {}).items()},
    }

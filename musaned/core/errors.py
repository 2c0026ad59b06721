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

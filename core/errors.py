"""The one error type business rules raise; views show it on the form, never as a 500."""


class DomainError(Exception):
    """A refused action. ``message`` is user-facing (translated); ``field`` names the form field
    it belongs to, or None for the whole form."""

    def __init__(self, message, *, field: str | None = None, code: str = "refused"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code

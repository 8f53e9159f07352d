"""Domain errors: what went wrong, in words a person can act on.

Domain functions raise these and never ``HTTPException``; the web layer maps each class to one
HTTP status in one place (``gongzhi.web.errors``) and the CLI prints the message and exits non-zero.

    GongzhiError
    ├── InvalidInput        400  a field is missing, malformed or out of range
    ├── Unauthenticated     401  no or bad credentials
    ├── Forbidden           403  the actor may not do this
    ├── NotFound            404  the thing named does not exist
    ├── Conflict            409  the thing exists but its state does not allow this
    │   ├── IllegalTransition    the case's workflow state does not allow the action
    │   └── StaleState           the case changed since the caller last read it
    └── PayloadTooLarge     413  an attachment or body is too big
"""

from __future__ import annotations


class GongzhiError(Exception):
    """Base of every error the domain raises on purpose."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(GongzhiError):
    status_code = 400


class Unauthenticated(GongzhiError):
    status_code = 401


class Forbidden(GongzhiError):
    status_code = 403


class NotFound(GongzhiError):
    status_code = 404


class Conflict(GongzhiError):
    status_code = 409


class IllegalTransition(Conflict):
    pass


class StaleState(Conflict):
    pass


class PayloadTooLarge(GongzhiError):
    status_code = 413

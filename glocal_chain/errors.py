"""The one base exception of the package: the CLI and the API turn it into a clear message.

Every error carries a machine-readable `code` (what an HTTP error body calls it). Domain code refuses a
request with a `Refused` subclass (NotFound, Conflict, Unauthorized, InvalidInput, TooLarge), never with
an HTTP status: each web app maps error classes to statuses in one place (see glocal_chain.web).
"""

from __future__ import annotations


class GlocalError(Exception):
    """A problem the user can act on, with a message that names it."""

    exit_code = 1
    code = "bad_request"  # a request the user can correct; subclasses name their own kind

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolchainError(GlocalError):
    """The Solidity toolchain is missing or misconfigured."""


class ConfigError(GlocalError):
    """A configuration file or value is invalid."""


class ChainError(GlocalError):
    """The chain cannot be reached, or answers something unexpected."""

    code = "chain_unavailable"


class DeploymentError(GlocalError):
    """A deployment is missing, inconsistent, or does not match the chain."""


class ContractRevert(GlocalError):
    """A transaction or call reverted; `error_name` and `error_args` hold the decoded custom error."""

    code = "revert"

    def __init__(self, message: str, error_name: str | None = None, error_args: dict[str, object] | None = None):
        super().__init__(message)
        self.error_name = error_name
        self.error_args = error_args or {}


class Refused(GlocalError):
    """A service refuses what it was asked: `code` says why (machine-readable, e.g. `replayed`), `field`
    names the part of the request at fault, if one is."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        if code is not None:
            self.code = code


class NotFound(Refused):
    """The resource asked for does not exist."""

    code = "not_found"


class InvalidInput(Refused):
    """The request is malformed or names something that does not fit."""

    code = "invalid"


class Unauthorized(Refused):
    """The request is not authenticated by someone the service knows."""

    code = "unauthorized"


class Conflict(Refused):
    """The request contradicts the current state (already done, wrong status)."""

    code = "conflict"


class TooLarge(Refused):
    """The request body is over the service's limit."""

    code = "too_large"

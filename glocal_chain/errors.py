"""The one base exception of the package: the CLI and the API turn it into a clear message."""

from __future__ import annotations


class GlocalError(Exception):
    """A problem the user can act on, with a message that names it."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolchainError(GlocalError):
    """The Solidity toolchain is missing or misconfigured."""


class ConfigError(GlocalError):
    """A configuration file or value is invalid."""


class ChainError(GlocalError):
    """The chain cannot be reached, or answers something unexpected."""


class DeploymentError(GlocalError):
    """A deployment is missing, inconsistent, or does not match the chain."""


class ContractRevert(GlocalError):
    """A transaction or call reverted; `error_name` and `error_args` hold the decoded custom error."""

    def __init__(self, message: str, error_name: str | None = None, error_args: dict[str, object] | None = None):
        super().__init__(message)
        self.error_name = error_name
        self.error_args = error_args or {}

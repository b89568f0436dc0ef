"""`glocal oracle run --config oracle.toml` and `glocal oracle sign` (what a webhook sender sends)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import typer

from glocal_chain.errors import ConfigError
from glocal_chain.logs import SERVICE_LOG_LEVEL, configure_logging
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import load_oracle_config
from glocal_chain.oracle.runner import OracleRunner

app = typer.Typer(help="Delivery oracle: signed delivery webhooks to confirmDelivery transactions.",
                  no_args_is_help=True)


@app.command()
def run(config: Path = typer.Option(..., "--config", help="The oracle's configuration (oracle.toml).")) -> None:
    """Run the oracle's webhook server and confirmation worker until SIGINT or SIGTERM."""
    configure_logging(SERVICE_LOG_LEVEL)
    settings = load_oracle_config(config)
    runner = OracleRunner(settings)
    typer.echo(f"oracle {runner.suite.me} taking delivery webhooks on http://{settings.host}:{settings.port}"
               "/v1/deliveries")
    runner.run()


@app.command()
def sign(body: Path = typer.Argument(..., help="The JSON body to send (read as raw bytes)."),
         sender: str = typer.Option(..., "--sender", help="The sender name the oracle knows."),
         secret_env: str = typer.Option(..., "--secret-env", help="Environment variable holding the secret.")) -> None:
    """Print the signature headers of a webhook body as JSON (for testing a sender by hand)."""
    if secret_env not in os.environ:
        raise ConfigError(f"${secret_env} is not set")
    try:
        content = body.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {body}: {exc.strerror}") from exc
    typer.echo(json.dumps(signing.signed_headers(sender, os.environ[secret_env].encode(), int(time.time()), content)))

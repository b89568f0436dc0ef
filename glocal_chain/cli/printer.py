"""`glocal printer up | down | status`: a local OctoPrint with its virtual printer, for trying the hub agent."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from glocal_chain.cli.options import JsonOption
from glocal_chain.cli.output import emit
from glocal_chain.printers.local import LocalPrinter, LocalPrinterInfo

app = typer.Typer(help="Run a local OctoPrint with a virtual printer (for the hub agent).", no_args_is_help=True)
PortOption = Annotated[int | None, typer.Option("--port", help="Port (default: the one of the last `up`, "
                                                               "else a free one).", min=1, max=65535)]


def _report(printer: LocalPrinter, info: LocalPrinterInfo, json_output: bool) -> None:
    """Valid TOML as a whole: comment lines, then the printer's `[[printers]]` entry for hub.toml."""
    human = (f"# local printer running: OctoPrint with its virtual printer at {info.url} (pid {info.pid}, "
             f"data in {printer.home}); `glocal printer down` stops it.\n"
             f"# Its hub.toml entry (or `local = true` in place of url and api_key):\n{info.toml_entry()}")
    emit({"running": True, **asdict(info), "url": info.url, "data_dir": str(printer.home),
          "toml": info.toml_entry()}, json_output, human.rstrip("\n"))


@app.command()
def up(port: PortOption = None, json_output: JsonOption = False) -> None:
    """Start the local printer (or report the running one); prints its hub.toml entry with URL and API key."""
    printer = LocalPrinter()
    _report(printer, printer.up(port), json_output)


@app.command()
def down(json_output: JsonOption = False) -> None:
    """Stop the local printer; its port and API key are kept for the next `up`."""
    stopped = LocalPrinter().down()
    emit({"stopped": stopped}, json_output, "local printer stopped" if stopped else "local printer was not running")


@app.command()
def status(json_output: JsonOption = False) -> None:
    """Show whether the local printer runs, and its hub.toml entry (exit code 3 when it does not run)."""
    printer = LocalPrinter()
    running = printer.status()
    if running is None:
        emit({"running": False, "data_dir": str(printer.home)}, json_output, "local printer is not running")
        raise typer.Exit(3)
    _report(printer, running, json_output)

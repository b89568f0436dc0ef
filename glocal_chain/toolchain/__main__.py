"""Toolchain tasks used by `make setup` and `make artifacts`:

    python -m glocal_chain.toolchain install-compiler | configure-brownie | artifacts | check-artifacts
"""

from __future__ import annotations

import logging
import sys

from glocal_chain.errors import GlocalError
from glocal_chain.toolchain.brownie_network import configure_development_network
from glocal_chain.toolchain.compile import stale_artifacts, write_artifacts
from glocal_chain.toolchain.settings import load_settings
from glocal_chain.toolchain.solc import install_compiler


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="[toolchain] %(message)s")
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    settings = load_settings()
    task = argv[0]
    try:
        if task == "install-compiler":
            install_compiler(settings)
        elif task == "configure-brownie":
            configure_development_network(settings)
        elif task == "artifacts":
            for path in write_artifacts(settings):
                logging.info("wrote %s", path)
        elif task == "check-artifacts":
            stale = stale_artifacts(settings)
            if stale:
                print(f"stale artifacts (run `make artifacts`): {', '.join(stale)}", file=sys.stderr)
                return 1
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except GlocalError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

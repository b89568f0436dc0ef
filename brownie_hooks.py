"""Lets `brownie run` import scripts from a checkout whose path has a dot in it (e.g. `glocal-chain.v2`).

Brownie imports this file by name whenever it loads the project (`brownie run`, `brownie test`, `brownie
console`, `brownie compile`). `brownie run scripts/deploy.py` then imports the script under a module name
made from its absolute path with "/" turned into "." (brownie/project/scripts.py, `_import_from_path`):
`/home/ana/glocal-chain.v2/scripts/deploy.py` becomes `home.ana.glocal-chain.v2.scripts.deploy`, which
Python reads as a folder `v2` inside a folder `glocal-chain`, so the run fails with ModuleNotFoundError
(eth-brownie issues #1081, #1281; still so in 1.22). The finder below makes Python find the packages of
that name: the project folder under its dotted name, the folders above it likewise, and an empty
package for each name that stops inside a dotted folder name. Paths without a dot are left alone.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec
from pathlib import Path


class DottedPathFinder:
    """Finds `a.b.c` module names Brownie builds from `root`'s absolute path (POSIX), where a folder
    name has a dot in it."""

    def __init__(self, root: Path) -> None:
        self.parts = root.parts[1:]
        self.name = ".".join(self.parts)
        # module name of root and of each folder above it -> that folder
        self.folders = {".".join(self.parts[:k]): str(Path(root.parts[0], *self.parts[:k]))
                        for k in range(1, len(self.parts) + 1)}

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if fullname in self.folders:
            if "." not in self.folders[fullname]:
                return None  # no dot in this folder's path: Python finds it as usual (`home`, `home.ana`)
            locations = [self.folders[fullname]]
        elif self.name.startswith(fullname + "."):
            locations = []  # a name that ends inside a dotted folder name ("glocal-chain" of "glocal-chain.v2")
        else:
            return None
        spec = ModuleSpec(fullname, None, is_package=True)
        spec.submodule_search_locations = locations
        return spec


def install(root: Path) -> DottedPathFinder | None:
    root = root.resolve()  # Brownie names scripts after their resolved path
    finder = DottedPathFinder(root)
    if "." not in str(root) or any(getattr(f, "name", None) == finder.name for f in sys.meta_path):
        return None
    sys.meta_path.insert(0, finder)
    return finder


install(Path(__file__).parent)

"""Run every benchmark module in this package (``python -m bench [name ...]``).

A benchmark is a module ``bench/<name>.py`` with a ``main(argv) -> int`` function. Options
after a single name go to that benchmark (``python -m bench pages --scale small``). Those in
``ON_REQUEST`` (long, they serve the portal) run only when named.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ON_REQUEST = frozenset({"pages"})


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[0] in available() and argv[1].startswith("-"):
        print(f"== bench.{argv[0]}")
        return importlib.import_module(f"bench.{argv[0]}").main(argv[1:])
    names = argv or [name for name in available() if name not in ON_REQUEST]
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available())}")
        return 2
    status = 0
    for name in names:
        print(f"== bench.{name}")
        status |= importlib.import_module(f"bench.{name}").main([])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run every benchmark module in this package (``python -m bench [name ...]``).

A benchmark is a module ``bench/<name>.py`` with a ``main(argv) -> int`` function.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    names = argv or available()
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

#!/usr/bin/env python3
"""Build the service-path site: `python build.py [build|check|schema] ...`. See README.md."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from polku.cli import run  # noqa: E402

if __name__ == "__main__":
    run()

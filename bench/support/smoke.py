"""Smoke mode for the benchmarks: ``BENCH_SMOKE=1`` runs each script end to end on tiny sizes (a few seconds).

CI runs every script this way (``make bench`` with ``BENCH_SMOKE=1``), so a benchmark that no longer runs
cannot land. The figures printed in smoke mode mean nothing; only the full sizes are measurements.
"""

import argparse
import os


def smoke_mode() -> bool:
    return os.environ.get("BENCH_SMOKE", "").strip().lower() in {"1", "true", "yes", "on"}


def apply_smoke_defaults(parser: argparse.ArgumentParser, **tiny) -> None:
    """In smoke mode, replace the parser's defaults by ``tiny`` (explicit command-line values still win)."""
    if smoke_mode():
        parser.set_defaults(**tiny)
        print("BENCH_SMOKE: tiny sizes " + ", ".join(f"{k}={v}" for k, v in sorted(tiny.items())), flush=True)

"""The baseline of bench/open311_peer.py: the portal's settings of the run (production, or the test settings
in smoke mode) with one bare read view (bench/support/open311_baseline_urls.py)."""

import os

if os.environ.get("BENCH_SMOKE"):
    from mttq_portal.settings.test import *  # noqa: F403
else:
    from mttq_portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.support.open311_baseline_urls"

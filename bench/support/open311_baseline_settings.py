"""The baseline of bench/open311.py: the same settings and middleware, one bare read view."""

from mttq_portal.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.support.open311_baseline_urls"

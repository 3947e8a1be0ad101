"""The baseline of bench/submit.py: the same settings and middleware, one view that does one INSERT."""

from mttq_portal.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.support.baseline_urls"

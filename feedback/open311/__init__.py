"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/, so that civic-tech
clients work unchanged. See docs/adr/0022-open311.md for how our items map onto the standard."""

"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis), anonymously and with an API
token of each scope: no server error, and every documented response matches the schema.

Bounded for the suite: ``FUZZ_EXAMPLES`` (default 1) generated examples per operation, each sent by every
principal; ``FUZZ_COVERAGE=1`` adds schemathesis' boundary and negative cases. The run reports its size.
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from organizations.models import ApiTokenScope
from organizations.tokens import api_token_issue

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"
S = ApiTokenScope
PRINCIPALS = {
    "anonymous": None,
    "figures": [S.FIGURES],
    "figures+write": [S.FIGURES, S.FIGURES_WRITE],
    "items": [S.ITEMS],
    "items+write": [S.ITEMS, S.ITEMS_WRITE],
    "open311": [S.OPEN311_SUBMIT],
}
CALLS: Counter = Counter()


# The schema is generated without the database (drf-spectacular reads the code), so it loads at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(scope="module", autouse=True)
def _report_size():
    yield
    # Shown with ``-s`` (and in CI logs): the size of the run.
    print(f"\nAPI fuzz: {len(CALLS)} principals, {sum(CALLS.values())} calls {dict(CALLS)}, {EXAMPLES} example(s)")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the WSGI handler must not close the test's connection after a request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def principals(db, province_front, front_a, officer_a, agency_a):
    """Request headers of each principal: none, and a token of the commune Front for each scope set."""
    headers = {}
    for name, scopes in PRINCIPALS.items():
        if scopes is None:
            headers[name] = {}
            continue
        _token, key = api_token_issue(organization=front_a, name=f"fuzz {name}", scopes=scopes)
        headers[name] = {"Authorization": f"Bearer {key}"}
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    # The explicit phase adds schemathesis' coverage cases (dozens of boundary and negative cases per
    # operation): too slow for every run of the suite, on with FUZZ_COVERAGE=1.
    phases=[Phase.explicit, Phase.generate] if COVERAGE else [Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, principals):
    for name, headers in principals.items():
        CALLS[name] += 1
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

"""Fuzzing over the OpenAPI document (schemathesis): every route, as every role and as nobody,
with generated bodies, query strings and path values — 0 server errors, on both databases."""

from __future__ import annotations

import base64
import os
from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from moqi.accounts import ROLES
from tests.conftest import PASSWORD, add_users, serving

# Per route and role: about 3,000 requests per database in the suite; a longer campaign sets
# MOQI_FUZZ_EXAMPLES (e.g. 200).
EXAMPLES = int(os.environ.get("MOQI_FUZZ_EXAMPLES", "8"))


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, **{f"fz_{role}": role for role in ROLES})
    yield from serving(db_url)


def _auth(role: str | None) -> dict:
    if role is None:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(f"fz_{role}:{PASSWORD}".encode()).decode()}


def _fuzzer(operation, role: str | None, statuses: Counter, errors: list[str]):
    """A Hypothesis test of one route: generated requests as one role (or nobody)."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case) -> None:
        try:
            response = case.call(headers=_auth(role))
        except Exception as exc:  # noqa: BLE001 - the test client re-raises what the server raised
            statuses[5] += 1
            errors.append(
                f"{operation.label} as {role}: {type(exc).__name__}: {str(exc)[:200]} — {case.as_curl_command()}"
            )
            return
        statuses[response.status_code // 100] += 1
        if response.status_code >= 500:
            errors.append(
                f"{operation.label} as {role}: {response.status_code} {response.text[:200]} — {case.as_curl_command()}"
            )

    return fuzz


def test_no_route_answers_a_server_error_to_anyone(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    statuses: Counter = Counter()
    errors: list[str] = []
    with TestClient(app):
        for operation in operations:
            for role in (None, *ROLES):
                _fuzzer(operation, role, statuses, errors)()
    total = sum(statuses.values())
    print(
        f"\nfuzzing: {len(operations)} routes, {total} requests, by class {dict(sorted(statuses.items()))}"
    )
    assert errors == [], "\n".join(errors)
    assert total >= EXAMPLES * len(operations) * (len(ROLES) + 1) // 2

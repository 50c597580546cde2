"""Schemathesis against the WSGI app: every operation, valid and invalid input, a valid token
with every scope; no 5xx, no answer outside the OpenAPI document (status, content type,
schema). Deterministic (``derandomize``) so CI is stable. Run alone:

    .venv/bin/pytest tests/province/api/test_fuzz.py --ds=province.settings.test -p no:cacheprovider -q -s
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.province.api.conftest import get_token, make_client, submission
from tests.province.dossiers.factories import submit

EXAMPLES = 130  # per operation and mode: 8 operations × 2 modes + GET /fields (no input: 1 case)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@contextmanager
def connection_kept() -> Iterator[None]:
    """The test's database transaction must survive the requests: like Django's test client,
    keep the WSGI handler from closing the connection at each request's start and end (the
    test client reconnects those receivers after each of its own requests, so this wraps the
    fuzzing only)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@override_settings(
    API_CLIENT_RATE_PER_MINUTE=1_000_000, API_ANONYMOUS_RATE_PER_MINUTE=1_000_000, DOSSIER_LOOKUP_RATE=1_000_000
)
def test_it_survives_generated_requests_on_every_operation(db, procedure):
    make_client(client_id="fuzzer", scopes="dossiers:read dossiers:submit dossiers:sync")
    token = get_token("fuzzer").json()["access_token"]
    submit(procedure=procedure)  # something for the lookups, reads and the sync feed to find
    assert submission(procedure)  # the procedure accepts submissions
    with connection_kept():
        counts, failures = fuzz(token)

    total = sum(counts.values())
    print(f"\nschemathesis: {total} cases", dict(counts))
    assert not failures, "\n\n".join(failures[:5])
    assert total >= 2000


def fuzz(token: str) -> tuple[Counter[str], list[str]]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    counts: Counter[str] = Counter()
    failures: list[str] = []

    def runner(operation: Any, mode: GenerationMode) -> Any:
        label = f"{operation.label} [{mode}]"
        checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            counts[label] += 1
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            case.call_and_validate(checks=checks)

        return label, run

    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label, run = runner(result.ok(), mode)
            try:
                run()
            except Unsatisfiable:
                # no invalid input exists for an operation without parameters
                if mode is not GenerationMode.NEGATIVE:
                    failures.append(f"{label}: no case generated")
            except (Exception, BaseExceptionGroup) as exc:  # collected: one run reports every operation
                failures.append(f"{label}: {exc}")

    return counts, failures

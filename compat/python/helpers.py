"""Helpers shared by the compatibility tests."""

from __future__ import annotations

import time

import pytest


def assert_fails_fast(fn, error_code: str, limit_s: float = 5.0):
    """Runs fn, expects an MlflowException with error_code, raised within limit_s seconds.

    MLflow retries 5xx answers with exponential backoff for minutes; an answer within a few seconds
    proves the server answered with a non-retried (4xx) status.
    """
    from mlflow.exceptions import MlflowException

    t0 = time.monotonic()
    with pytest.raises(MlflowException) as excinfo:
        fn()
    elapsed = time.monotonic() - t0
    assert excinfo.value.error_code == error_code, (
        f"expected {error_code}, got {excinfo.value.error_code}: {excinfo.value}")
    assert elapsed < limit_s, f"error took {elapsed:.1f} s: the client retried (server answered 5xx?)"
    return excinfo.value

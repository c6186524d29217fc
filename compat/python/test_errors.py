"""Error answers: the right error_code, and answered 4xx (the call fails fast, without client retries).

MLflow's client retries 408/429/5xx answers with exponential backoff for minutes, so every assertion
here also checks the call failed within a few seconds.
"""

from __future__ import annotations

import time
import uuid

import mlflow
import pytest
from mlflow.entities import Metric, Param

from helpers import assert_fails_fast


def test_duplicate_experiment(client, experiment_name):
    client.create_experiment(experiment_name)
    assert_fails_fast(lambda: client.create_experiment(experiment_name), "RESOURCE_ALREADY_EXISTS")


def test_missing_run(client):
    missing = uuid.uuid4().hex
    err = assert_fails_fast(lambda: client.get_run(missing), "RESOURCE_DOES_NOT_EXIST")
    assert missing in str(err)


def test_missing_experiment(client):
    assert_fails_fast(lambda: client.get_experiment("987654321"), "RESOURCE_DOES_NOT_EXIST")
    t0 = time.monotonic()
    assert client.get_experiment_by_name(f"no-such-experiment-{uuid.uuid4().hex}") is None
    assert time.monotonic() - t0 < 5


def test_changed_param_value(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_param("lr", "0.1")
        mlflow.log_param("lr", "0.1")  # same value again is fine
        assert_fails_fast(lambda: mlflow.log_param("lr", "0.2"), "INVALID_PARAMETER_VALUE")
        assert_fails_fast(lambda: mlflow.log_params({"lr": "0.3"}), "INVALID_PARAMETER_VALUE")
    assert client.get_run(run.info.run_id).data.params == {"lr": "0.1"}


def test_duplicate_param_keys_in_one_batch(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    assert_fails_fast(lambda: client.log_batch(run_id, params=[Param("k", "1"), Param("k", "2")]),
                      "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("bad_filter", [
    "metrics.x >>> 1",
    "params.p = unquoted",
    "nonsense.key = 'a'",
    "metrics.x = 'text'",
    "params.p = 'a",
])
def test_bad_filter_string(client, experiment_id, bad_filter):
    assert_fails_fast(lambda: client.search_runs([experiment_id], filter_string=bad_filter),
                      "INVALID_PARAMETER_VALUE")


def test_bad_order_by(client, experiment_id):
    assert_fails_fast(lambda: client.search_runs([experiment_id], order_by=["metrics.x SIDEWAYS"]),
                      "INVALID_PARAMETER_VALUE")


def test_bad_experiment_filter(client):
    assert_fails_fast(lambda: client.search_experiments(filter_string="name ~~ 'x'"),
                      "INVALID_PARAMETER_VALUE")


def test_log_to_missing_run(client):
    missing = uuid.uuid4().hex
    assert_fails_fast(lambda: client.log_metric(missing, "m", 1.0), "RESOURCE_DOES_NOT_EXIST")


def test_log_to_deleted_run(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.delete_run(run_id)
    err = assert_fails_fast(
        lambda: client.log_batch(run_id, metrics=[Metric("m", 1.0, int(time.time() * 1000), 0)]),
        "INVALID_PARAMETER_VALUE")
    assert client.get_run(run_id).data.metrics == {}, str(err)


def test_create_run_in_missing_experiment(client):
    assert_fails_fast(lambda: client.create_run("987654321"), "RESOURCE_DOES_NOT_EXIST")


def test_invalid_metric_key(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    assert_fails_fast(
        lambda: client.log_batch(run_id, metrics=[Metric("../escape", 1.0, int(time.time() * 1000), 0)]),
        "INVALID_PARAMETER_VALUE")

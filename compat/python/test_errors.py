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


# MLflow's standard message forms (mlflow/utils/validation.py and the store's checks), which tools
# match: Cairn's messages start the same way and explain after. Each also passes against MLflow.
@pytest.mark.parametrize("call, prefix", [
    (lambda c, e, r: c.search_experiments(max_results=90000),
     "Invalid value 90000 for parameter 'max_results' supplied"),
    (lambda c, e, r: c.search_experiments(max_results=0),
     "Invalid value 0 for parameter 'max_results' supplied"),
    (lambda c, e, r: c.search_runs([e], max_results=90000),
     "Invalid value 90000 for parameter 'max_results' supplied"),
    (lambda c, e, r: c.log_param(r, "k" * 251, "v"),
     "'Param key' exceeds the maximum length of 250 characters"),
    (lambda c, e, r: c.set_tag(r, "k" * 251, "v"),
     "'key' exceeds the maximum length of 250 characters"),
    (lambda c, e, r: c.log_metric(r, "k" * 251, 1.0),
     "'Metric name' exceeds the maximum length of 250 characters"),
    (lambda c, e, r: c.log_param(r, "a!b", "v"),
     "Invalid value \"a!b\" for parameter 'key' supplied"),
    (lambda c, e, r: c.set_tag(r, "a/../b", "v"),
     "Invalid value \"a/../b\" for parameter 'key' supplied"),
    (lambda c, e, r: c.log_metric(r, "a!b", 1.0),
     "Invalid value \"a!b\" for parameter 'name' supplied"),
    (lambda c, e, r: c.log_metric(r, "m", 1.0, timestamp=-1),
     "Invalid value -1 for parameter 'timestamp' supplied"),
    (lambda c, e, r: c.create_experiment("n" * 501),
     "'name' exceeds the maximum length of 500 characters"),
    (lambda c, e, r: c.set_experiment_tag(e, "k", "v" * 20001),
     "'value' exceeds the maximum length of 20000 characters"),
    (lambda c, e, r: c.get_run("bad!id"),
     "Invalid value \"bad!id\" for parameter 'run_id' supplied"),
    (lambda c, e, r: c.get_metric_history(r, ""),
     "Missing value for required parameter 'metric_key'"),
    (lambda c, e, r: c.create_experiment(f"x-{uuid.uuid4().hex}", artifact_location="/" + "a" * 3000),
     "Invalid artifact path length. The length of the artifact path cannot be greater than 2048"),
], ids=["exp-max-results-high", "exp-max-results-zero", "runs-max-results", "param-key-long",
        "tag-key-long", "metric-key-long", "param-key-chars", "tag-key-path", "metric-key-chars",
        "metric-timestamp", "experiment-name-long", "experiment-tag-long", "run-id",
        "metric-key-missing", "artifact-location-long"])
def test_messages_start_with_mlflows_form(client, experiment_id, call, prefix):
    run_id = client.create_run(experiment_id).info.run_id
    err = assert_fails_fast(lambda: call(client, experiment_id, run_id), "INVALID_PARAMETER_VALUE")
    message = err.message.removeprefix("INVALID_PARAMETER_VALUE: ")  # added by the client
    assert message.startswith(prefix), err.message

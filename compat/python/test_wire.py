"""The wire and small semantics, as MLflow 3.17.2's server has them (issue 12).

Raw HTTP (``requests``) where the MLflow client cannot send the request (wrong JSON types, GET bodies),
the real client where it can. Every case here also passes against a real ``mlflow server``
(CAIRN_TRACKING_URI=...).
"""

from __future__ import annotations

import os
import posixpath
import uuid

import mlflow
import pytest
import requests


def _api(tracking_uri: str) -> str:
    return f"{tracking_uri}/api/2.0/mlflow"


def _post(tracking_uri, path, body):
    return requests.post(f"{_api(tracking_uri)}/{path}", json=body, timeout=30)


def _assert_invalid(response, parameter, value_json):
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["error_code"] == "INVALID_PARAMETER_VALUE", answer
    assert answer["message"].startswith(
        f"Invalid value {value_json} for parameter '{parameter}' supplied"), answer["message"]


# ----------------------------------------------------------------- strict types


def test_string_fields_refuse_numbers(tracking_uri, client, experiment_name):
    _assert_invalid(_post(tracking_uri, "experiments/create", {"name": 123}), "name", "123")
    _assert_invalid(_post(tracking_uri, "experiments/create",
                          {"name": experiment_name, "artifact_location": 9.0}),
                    "artifact_location", "9.0")
    assert client.get_experiment_by_name(experiment_name) is None


def test_nested_string_fields_refuse_numbers(tracking_uri, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    metric = {"key": 31, "value": 1.0, "timestamp": 0, "step": 0}
    r = _post(tracking_uri, "runs/log-batch", {"run_id": run_id, "metrics": [metric]})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE", r.text
    assert "metrics[0]." in r.json()["message"]  # MLflow names the key 'name' here
    r = _post(tracking_uri, "runs/set-tag", {"run_id": run_id, "key": "t", "value": 41})
    _assert_invalid(r, "value", "41")
    data = client.get_run(run_id).data
    assert data.metrics == {} and data.tags.get("t") is None


def test_run_id_as_number_is_refused_not_read_as_text(tracking_uri):
    r = requests.get(f"{_api(tracking_uri)}/runs/get", json={"run_id": 31}, timeout=30)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE", r.text
    _assert_invalid(_post(tracking_uri, "runs/delete", {"run_id": 31}), "run_id", "31")


def test_numbers_and_bools_follow_protobuf_json(tracking_uri, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    # int64 as a numeric string and double as a numeric string are protobuf JSON
    ok = _post(tracking_uri, "runs/log-metric",
               {"run_id": run_id, "key": "m", "value": "2.5", "timestamp": "1000", "step": "3"})
    assert ok.status_code == 200, ok.text
    m = client.get_metric_history(run_id, "m")[0]
    assert (m.value, m.timestamp, m.step) == (2.5, 1000, 3)
    # a bool as a string is not
    name = f"wire-{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    r = _post(tracking_uri, "model-versions/transition-stage",
              {"name": name, "version": "1", "stage": "Staging", "archive_existing_versions": "true"})
    assert r.status_code in (400, 404), r.text
    if r.status_code == 400:
        _assert_invalid(r, "archive_existing_versions", '"true"')
    # an integer that is not one
    _assert_invalid(_post(tracking_uri, "runs/log-metric",
                          {"run_id": run_id, "key": "m", "value": 1, "timestamp": "12 34"}),
                    "timestamp", '"12 34"')


def test_get_query_parameters_are_still_read_by_type(tracking_uri, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_metric(run_id, "m", 1.0, step=0)
    r = requests.get(f"{_api(tracking_uri)}/metrics/get-history",
                     params={"run_id": run_id, "metric_key": "m", "max_results": "5"}, timeout=30)
    assert r.status_code == 200 and len(r.json()["metrics"]) == 1, r.text


# ----------------------------------------------------------------- JSON bodies on GET


def test_get_with_a_json_body_and_no_query_reads_the_body(tracking_uri, client):
    name = f"wire-{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    r = requests.get(f"{_api(tracking_uri)}/registered-models/get", json={"name": name}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["registered_model"]["name"] == name
    # the query string wins when there is one
    r = requests.get(f"{_api(tracking_uri)}/registered-models/get", params={"name": name},
                     json={"name": "other"}, timeout=30)
    assert r.status_code == 200 and r.json()["registered_model"]["name"] == name, r.text


def test_get_without_body_or_query_still_says_what_is_missing(tracking_uri):
    r = requests.get(f"{_api(tracking_uri)}/registered-models/get", timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith("Missing value for required parameter 'name'")


# ----------------------------------------------------------------- the default experiment


def test_default_experiment_can_be_deleted_and_restored(client):
    client.delete_experiment("0")
    try:
        assert client.get_experiment("0").lifecycle_stage == "deleted"
        default = client.get_experiment_by_name("Default")
        assert default is not None and default.lifecycle_stage == "deleted"
        # as MLflow: no runs in a deleted experiment
        with pytest.raises(mlflow.exceptions.MlflowException) as err:
            client.create_run("0")
        assert err.value.error_code == "INVALID_PARAMETER_VALUE"
        assert "must be in the 'active' state" in str(err.value)
    finally:
        client.restore_experiment("0")
    assert client.get_experiment("0").lifecycle_stage == "active"
    client.create_run("0")


# ----------------------------------------------------------------- empty names


def test_logged_model_with_an_empty_name_gets_a_generated_one(tracking_uri, client, experiment_id):
    r = _post(tracking_uri, "logged-models", {"experiment_id": experiment_id, "name": ""})
    assert r.status_code == 200, r.text
    model = r.json()["model"]["info"]
    assert model["name"], model
    assert client.get_logged_model(model["model_id"]).name == model["name"]


# ----------------------------------------------------------------- artifact path "."


def test_dot_is_the_artifact_root(client, experiment_id, tmp_path):
    run_id = client.create_run(experiment_id).info.run_id
    src = tmp_path / "a.txt"
    src.write_text("hello")
    client.log_artifact(run_id, str(src), "sub")
    # paths come back joined to the path asked for ("./sub"), as MLflow's server joins them
    assert [posixpath.normpath(f.path) for f in client.list_artifacts(run_id, ".")] == ["sub"]
    assert [posixpath.normpath(f.path)
            for f in client.list_artifacts(run_id, "./sub")] == ["sub/a.txt"]
    out = client.download_artifacts(run_id, ".", str(tmp_path / "out"))
    with open(os.path.join(out, "sub", "a.txt")) as f:
        assert f.read() == "hello"


def test_dot_dot_stays_refused(tracking_uri, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    r = requests.get(f"{_api(tracking_uri)}/artifacts/list",
                     params={"run_id": run_id, "path": "../x"}, timeout=30)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE", r.text


# ----------------------------------------------------------------- relative artifact_location


def test_relative_artifact_location_is_resolved_on_the_server(client, experiment_name):
    exp_id = client.create_experiment(experiment_name, artifact_location="rel/arts")
    location = client.get_experiment(exp_id).artifact_location
    assert os.path.isabs(location) and location.endswith("/rel/arts"), location
    exp_id = client.create_experiment(experiment_name + "-f", artifact_location="file:rel/f")
    location = client.get_experiment(exp_id).artifact_location
    assert location.startswith("file:///") and location.endswith("/rel/f"), location
    exp_id = client.create_experiment(experiment_name + "-abs", artifact_location="/abs/x")
    assert client.get_experiment(exp_id).artifact_location == "/abs/x"

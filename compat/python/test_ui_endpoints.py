"""Endpoints MLflow's UI and tools call outside the Python client's API, checked with raw HTTP
against MLflow 3.17.2's answers (mlflow/server/__init__.py and handlers.py): get-history-bulk,
search-datasets, upload-artifact, get-artifact, model-versions/get-artifact, a logged model's
artifacts/files, and get-history-bulk-interval's sampling and limits."""

from __future__ import annotations

import mlflow
import requests
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric

AJAX = "/ajax-api/2.0/mlflow"


def _bad(resp, message_part, code="INVALID_PARAMETER_VALUE"):
    assert resp.status_code == 400, (resp.status_code, resp.text)
    body = resp.json()
    assert body["error_code"] == code, body
    assert message_part in body["message"], body


# ----------------------------------------------------------------- get-history-bulk

def test_get_history_bulk_returns_every_runs_points_by_run_then_timestamp(client, experiment_id,
                                                                           tracking_uri):
    a = client.create_run(experiment_id).info.run_id
    b = client.create_run(experiment_id).info.run_id
    client.log_batch(a, metrics=[Metric("loss", 3.0, 30, 0), Metric("loss", 1.0, 10, 2),
                                 Metric("loss", 2.0, 20, 1)])
    client.log_batch(b, metrics=[Metric("loss", 5.0, 5, 7)])
    url = f"{tracking_uri}{AJAX}/metrics/get-history-bulk"

    resp = requests.get(url, params={"run_id": [b, a], "metric_key": "loss"})
    assert resp.status_code == 200, resp.text
    first, second = sorted([a, b])
    expected = {
        a: [{"key": "loss", "value": 1.0, "timestamp": 10, "step": 2, "run_id": a},
            {"key": "loss", "value": 2.0, "timestamp": 20, "step": 1, "run_id": a},
            {"key": "loss", "value": 3.0, "timestamp": 30, "step": 0, "run_id": a}],
        b: [{"key": "loss", "value": 5.0, "timestamp": 5, "step": 7, "run_id": b}],
    }
    assert resp.json()["metrics"] == expected[first] + expected[second]

    limited = requests.get(url, params={"run_id": [a], "metric_key": "loss", "max_results": 2})
    assert limited.json()["metrics"] == expected[a][:2]
    assert requests.get(url, params={"run_id": [a], "metric_key": "nope"}).json() == {"metrics": []}


def test_get_history_bulk_refuses_what_mlflow_refuses(tracking_uri):
    url = f"{tracking_uri}{AJAX}/metrics/get-history-bulk"
    _bad(requests.get(url, params={"metric_key": "m"}),
         "GetMetricHistoryBulk request must specify at least one run_id.")
    _bad(requests.get(url, params={"run_id": [f"r{i}" for i in range(101)], "metric_key": "m"}),
         "GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.")
    _bad(requests.get(url, params={"run_id": ["r"]}),
         "GetMetricHistoryBulk request must specify a metric_key.")


# ----------------------------------------------------------------- search-datasets

def test_search_datasets_lists_each_dataset_with_its_context(client, experiment_id, tracking_uri):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_inputs(run_id, [
        DatasetInput(Dataset("name1", "digest1", "source_type1", "source1"),
                     [InputTag("mlflow.data.context", "training")]),
        DatasetInput(Dataset("name2", "digest2", "local", "source2"), []),
    ])
    url = f"{tracking_uri}{AJAX}/experiments/search-datasets"
    resp = requests.post(url, json={"experiment_ids": [experiment_id]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["dataset_summaries"] == [
        {"experiment_id": experiment_id, "name": "name1", "digest": "digest1",
         "context": "training"},
        {"experiment_id": experiment_id, "name": "name2", "digest": "digest2"},
    ]
    empty = client.create_experiment(f"no-datasets-{experiment_id}")
    assert requests.post(url, json={"experiment_ids": [empty]}).json() == {}


def test_search_datasets_refuses_what_mlflow_refuses(tracking_uri):
    url = f"{tracking_uri}{AJAX}/experiments/search-datasets"
    _bad(requests.post(url, json={}),
         "SearchDatasets request must specify at least one experiment_id.")
    _bad(requests.post(url, json={"experiment_ids": []}),
         "SearchDatasets request must specify at least one experiment_id.")
    _bad(requests.post(url, json={"experiment_ids": [f"id_{i}" for i in range(1000)]}),
         "SearchDatasets request cannot specify more than")


# ----------------------------------------------------------------- upload-artifact

def test_upload_artifact_stores_the_body_as_a_run_file(client, experiment_id, tracking_uri,
                                                       tmp_path):
    run_id = client.create_run(experiment_id).info.run_id
    url = f"{tracking_uri}{AJAX}/upload-artifact"
    data = bytes(range(256)) * 10
    resp = requests.post(url, params={"run_uuid": run_id, "path": "ui/notes.bin"}, data=data)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert [f.path for f in client.list_artifacts(run_id, "ui")] == ["ui/notes.bin"]
    local = client.download_artifacts(run_id, "ui/notes.bin", str(tmp_path))
    assert open(local, "rb").read() == data

    _bad(requests.post(url, params={"path": "x"}, data=b"1"), "Request must specify run_uuid.")
    _bad(requests.post(url, params={"run_uuid": run_id}, data=b"1"), "Request must specify path.")
    _bad(requests.post(url, params={"run_uuid": run_id, "path": "x"}, data=b""),
         "Request must specify data.")
    _bad(requests.post(url, params={"run_uuid": run_id, "path": "../x"}, data=b"1"), "")
    _bad(requests.post(url, params={"run_uuid": run_id, "path": "big"},
                       data=b"0" * (10 * 1024 * 1024 + 1)),
         "Artifact size is too large. Max size is 10MB.")
    assert [f.path for f in client.list_artifacts(run_id)] == ["ui"]


# ----------------------------------------------------------------- get-artifact

def _upload(tracking_uri, run_id, path, data):
    resp = requests.post(f"{tracking_uri}{AJAX}/upload-artifact",
                         params={"run_uuid": run_id, "path": path}, data=data)
    assert resp.status_code == 200, resp.text


def test_get_artifact_sends_files_as_attachments_with_mlflows_types(client, experiment_id,
                                                                    tracking_uri):
    run_id = client.create_run(experiment_id).info.run_id
    files = {
        "notes.txt": ("text/plain", "attachment; filename=notes.txt"),
        "model/MLmodel": ("text/plain", "attachment; filename=MLmodel"),
        "plot one.png": ("image/png", 'attachment; filename="plot one.png"'),
        "weights.pkl": ("application/octet-stream", "attachment; filename=weights.pkl"),
        # MLflow would say text/html; a browser must never render a run's file as a page.
        "report.html": ("text/plain", "attachment; filename=report.html"),
        "été.csv": ("text/plain",
                    "attachment; filename=ete.csv; filename*=UTF-8''%C3%A9t%C3%A9.csv"),
    }
    for path in files:
        _upload(tracking_uri, run_id, path, path.encode() + b"\n")
    for path, (content_type, disposition) in files.items():
        for id_param in ("run_uuid", "run_id"):
            resp = requests.get(f"{tracking_uri}/get-artifact",
                                params={"path": path, id_param: run_id})
            assert resp.status_code == 200, (path, resp.text)
            assert resp.content == path.encode() + b"\n"
            assert resp.headers["Content-Type"].split(";")[0] == content_type, path
            assert resp.headers["Content-Disposition"] == disposition
            assert resp.headers["X-Content-Type-Options"] == "nosniff"

    folder = requests.get(f"{tracking_uri}/get-artifact", params={"path": "model", "run_uuid": run_id})
    _bad(folder, "Artifact path refers to a directory, not a file: 'model'")
    missing = requests.get(f"{tracking_uri}/get-artifact",
                           params={"path": "nope.txt", "run_uuid": run_id})
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    no_run = requests.get(f"{tracking_uri}/get-artifact",
                          params={"path": "notes.txt", "run_uuid": "0" * 32})
    assert no_run.status_code == 404
    _bad(requests.get(f"{tracking_uri}/get-artifact",
                      params={"path": "../notes.txt", "run_uuid": run_id}), "")


def test_model_version_get_artifact_reads_the_versions_files(client, experiment_id, tracking_uri):
    run_id = client.create_run(experiment_id).info.run_id
    _upload(tracking_uri, run_id, "model/MLmodel", b"flavors: {}\n")
    name = f"ui-files-{experiment_id}"
    client.create_registered_model(name)
    version = client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id).version
    resp = requests.get(f"{tracking_uri}/model-versions/get-artifact",
                        params={"path": "MLmodel", "name": name, "version": version})
    assert resp.status_code == 200, resp.text
    assert resp.content == b"flavors: {}\n"
    assert resp.headers["Content-Type"].split(";")[0] == "text/plain"
    assert resp.headers["Content-Disposition"] == "attachment; filename=MLmodel"
    missing = requests.get(f"{tracking_uri}/model-versions/get-artifact",
                           params={"path": "MLmodel", "name": name, "version": "99"})
    assert missing.status_code == 404


def test_logged_model_artifact_files_reads_the_models_files(client, experiment_id, tracking_uri,
                                                            tmp_path):
    model = client.create_logged_model(experiment_id, name="ui-model")
    (tmp_path / "MLmodel").write_text("artifact_path: m\n")
    client.log_model_artifacts(model.model_id, str(tmp_path))
    url = f"{tracking_uri}{AJAX}/logged-models/{model.model_id}/artifacts/files"
    resp = requests.get(url, params={"artifact_file_path": "MLmodel"})
    assert resp.status_code == 200, resp.text
    assert resp.content == b"artifact_path: m\n"
    assert resp.headers["Content-Disposition"] == "attachment; filename=MLmodel"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    _bad(requests.get(url), 'Request must include the "artifact_file_path" query parameter.',
         code="BAD_REQUEST")
    unknown = requests.get(f"{tracking_uri}{AJAX}/logged-models/m-{'0' * 32}/artifacts/files",
                           params={"artifact_file_path": "MLmodel"})
    assert unknown.status_code == 404


# ----------------------------------------------------------------- get-history-bulk-interval

def test_bulk_interval_returns_mlflows_evenly_spaced_steps(client, experiment_id, tracking_uri):
    # MLflow's own test_get_metric_history_bulk_interval_respects_max_results.
    run_id1 = client.create_run(experiment_id).info.run_id
    history = [{"key": "metricA", "timestamp": 1, "step": i, "value": 10.0} for i in range(10)]
    for m in history:
        client.log_metric(run_id1, **m)
    url = f"{tracking_uri}{AJAX}/metrics/get-history-bulk-interval"

    resp = requests.get(url, params={"run_ids": [run_id1], "metric_key": "metricA",
                                     "max_results": 5})
    assert resp.status_code == 200, resp.text
    assert resp.json()["metrics"] == [{**m, "run_id": run_id1} for m in history
                                      if m["step"] in [0, 2, 4, 6, 8, 9]]

    ranged = requests.get(url, params={"run_ids": [run_id1], "metric_key": "metricA",
                                       "start_step": 0, "end_step": 4, "max_results": 5})
    assert ranged.json()["metrics"] == [{**m, "run_id": run_id1} for m in history[:5]]

    run_id2 = client.create_run(experiment_id).info.run_id
    history2 = [{"key": "metricA", "timestamp": 1, "step": i, "value": 10.0} for i in range(20)]
    for m in history2:
        client.log_metric(run_id2, **m)
    both = requests.get(url, params={"run_ids": [run_id1, run_id2], "metric_key": "metricA",
                                     "max_results": 5})
    steps = [0, 4, 8, 9, 12, 16, 19]
    assert both.json()["metrics"] == (
        [{**m, "run_id": run_id1} for m in history if m["step"] in steps]
        + [{**m, "run_id": run_id2} for m in history2 if m["step"] in steps])

    for m in history:
        client.log_metric(run_id1, m["key"], m["value"], timestamp=2, step=m["step"])
    same_steps = requests.get(url, params={"run_ids": [run_id1], "metric_key": "metricA",
                                           "max_results": 5})
    assert same_steps.json()["metrics"] == [
        {"key": "metricA", "timestamp": t, "step": s, "value": 10.0, "run_id": run_id1}
        for s in [0, 2, 4, 6, 8, 9] for t in [1, 2]]


def test_bulk_interval_keeps_spikes_beside_mlflows_steps(client, experiment_id, tracking_uri):
    run_id = client.create_run(experiment_id).info.run_id
    values = [0.0] * 100
    values[57] = 99.0
    client.log_batch(run_id, metrics=[Metric("m", v, 1, i) for i, v in enumerate(values)])
    resp = requests.get(f"{tracking_uri}{AJAX}/metrics/get-history-bulk-interval",
                        params={"run_ids": [run_id], "metric_key": "m", "max_results": 10})
    steps = [p["step"] for p in resp.json()["metrics"]]
    assert set(range(0, 100, 10)) | {99} <= set(steps)
    assert 57 in steps
    assert steps == sorted(steps)


def test_bulk_interval_with_1000_run_ids_is_mlflows_400(tracking_uri):
    resp = requests.get(f"{tracking_uri}{AJAX}/metrics/get-history-bulk-interval",
                        params={"run_ids": [f"id_{i}" for i in range(1000)], "metric_key": "key"})
    _bad(resp, "GetMetricHistoryBulkInterval request must specify at most 100 run_ids.")

"""Cairn's Training Data Manager seen from the MLflow Python client: a dataset version pushed
through Cairn's API, logged as a run input with mlflow.log_input, is linked both ways and loads
back through MLflow's own dataset source."""

from __future__ import annotations

import hashlib
import io
import uuid

import mlflow
import pandas as pd
import requests


def _push(uri: str, name: str, files: dict[str, bytes]) -> dict:
    api = f"{uri}/api/cairn/v1/datasets"
    manifest = []
    for path, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        manifest.append({"path": path, "size": len(data), "sha256": digest})
    missing = requests.post(f"{api}/blobs/missing", json={"sha256": [f["sha256"] for f in manifest]}, timeout=30)
    missing.raise_for_status()
    for f in manifest:
        if f["sha256"] in missing.json()["missing"]:
            r = requests.put(f"{api}/blobs/{f['sha256']}", params={"path": f["path"]}, data=files[f["path"]], timeout=30)
            assert r.status_code == 201, r.text
    r = requests.post(f"{api}/{name}/versions", json={"files": manifest, "message": "from pytest", "author": "compat"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["version"]


def test_log_input_links_the_run_to_the_dataset_version(tracking_uri, experiment_id):
    name = f"wine-{uuid.uuid4().hex[:8]}"
    df = pd.DataFrame({"alcohol": [12.1, 13.4, 11.9, 12.8], "quality": [5, 7, 4, 6]})
    csv = df.to_csv(index=False).encode()
    version = _push(tracking_uri, name, {"train.csv": csv})
    assert version["version"] == 1

    url = f"{tracking_uri}/api/cairn/v1/datasets/{name}/versions/1/files/train.csv"
    dataset = mlflow.data.from_pandas(df, source=url, name=name, targets="quality")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")

    details = requests.get(f"{tracking_uri}/api/cairn/v1/datasets/{name}/versions/1", timeout=30).json()
    assert [(r["run_id"], r["context"]) for r in details["runs"]] == [(run.info.run_id, "training")]
    assert details["profiles"]["train.csv"]["rows"] == 4
    assert [c["name"] for c in details["profiles"]["train.csv"]["columns"]] == ["alcohol", "quality"]

    linked = requests.get(f"{tracking_uri}/api/cairn/v1/runs/{run.info.run_id}/dataset-versions", timeout=30).json()
    assert linked["dataset_versions"] == [{"dataset": name, "version": 1, "context": "training"}]

    # MLflow's own view of the input is untouched, and its HTTP source loads the version's file.
    logged = mlflow.get_run(run.info.run_id).inputs.dataset_inputs[0]
    assert logged.dataset.name == name
    source = mlflow.data.get_source(logged)
    loaded = pd.read_csv(io.BytesIO(open(source.load(), "rb").read()))
    pd.testing.assert_frame_equal(loaded, df)

    # A used version is deprecated, not deleted.
    r = requests.delete(f"{tracking_uri}/api/cairn/v1/datasets/{name}/versions/1", timeout=30).json()
    assert r["deleted"] is False and r["deprecated"] == [1]


def test_log_input_naming_a_missing_version_is_refused_fast(tracking_uri, experiment_id):
    df = pd.DataFrame({"x": [1, 2]})
    url = f"{tracking_uri}/api/cairn/v1/datasets/no-such-{uuid.uuid4().hex[:6]}/versions/3/files/x.csv"
    with mlflow.start_run():
        try:
            mlflow.log_input(mlflow.data.from_pandas(df, source=url), context="training")
        except mlflow.exceptions.MlflowException as e:
            assert "no dataset version" in str(e) or "not found" in str(e).lower()
            assert e.error_code == "RESOURCE_DOES_NOT_EXIST"
        else:
            raise AssertionError("a source naming no Cairn dataset version was accepted")

"""Experiments, runs, params, metrics, tags, datasets and system metrics through the fluent API."""

from __future__ import annotations

import json
import math
import sys
import time

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, RunStatus


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.lifecycle_stage == "active"
    assert client.get_experiment_by_name(exp.name).experiment_id == "0"


def test_set_experiment_creates_then_reuses(client, experiment_name):
    assert client.get_experiment_by_name(experiment_name) is None  # 404 answered as "no such experiment"
    first = mlflow.set_experiment(experiment_name)
    second = mlflow.set_experiment(experiment_name)
    assert first.experiment_id == second.experiment_id
    assert first.name == experiment_name
    assert first.lifecycle_stage == "active"
    fetched = client.get_experiment(first.experiment_id)
    assert fetched.name == experiment_name
    assert fetched.artifact_location
    assert fetched.creation_time and fetched.creation_time > 0
    assert client.get_experiment_by_name(experiment_name).experiment_id == first.experiment_id


def test_run_params_metrics_tags(client, experiment_id):
    before_ms = int(time.time() * 1000)
    with mlflow.start_run(run_name="basic-run") as run:
        run_id = run.info.run_id
        assert run.info.experiment_id == experiment_id
        assert run.info.status == "RUNNING"
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"optimizer": "adam", "epochs": 3, "layers": "[64, 32]"})
        for step, loss in enumerate([0.9, 0.5, 0.25]):
            mlflow.log_metric("loss", loss, step=step)
        mlflow.log_metrics({"acc": 0.7, "f1": 0.65}, step=0)
        mlflow.log_metrics({"acc": 0.8, "f1": 0.75}, step=1)
        mlflow.set_tag("team", "ml")
        mlflow.set_tags({"stage": "dev", "owner": "alice"})

    got = client.get_run(run_id)
    assert got.info.run_id == run_id
    assert got.info.run_name == "basic-run"
    assert got.info.status == "FINISHED"
    assert got.info.lifecycle_stage == "active"
    assert got.info.start_time >= before_ms - 5000
    assert got.info.end_time is not None and got.info.end_time >= got.info.start_time
    assert got.info.artifact_uri
    assert got.data.params == {"lr": "0.01", "optimizer": "adam", "epochs": "3", "layers": "[64, 32]"}
    assert got.data.metrics == {"loss": 0.25, "acc": 0.8, "f1": 0.75}
    tags = got.data.tags
    assert tags["team"] == "ml" and tags["stage"] == "dev" and tags["owner"] == "alice"
    assert tags["mlflow.runName"] == "basic-run"
    assert "mlflow.user" in tags
    assert "mlflow.source.name" in tags

    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.value) for m in sorted(history, key=lambda m: m.step)] == [
        (0, 0.9), (1, 0.5), (2, 0.25)]
    assert all(m.key == "loss" and m.timestamp > 0 for m in history)


def test_run_without_name_gets_generated_name(client, experiment_id):
    with mlflow.start_run() as run:
        pass
    got = client.get_run(run.info.run_id)
    assert got.info.run_name
    assert got.data.tags.get("mlflow.runName") == got.info.run_name


def test_latest_metric_is_the_highest_step(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 5.0, step=10)
        mlflow.log_metric("m", 1.0, step=2)  # logged later but an older step
    got = client.get_run(run.info.run_id)
    assert got.data.metrics["m"] == 5.0
    history = client.get_metric_history(run.info.run_id, "m")
    assert sorted((m.step, m.value) for m in history) == [(2, 1.0), (10, 5.0)]


def test_special_metric_values(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_metric("nan", float("nan"))
        mlflow.log_metric("pinf", float("inf"))
        mlflow.log_metric("ninf", float("-inf"))
        mlflow.log_metric("tiny", 1e-300)
        mlflow.log_metric("big", 1.7976931348623157e308)
        mlflow.log_metric("neg", -42.5, step=-3)
    metrics = client.get_run(run.info.run_id).data.metrics
    assert math.isnan(metrics["nan"])
    # MLflow's SQL store clamps +-Infinity to +-DBL_MAX; keeping them exactly is fine as well.
    assert metrics["pinf"] in (math.inf, sys.float_info.max)
    assert metrics["ninf"] in (-math.inf, -sys.float_info.max)
    assert metrics["tiny"] == 1e-300
    assert metrics["big"] == 1.7976931348623157e308
    assert metrics["neg"] == -42.5
    [neg] = client.get_metric_history(run.info.run_id, "neg")
    assert neg.step == -3


def test_end_run_with_failed_status(client, experiment_id):
    run = mlflow.start_run()
    mlflow.end_run(status="FAILED")
    got = client.get_run(run.info.run_id)
    assert got.info.status == "FAILED"
    assert got.info.end_time is not None


def test_resume_run(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.0, step=0)
    run_id = run.info.run_id
    assert client.get_run(run_id).info.status == "FINISHED"
    with mlflow.start_run(run_id=run_id) as resumed:
        assert resumed.info.run_id == run_id
        assert client.get_run(run_id).info.status == "RUNNING"
        mlflow.log_metric("m", 2.0, step=1)
        mlflow.log_param("resumed", "yes")
    got = client.get_run(run_id)
    assert got.info.status == "FINISHED"
    assert got.data.metrics["m"] == 2.0
    assert got.data.params["resumed"] == "yes"


def test_nested_runs(client, experiment_id):
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child-1", nested=True) as child1:
            mlflow.log_metric("score", 1.0)
        with mlflow.start_run(run_name="child-2", nested=True) as child2:
            mlflow.log_metric("score", 2.0)
        assert mlflow.active_run().info.run_id == parent.info.run_id
    pid = parent.info.run_id
    for child in (child1, child2):
        got = client.get_run(child.info.run_id)
        assert got.data.tags["mlflow.parentRunId"] == pid
        assert got.info.status == "FINISHED"
    assert "mlflow.parentRunId" not in client.get_run(pid).data.tags

    children = client.search_runs([experiment_id], filter_string=f"tags.mlflow.parentRunId = '{pid}'")
    assert sorted(r.info.run_name for r in children) == ["child-1", "child-2"]
    df = mlflow.search_runs([experiment_id], filter_string=f"tags.mlflow.parentRunId = '{pid}'",
                            order_by=["metrics.score DESC"])
    assert list(df["tags.mlflow.runName"]) == ["child-2", "child-1"]


def test_log_batch_with_client(client, experiment_id):
    run = client.create_run(experiment_id, run_name="batch")
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    from mlflow.entities import Param, RunTag

    client.log_batch(
        run_id,
        metrics=[Metric("m1", float(i), now + i, i) for i in range(5)],
        params=[Param("p1", "v1"), Param("p2", "v2")],
        tags=[RunTag("t1", "x")],
    )
    client.set_terminated(run_id)
    got = client.get_run(run_id)
    assert got.data.metrics == {"m1": 4.0}
    assert got.data.params == {"p1": "v1", "p2": "v2"}
    assert got.data.tags["t1"] == "x"
    assert got.info.status == "FINISHED"
    assert [m.step for m in client.get_metric_history(run_id, "m1")] == [0, 1, 2, 3, 4]


def test_metric_history_over_25000_points(client, experiment_id):
    """get_metric_history pages (max_results=25000 + page_token) until it has every point."""
    n = 25_500
    run_id = client.create_run(experiment_id).info.run_id
    t0 = int(time.time() * 1000)
    for start in range(0, n, 1000):
        client.log_batch(run_id, metrics=[
            Metric("long", i * 0.5, t0 + i, i) for i in range(start, min(n, start + 1000))])
    client.set_terminated(run_id)

    history = client.get_metric_history(run_id, "long")
    assert len(history) == n
    assert [m.step for m in history] == list(range(n)), "points missing, duplicated or out of step order"
    assert all(m.value == m.step * 0.5 and m.timestamp == t0 + m.step for m in history)
    assert client.get_run(run_id).data.metrics["long"] == (n - 1) * 0.5


def test_log_input_dataset(client, experiment_id):
    df = pd.DataFrame({"sepal_length": [5.1, 4.9, 6.2], "species": ["setosa", "setosa", "virginica"]})
    dataset = mlflow.data.from_pandas(df, source="https://example.com/data/iris.csv", name="iris-mini",
                                      targets="species")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")

    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    ds = inputs[0].dataset
    expected = dataset.to_dict()
    assert ds.name == "iris-mini"
    assert ds.digest == expected["digest"]
    assert ds.source_type == expected["source_type"] == "http"
    assert json.loads(ds.source) == json.loads(expected["source"])
    assert json.loads(ds.schema) == json.loads(expected["schema"])
    assert json.loads(ds.profile) == json.loads(expected["profile"])
    assert {t.key: t.value for t in inputs[0].tags} == {"mlflow.data.context": "training"}

    # The dataset logged to the run can be loaded back into an MLflow dataset object.
    source = mlflow.data.get_source(inputs[0])
    assert source.url == "https://example.com/data/iris.csv"


def test_system_metrics(client, experiment_id, monkeypatch):
    pytest.importorskip("psutil")
    monkeypatch.setenv("MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL", "1")
    monkeypatch.setenv("MLFLOW_SYSTEM_METRICS_SAMPLES_BEFORE_LOGGING", "1")
    with mlflow.start_run(log_system_metrics=True) as run:
        deadline = time.monotonic() + 15
        # The monitor logs every second; stop as soon as one batch has arrived.
        while time.monotonic() < deadline:
            time.sleep(1)
            if any(k.startswith("system/") for k in client.get_run(run.info.run_id).data.metrics):
                break
    got = client.get_run(run.info.run_id)
    system = {k: v for k, v in got.data.metrics.items() if k.startswith("system/")}
    assert system, f"no system/ metrics logged; metrics: {sorted(got.data.metrics)}"
    assert "system/cpu_utilization_percentage" in system
    assert 0.0 <= system["system/cpu_utilization_percentage"] <= 100.0 * 64
    assert got.info.status == "FINISHED"


def test_run_status_values(client, experiment_id):
    run = client.create_run(experiment_id)
    client.set_terminated(run.info.run_id, status=RunStatus.to_string(RunStatus.KILLED))
    assert client.get_run(run.info.run_id).info.status == "KILLED"

"""MLflow 3 logged models: sklearn log_model / load_model through runs:/ and models:/, and autolog."""

from __future__ import annotations

import os
import time

import mlflow
import mlflow.sklearn
import numpy as np
import pytest
from mlflow.entities import LoggedModelStatus, Metric
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression


@pytest.fixture(scope="module")
def iris():
    data = load_iris(as_frame=True)
    return data.data, data.target


def test_sklearn_log_model_and_load_back(client, experiment_id, iris):
    X, y = iris
    model = LogisticRegression(max_iter=300).fit(X, y)
    expected = model.predict(X)

    with mlflow.start_run() as run:
        mlflow.log_metric("train_acc", float((expected == y).mean()))
        info = mlflow.sklearn.log_model(model, name="model", input_example=X.head(3),
                                        params={"alpha": 1, "kind": "lr"}, tags={"team": "red"})
        mlflow.log_metric("val_acc", 0.9, model_id=info.model_id)
    run_id = run.info.run_id
    train_acc = float((expected == y).mean())

    assert info.model_id
    assert info.model_uri == f"models:/{info.model_id}"

    logged = mlflow.get_logged_model(info.model_id)
    assert logged.model_id == info.model_id
    assert logged.name == "model"
    assert logged.experiment_id == experiment_id
    assert logged.source_run_id == run_id
    assert logged.status == LoggedModelStatus.READY
    assert logged.artifact_location
    assert logged.params == {"alpha": "1", "kind": "lr"}
    assert logged.tags["team"] == "red"
    # Metrics of the run logged before log_model, and metrics logged with model_id, belong to the model.
    assert sorted((m.key, m.value, m.run_id) for m in logged.metrics) == [
        ("train_acc", train_acc, run_id), ("val_acc", 0.9, run_id)]
    assert mlflow.last_logged_model().model_id == info.model_id
    assert client.get_run(run_id).data.metrics == {"train_acc": train_acc, "val_acc": 0.9}

    # The run records the model as an output.
    outputs = client.get_run(run_id).outputs
    assert [o.model_id for o in outputs.model_outputs] == [info.model_id]

    by_run = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    by_id = mlflow.pyfunc.load_model(f"models:/{info.model_id}")
    np.testing.assert_array_equal(by_run.predict(X), expected)
    np.testing.assert_array_equal(by_id.predict(X), expected)
    # The native flavor too.
    native = mlflow.sklearn.load_model(f"models:/{info.model_id}")
    np.testing.assert_array_equal(native.predict_proba(X), model.predict_proba(X))

    # search_logged_models finds it by name within the experiment.
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'model'",
                                        output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.val_acc > 0.5",
                                        output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    assert mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.val_acc > 0.95",
                                       output_format="list") == []


def test_sklearn_autolog(client, experiment_id, iris):
    X, y = iris
    mlflow.sklearn.autolog(log_input_examples=False, log_model_signatures=True, silent=True)
    try:
        with mlflow.start_run() as run:
            model = LogisticRegression(C=0.5, max_iter=250).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    run_id = run.info.run_id

    got = client.get_run(run_id)
    params = got.data.params
    assert params["C"] == "0.5"
    assert params["max_iter"] == "250"
    metrics = got.data.metrics
    assert metrics["training_accuracy_score"] == pytest.approx(float((model.predict(X) == y).mean()))
    assert "training_f1_score" in metrics and "training_log_loss" in metrics
    assert got.data.tags.get("estimator_name") == "LogisticRegression"

    models = mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")
    assert len(models) == 1
    [logged] = models
    assert logged.source_run_id == run_id
    assert [o.model_id for o in got.outputs.model_outputs] == [logged.model_id]
    loaded = mlflow.pyfunc.load_model(f"models:/{logged.model_id}")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    # Autolog also logs the training data as a run input.
    contexts = [{t.key: t.value for t in d.tags}.get("mlflow.data.context") for d in got.inputs.dataset_inputs]
    assert "train" in contexts


def test_search_logged_models_by_dataset(client, experiment_id):
    """datasets=[...] keeps models with metrics logged on one of them; metric filters and orders
    with a dataset look only at the metrics logged on it."""
    run_id = client.create_run(experiment_id).info.run_id
    a, b, c = (client.create_logged_model(experiment_id, name=n, source_run_id=run_id)
               for n in ("a", "b", "c"))
    ts = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[
        Metric("acc", 0.9, ts, 0, model_id=a.model_id, dataset_name="train", dataset_digest="d1"),
        Metric("acc", 0.5, ts, 0, model_id=b.model_id, dataset_name="eval", dataset_digest="d2"),
        Metric("acc", 0.7, ts, 0, model_id=c.model_id)])

    def names(**kwargs):
        return sorted(m.name for m in client.search_logged_models([experiment_id], **kwargs))

    train, evaluation = ({"dataset_name": "train", "dataset_digest": "d1"},
                         {"dataset_name": "eval", "dataset_digest": "d2"})
    assert names(datasets=[train]) == ["a"]
    assert names(datasets=[{"dataset_name": "train", "dataset_digest": "d2"}]) == []
    assert names(datasets=[train, evaluation]) == ["a", "b"]
    assert names(filter_string="metrics.acc > 0.6") == ["a", "c"]
    assert names(filter_string="metrics.acc > 0.6", datasets=[train]) == ["a"]
    assert names(filter_string="metrics.acc > 0.6", datasets=[evaluation]) == []
    assert names(filter_string="name != 'a'", datasets=[train, evaluation]) == ["b"]
    by_eval = client.search_logged_models(
        [experiment_id], order_by=[{"field_name": "metrics.acc", "ascending": False,
                                    "dataset_name": "eval"}])
    assert [m.name for m in by_eval] == ["b", "c", "a"]  # without eval metrics: newest first
    by_acc = client.search_logged_models(
        [experiment_id], order_by=[{"field_name": "metrics.acc", "ascending": False}])
    assert [m.name for m in by_acc] == ["a", "c", "b"]
    if os.environ.get("CAIRN_SKIP_EXTENSIONS") != "1":
        # A dataset without a digest matches any digest, as MLflow's store and client document
        # (MLflow's server passes the missing digest on as None and so matches digest-less metrics).
        assert names(datasets=[{"dataset_name": "train"}]) == ["a"]

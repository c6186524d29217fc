"""Deleting and restoring runs and experiments, and what the view types then show."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.entities import ViewType


def test_delete_and_restore_run(client, experiment_id):
    keep = client.create_run(experiment_id, run_name="keep").info.run_id
    gone = client.create_run(experiment_id, run_name="gone").info.run_id

    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"  # still readable by id
    assert client.get_run(keep).info.lifecycle_stage == "active"

    def ids(view):
        return {r.info.run_id for r in client.search_runs([experiment_id], run_view_type=view)}

    assert ids(ViewType.ACTIVE_ONLY) == {keep}
    assert ids(ViewType.DELETED_ONLY) == {gone}
    assert ids(ViewType.ALL) == {keep, gone}
    assert set(mlflow.search_runs([experiment_id])["run_id"]) == {keep}
    assert set(mlflow.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)["run_id"]) == {gone}

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert ids(ViewType.ACTIVE_ONLY) == {keep, gone}
    assert ids(ViewType.DELETED_ONLY) == set()


def test_fluent_delete_run(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.0)
    mlflow.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"


def test_delete_and_restore_experiment(client, experiment_name):
    exp_id = client.create_experiment(experiment_name)
    run_id = client.create_run(exp_id).info.run_id

    client.delete_experiment(exp_id)
    exp = client.get_experiment(exp_id)
    assert exp.lifecycle_stage == "deleted"
    assert client.get_experiment_by_name(experiment_name).lifecycle_stage == "deleted"

    def names(view):
        found = client.search_experiments(view_type=view, filter_string=f"name = '{experiment_name}'")
        return [e.experiment_id for e in found]

    assert names(ViewType.ACTIVE_ONLY) == []
    assert names(ViewType.DELETED_ONLY) == [exp_id]
    assert names(ViewType.ALL) == [exp_id]
    # The name stays taken while the experiment is deleted.
    with pytest.raises(mlflow.exceptions.MlflowException) as excinfo:
        client.create_experiment(experiment_name)
    assert excinfo.value.error_code == "RESOURCE_ALREADY_EXISTS"
    # set_experiment refuses a deleted experiment.
    with pytest.raises(mlflow.exceptions.MlflowException):
        mlflow.set_experiment(experiment_name)

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert names(ViewType.ACTIVE_ONLY) == [exp_id]
    assert names(ViewType.DELETED_ONLY) == []
    assert mlflow.set_experiment(experiment_name).experiment_id == exp_id
    assert client.get_run(run_id).info.experiment_id == exp_id


def test_rename_experiment_and_tags(client, experiment_name):
    exp_id = client.create_experiment(experiment_name, tags={"a": "1"})
    client.set_experiment_tag(exp_id, "b", "2")
    client.rename_experiment(exp_id, experiment_name + "-renamed")
    exp = client.get_experiment(exp_id)
    assert exp.name == experiment_name + "-renamed"
    assert exp.tags["a"] == "1" and exp.tags["b"] == "2"
    assert client.get_experiment_by_name(experiment_name) is None
    client.delete_experiment_tag(exp_id, "a")
    assert "a" not in client.get_experiment(exp_id).tags


def test_delete_tag(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.set_tags({"keep": "1", "drop": "2"})
        mlflow.delete_tag("drop")
    tags = client.get_run(run.info.run_id).data.tags
    assert tags["keep"] == "1" and "drop" not in tags

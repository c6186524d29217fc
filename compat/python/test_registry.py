"""Model registry: registering MLflow 3 logged models, registered model and version CRUD, aliases,
stages, searches, loading through models:/ URIs, error answers, and Cairn's ONNX inspection.

One scikit-learn model is logged per module and registered under fresh, unique names by each test.
"""

from __future__ import annotations

import os
import re
import time
import urllib.parse
import uuid

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from helpers import assert_fails_fast

# get_latest_versions and stage transitions are deprecated in MLflow (FutureWarning) but must work.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

# Explicit requirements skip MLflow's requirement inference (a subprocess per log_model): faster.
SKLEARN_REQS = ["scikit-learn", "cloudpickle"]
# Against a reference MLflow server (CAIRN_SKIP_EXTENSIONS=1): it does not keep model versions'
# model_id, and has no Cairn API (ONNX inspection).
REFERENCE = os.environ.get("CAIRN_SKIP_EXTENSIONS") == "1"


def _assert_model_id(mv, model_id):
    """The version's model_id on the wire (MLflow 3.17.2's ModelVersion.from_proto drops it, so the
    client's objects always say None: read the JSON of model-versions/get)."""
    assert mv.model_id in (None, model_id)
    if REFERENCE:
        return
    resp = requests.get(f"{mlflow.get_tracking_uri()}/api/2.0/mlflow/model-versions/get",
                        params={"name": mv.name, "version": mv.version}, timeout=10)
    assert resp.status_code == 200, resp.text
    got = resp.json()["model_version"].get("model_id")
    assert got == model_id, f"version {mv.version}: model_id {got!r} != {model_id!r}"


@pytest.fixture(scope="module")
def iris():
    data = load_iris()
    return data.data, data.target


@pytest.fixture(scope="module")
def logged(tracking_uri, iris, tmp_path_factory):
    """A scikit-learn model logged once in its own experiment: as an MLflow 3 logged model ("model"),
    and saved as plain run artifacts ("sk_model", an MLflow 2 style source: runs:/<run>/sk_model)."""
    X, y = iris
    model = LogisticRegression(max_iter=500, random_state=0).fit(X, y)
    local = tmp_path_factory.mktemp("sk") / "sk_model"
    mlflow.sklearn.save_model(model, str(local), pip_requirements=SKLEARN_REQS)
    mlflow.set_experiment(f"compat-registry-{uuid.uuid4().hex[:10]}")
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", pip_requirements=SKLEARN_REQS)
        mlflow.log_artifacts(str(local), "sk_model")
    run_id = run.info.run_id
    return {"run_id": run_id, "info": info, "model": model, "X": X,
            "artifact_location": mlflow.get_logged_model(info.model_id).artifact_location,
            # What MlflowClient().create_model_version(name, source, run_id) takes (a source the
            # run contains: MLflow's server checks that).
            "run_source": f"runs:/{run_id}/sk_model",
            "run_artifact_uri": run.info.artifact_uri}


@pytest.fixture
def model_name(request):
    """A fresh, unique registered model name for this test (no '/' or ':')."""
    base = re.sub(r"[^\w.-]+", "-", request.node.name)[:60]
    return f"reg-{base}-{uuid.uuid4().hex[:10]}"


def _versions(client, name):
    return sorted(client.search_model_versions(f"name='{name}'"), key=lambda v: int(v.version))


# ----------------------------------------------------------------------------- registration

def test_register_model_from_run_and_from_logged_model(client, logged, model_name):
    run_id, info = logged["run_id"], logged["info"]

    # runs:/<run>/model: MLflow 3 finds no MLmodel under the run's artifacts and resolves the logged model.
    mv1 = mlflow.register_model(f"runs:/{run_id}/model", model_name)
    assert mv1.name == model_name
    assert mv1.version == "1"
    assert mv1.source == f"models:/{info.model_id}"
    _assert_model_id(mv1, info.model_id)
    assert mv1.run_id == run_id
    assert mv1.status == "READY"
    assert mv1.current_stage == "None"

    # models:/m-...: the run is the logged model's source run.
    assert info.model_uri.startswith("models:/m-")
    mv2 = mlflow.register_model(info.model_uri, model_name)
    assert mv2.version == "2"
    assert mv2.source == info.model_uri
    _assert_model_id(mv2, info.model_id)
    assert mv2.run_id == run_id
    assert mv2.status == "READY"

    # The plain client call with a runs:/ source.
    mv3 = client.create_model_version(model_name, logged["run_source"], run_id)
    assert mv3.version == "3"
    assert mv3.source == logged["run_source"]
    assert mv3.run_id == run_id
    assert mv3.status == "READY"

    # runs:/<run>/sk_model has an MLmodel: register_model uses the run's artifact location.
    mv4 = mlflow.register_model(logged["run_source"], model_name)
    assert mv4.version == "4"
    assert mv4.source == f"{logged['run_artifact_uri']}/sk_model"
    assert mv4.run_id == run_id

    got = client.get_model_version(model_name, "1")
    assert (got.version, got.source, got.run_id) == ("1", mv1.source, run_id)
    _assert_model_id(got, info.model_id)

    rm = client.get_registered_model(model_name)
    assert rm.name == model_name
    assert [v.version for v in rm.latest_versions] == ["4"]  # latest per stage; all are in "None"

    assert [v.version for v in _versions(client, model_name)] == ["1", "2", "3", "4"]
    # By run: the shared run has versions of other tests' models too; ours are all there.
    by_run = client.search_model_versions(f"run_id='{run_id}'")
    assert all(v.run_id == run_id for v in by_run)
    assert sorted(v.version for v in by_run if v.name == model_name) == ["1", "2", "3", "4"]
    by_both = client.search_model_versions(f"name='{model_name}' AND run_id='{run_id}'")
    assert sorted(v.version for v in by_both) == ["1", "2", "3", "4"]
    # A run without versions finds none.
    other_run = client.create_run(client.get_run(run_id).info.experiment_id).info.run_id
    assert client.search_model_versions(f"run_id='{other_run}'") == []

    # Download URIs: the logged model's files, the run's files.
    for v in ("1", "2"):
        assert client.get_model_version_download_uri(model_name, v) == logged["artifact_location"]
    run_files = f"{logged['run_artifact_uri']}/sk_model"
    assert client.get_model_version_download_uri(model_name, "3") in (logged["run_source"], run_files)
    assert client.get_model_version_download_uri(model_name, "4") == run_files


def test_registered_model_crud(client, logged, model_name):
    prefix = model_name
    client.create_registered_model(model_name, tags={"team": "red", "tier": "gold"}, description="first")
    client.create_registered_model(f"{prefix}-b")
    other = f"other-{uuid.uuid4().hex[:10]}"
    client.create_registered_model(other)

    rm = client.get_registered_model(model_name)
    assert rm.description == "first"
    assert rm.tags == {"team": "red", "tier": "gold"}
    assert rm.latest_versions == []
    assert rm.aliases == {}
    assert rm.creation_timestamp > 0

    found = client.search_registered_models(filter_string=f"name LIKE '{prefix}%'")
    assert sorted(m.name for m in found) == sorted([model_name, f"{prefix}-b"])
    assert [m.name for m in client.search_registered_models(filter_string=f"name = '{other}'")] == [other]
    everything = {m.name for m in client.search_registered_models(max_results=1000)}
    assert {model_name, f"{prefix}-b", other} <= everything

    client.update_registered_model(model_name, description="second")
    assert client.get_registered_model(model_name).description == "second"

    client.set_registered_model_tag(model_name, "team", "blue")
    client.set_registered_model_tag(model_name, "new", "1")
    client.delete_registered_model_tag(model_name, "tier")
    assert client.get_registered_model(model_name).tags == {"team": "blue", "new": "1"}
    found = client.search_registered_models(filter_string=f"name LIKE '{prefix}%' AND tags.team = 'blue'")
    assert [m.name for m in found] == [model_name]

    # Versions, their tags and descriptions.
    source = logged["run_source"]
    for _ in range(3):
        client.create_model_version(model_name, source, logged["run_id"])
    client.set_model_version_tag(model_name, "2", "validated", "yes")
    client.update_model_version(model_name, "2", description="the good one")
    v2 = client.get_model_version(model_name, "2")
    assert v2.tags == {"validated": "yes"}
    assert v2.description == "the good one"
    assert client.get_model_version(model_name, "1").tags == {}

    client.delete_model_version(model_name, "3")
    assert [v.version for v in _versions(client, model_name)] == ["1", "2"]
    assert_fails_fast(lambda: client.get_model_version(model_name, "3"), "RESOURCE_DOES_NOT_EXIST")
    # Numbers are not reused after a delete.
    assert client.create_model_version(model_name, source, logged["run_id"]).version == "4"

    # Rename keeps versions, their tags and descriptions.
    new_name = f"{model_name}-renamed"
    client.set_registered_model_alias(model_name, "champion", "2")
    client.rename_registered_model(model_name, new_name)  # MlflowClient returns None here
    assert client.get_registered_model(new_name).name == new_name
    assert_fails_fast(lambda: client.get_registered_model(model_name), "RESOURCE_DOES_NOT_EXIST")
    assert [v.version for v in _versions(client, new_name)] == ["1", "2", "4"]
    assert _versions(client, model_name) == []
    v2 = client.get_model_version(new_name, "2")
    assert (v2.name, v2.description, v2.tags) == (new_name, "the good one", {"validated": "yes"})
    assert client.get_model_version_by_alias(new_name, "champion").version == "2"
    assert client.get_registered_model(new_name).tags == {"team": "blue", "new": "1"}

    client.delete_registered_model(new_name)
    assert_fails_fast(lambda: client.get_registered_model(new_name), "RESOURCE_DOES_NOT_EXIST")
    assert _versions(client, new_name) == []
    assert [m.name for m in client.search_registered_models(filter_string=f"name LIKE '{prefix}%'")] == [
        f"{prefix}-b"]


@pytest.mark.parametrize("what", ["registered_model_tag", "model_version_tag", "alias"])
def test_deleting_missing_tag_or_alias_is_a_no_op(client, logged, model_name, what):
    # MLflow's server ignores deletes of tags and aliases that are not there (only the model/version
    # must exist).
    client.create_registered_model(model_name)
    client.create_model_version(model_name, logged["run_source"], logged["run_id"])
    if what == "registered_model_tag":
        client.delete_registered_model_tag(model_name, "never-set")
    elif what == "model_version_tag":
        client.delete_model_version_tag(model_name, "1", "never-set")
    else:
        client.delete_registered_model_alias(model_name, "never-set")


# ----------------------------------------------------------------------------- aliases

def test_aliases(client, logged, model_name):
    for _ in range(2):
        mlflow.register_model(logged["info"].model_uri, model_name)

    client.set_registered_model_alias(model_name, "champion", "1")
    client.set_registered_model_alias(model_name, "challenger", "2")
    assert client.get_model_version_by_alias(model_name, "champion").version == "1"
    by_alias = client.get_model_version_by_alias(model_name, "challenger")
    assert (by_alias.name, by_alias.version) == (model_name, "2")
    _assert_model_id(by_alias, logged["info"].model_id)
    assert by_alias.aliases == ["challenger"]
    assert client.get_registered_model(model_name).aliases == {"champion": "1", "challenger": "2"}
    assert client.get_model_version(model_name, "1").aliases == ["champion"]

    # Moving an alias.
    client.set_registered_model_alias(model_name, "champion", "2")
    assert client.get_model_version_by_alias(model_name, "champion").version == "2"
    assert client.get_model_version(model_name, "1").aliases == []
    assert sorted(client.get_model_version(model_name, "2").aliases) == ["challenger", "champion"]

    client.delete_registered_model_alias(model_name, "challenger")
    assert client.get_registered_model(model_name).aliases == {"champion": "2"}
    assert client.get_model_version(model_name, "2").aliases == ["champion"]
    # MLflow's own server answers INVALID_PARAMETER_VALUE for an unknown alias; either code is a fast 4xx.
    err = assert_fails_fast_any(lambda: client.get_model_version_by_alias(model_name, "challenger"),
                                {"RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"})
    assert "challenger" in str(err)

    # Deleting a version drops its aliases.
    client.delete_model_version(model_name, "2")
    assert client.get_registered_model(model_name).aliases == {}


def assert_fails_fast_any(fn, codes, limit_s=5.0):
    t0 = time.monotonic()
    with pytest.raises(MlflowException) as excinfo:
        fn()
    assert excinfo.value.error_code in codes, f"got {excinfo.value.error_code}: {excinfo.value}"
    assert time.monotonic() - t0 < limit_s, "the client retried (server answered 5xx?)"
    return excinfo.value


# ----------------------------------------------------------------------------- stages

def test_stages_and_latest_versions(client, logged, model_name):
    client.create_registered_model(model_name)
    for _ in range(4):
        client.create_model_version(model_name, logged["run_source"], logged["run_id"])

    assert client.transition_model_version_stage(model_name, "1", "Staging").current_stage == "Staging"
    assert client.transition_model_version_stage(model_name, "2", "production").current_stage == "Production"
    mv = client.transition_model_version_stage(model_name, "3", "Production", archive_existing_versions=True)
    assert mv.current_stage == "Production"
    stages = {v.version: v.current_stage for v in _versions(client, model_name)}
    assert stages == {"1": "Staging", "2": "Archived", "3": "Production", "4": "None"}

    def latest(stages=None):
        return sorted((v.version, v.current_stage) for v in client.get_latest_versions(model_name, stages))

    assert latest(["Production"]) == [("3", "Production")]
    assert latest(["Staging"]) == [("1", "Staging")]
    assert latest(["Archived", "None"]) == [("2", "Archived"), ("4", "None")]
    assert latest() == [("1", "Staging"), ("2", "Archived"), ("3", "Production"), ("4", "None")]
    rm = client.get_registered_model(model_name)
    assert sorted((v.version, v.current_stage) for v in rm.latest_versions) == latest()

    # Without archive_existing_versions, two versions can share a stage; latest is the highest.
    client.transition_model_version_stage(model_name, "4", "Production")
    assert latest(["Production"]) == [("4", "Production")]
    assert client.get_model_version(model_name, "3").current_stage == "Production"
    # Back to None.
    client.transition_model_version_stage(model_name, "1", "None")
    assert latest(["Staging"]) == []


# ----------------------------------------------------------------------------- loading

def test_load_registered_model(client, logged, model_name):
    X, model = logged["X"], logged["model"]
    mlflow.register_model(f"runs:/{logged['run_id']}/model", model_name)
    mlflow.register_model(logged["info"].model_uri, model_name)
    client.set_registered_model_alias(model_name, "champion", "1")

    expected = model.predict(X)
    for uri in (f"models:/{model_name}@champion", f"models:/{model_name}/1", f"models:/{model_name}/latest"):
        loaded = mlflow.pyfunc.load_model(uri)
        np.testing.assert_array_equal(loaded.predict(X), expected, err_msg=uri)
    native = mlflow.sklearn.load_model(f"models:/{model_name}/1")
    assert isinstance(native, LogisticRegression)
    np.testing.assert_array_equal(native.predict(X), expected)
    np.testing.assert_array_equal(native.predict_proba(X), model.predict_proba(X))

    client.transition_model_version_stage(model_name, "2", "Production")
    by_stage = mlflow.sklearn.load_model(f"models:/{model_name}/Production")
    np.testing.assert_array_equal(by_stage.predict_proba(X), model.predict_proba(X))


def test_latest_alias_resolves_to_the_newest_version(client, logged, model_name):
    # MLflow's server answers alias 'latest' with the highest version (models:/name@latest).
    for _ in range(2):
        mlflow.register_model(logged["info"].model_uri, model_name)
    assert client.get_model_version_by_alias(model_name, "latest").version == "2"
    loaded = mlflow.pyfunc.load_model(f"models:/{model_name}@latest")
    np.testing.assert_array_equal(loaded.predict(logged["X"]), logged["model"].predict(logged["X"]))


# ----------------------------------------------------------------------------- errors

def test_registry_errors(client, logged, model_name):
    missing = f"no-such-model-{uuid.uuid4().hex}"
    err = assert_fails_fast(lambda: client.get_registered_model(missing), "RESOURCE_DOES_NOT_EXIST")
    assert missing in str(err)
    assert_fails_fast(lambda: client.get_latest_versions(missing), "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.delete_registered_model(missing), "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.create_model_version(missing, logged["run_source"], logged["run_id"]),
                      "RESOURCE_DOES_NOT_EXIST")

    client.create_registered_model(model_name)
    assert_fails_fast(lambda: client.create_registered_model(model_name), "RESOURCE_ALREADY_EXISTS")
    client.create_registered_model(f"{model_name}-2")
    assert_fails_fast(lambda: client.rename_registered_model(f"{model_name}-2", model_name),
                      "RESOURCE_ALREADY_EXISTS")

    client.create_model_version(model_name, logged["run_source"], logged["run_id"])
    assert_fails_fast(lambda: client.transition_model_version_stage(model_name, "1", "Bogus"),
                      "INVALID_PARAMETER_VALUE")
    assert client.get_model_version(model_name, "1").current_stage == "None"
    assert_fails_fast(lambda: client.get_latest_versions(model_name, ["Bogus"]), "INVALID_PARAMETER_VALUE")

    assert_fails_fast(lambda: client.set_registered_model_alias(model_name, "latest", "1"),
                      "INVALID_PARAMETER_VALUE")
    assert_fails_fast(lambda: client.set_registered_model_alias(model_name, "v1", "1"),
                      "INVALID_PARAMETER_VALUE")
    assert client.get_registered_model(model_name).aliases == {}

    assert_fails_fast(lambda: client.get_model_version(model_name, "99"), "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.delete_model_version(model_name, "99"), "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.set_registered_model_alias(model_name, "champion", "99"),
                      "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.update_model_version(model_name, "99", description="x"),
                      "RESOURCE_DOES_NOT_EXIST")
    assert_fails_fast(lambda: client.get_model_version_download_uri(model_name, "99"),
                      "RESOURCE_DOES_NOT_EXIST")
    assert [v.version for v in _versions(client, model_name)] == ["1"]


# ----------------------------------------------------------------------------- ONNX (Cairn's API)

def _onnx_modules():
    if REFERENCE:
        pytest.skip("Cairn's ONNX inspection (CAIRN_SKIP_EXTENSIONS=1)")
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401  (mlflow.onnx.log_model imports it)
        import skl2onnx  # noqa: F401
    except ImportError as e:
        pytest.skip(f"skl2onnx/onnx/onnxruntime not installed ({e}); see requirements.txt")


def _cairn_version(tracking_uri, name, version):
    url = (f"{tracking_uri}/api/cairn/v1/registered-models/{urllib.parse.quote(name, safe='')}"
           f"/versions/{urllib.parse.quote(version, safe='@')}")
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200, f"GET {url} -> {resp.status_code}: {resp.text[:500]}"
    return resp.json()


def test_onnx_model_is_inspected_on_registration(client, tracking_uri, experiment_id, iris, model_name):
    _onnx_modules()
    import mlflow.onnx
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    X, y = iris
    model = LogisticRegression(max_iter=500, random_state=0).fit(X, y)
    onnx_model = convert_sklearn(model, initial_types=[("X", FloatTensorType([None, 4]))])
    with mlflow.start_run() as run:
        info = mlflow.onnx.log_model(onnx_model, name="onnx_model", pip_requirements=["onnx", "onnxruntime"])
    run_id = run.info.run_id

    mv = mlflow.register_model(info.model_uri, model_name)
    assert (mv.version, mv.status, mv.run_id) == ("1", "READY", run_id)
    _assert_model_id(mv, info.model_id)

    body = _cairn_version(tracking_uri, model_name, "1")
    assert body["model_version"]["name"] == model_name
    assert body["model_version"]["version"] == "1"
    assert len(body["onnx"]) == 1, body["onnx"]
    onnx = body["onnx"][0]
    assert onnx["path"].endswith("model.onnx")
    [inp] = onnx["inputs"]
    assert inp["name"] == "X"
    assert inp["type"] == "float"
    assert len(inp["shape"]) == 2 and str(inp["shape"][1]) == "4", inp
    assert [o["name"] for o in onnx["outputs"]] == [o.name for o in onnx_model.graph.output]
    assert onnx["opset_imports"], onnx
    assert onnx["producer_name"] == "skl2onnx"
    assert re.fullmatch(r"[0-9a-f]{64}", onnx["sha256"]), onnx["sha256"]
    assert onnx["file_size"] > 0
    assert body["lineage"]["run"]["info"]["run_id"] == run_id
    assert body["lineage"]["logged_model"]["info"]["model_id"] == info.model_id

    # By alias too.
    client.set_registered_model_alias(model_name, "prod", "1")
    assert _cairn_version(tracking_uri, model_name, "@prod")["onnx"][0]["sha256"] == onnx["sha256"]


def test_broken_onnx_file_is_rejected(client, experiment_id, model_name):
    _onnx_modules()
    with mlflow.start_run() as run:
        mlflow.log_text("not onnx", "broken/model.onnx")
    run_id = run.info.run_id
    client.create_registered_model(model_name)

    err = assert_fails_fast(lambda: client.create_model_version(model_name, f"runs:/{run_id}/broken", run_id),
                            "INVALID_PARAMETER_VALUE")
    assert "model.onnx" in str(err)
    assert _versions(client, model_name) == []
    assert client.get_registered_model(model_name).latest_versions == []


# ----------------------------------------------------------------------------- MLflow's own server

def _raw(tracking_uri, path, **params):
    resp = requests.get(f"{tracking_uri}/api/2.0/mlflow/{path}", params=params, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_version_of_a_run_this_server_does_not_hold(client, tracking_uri, model_name):
    """MLflow keeps run ids and runs:/ sources without looking the run up (a model registered
    from another server, or whose run was purged); Cairn shows that lineage as unresolved."""
    foreign = uuid.uuid4().hex
    client.create_registered_model(model_name)
    mv = client.create_model_version(model_name, f"runs:/{foreign}/model", run_id=foreign)
    assert (mv.version, mv.run_id, mv.source) == ("1", foreign, f"runs:/{foreign}/model")
    # MLflow's answer is the source itself: the client resolves runs:/ against its tracking server.
    assert client.get_model_version_download_uri(model_name, "1") == f"runs:/{foreign}/model"
    mv2 = client.create_model_version(model_name, "s3://bucket/models/m", run_id=foreign)
    assert (mv2.version, mv2.run_id) == ("2", foreign)
    assert client.get_model_version_download_uri(model_name, "2") == "s3://bucket/models/m"
    assert [v.version for v in client.search_model_versions(f"run_id = '{foreign}'")] == ["2", "1"]
    # A local or artifact-store source must lie in the run's artifacts: unknowable for this run.
    for source in ("/tmp/model", "file:///tmp/model", f"mlflow-artifacts:/0/{foreign}/artifacts/m"):
        assert_fails_fast(
            lambda: client.create_model_version(model_name, source, run_id=foreign),
            "INVALID_PARAMETER_VALUE")
    if REFERENCE:
        return
    details = _cairn_version(tracking_uri, model_name, "1")
    assert details["model_version"]["run_id"] == foreign
    assert details["storage_location"] == f"runs:/{foreign}/model"
    run = details["lineage"]["run"]
    assert (run["run_id"], run["resolved"]) == (foreign, False)
    assert "not on this server" in run["message"]
    assert "datasets" not in details["lineage"]


def test_known_run_lineage_is_resolved(client, tracking_uri, logged, model_name):
    if REFERENCE:
        pytest.skip("Cairn's version details")
    client.create_registered_model(model_name)
    client.create_model_version(model_name, logged["run_source"], logged["run_id"])
    details = _cairn_version(tracking_uri, model_name, "1")
    run = details["lineage"]["run"]
    assert run["resolved"] is True
    assert run["info"]["run_id"] == logged["run_id"]
    assert details["lineage"]["datasets"] == []


def test_version_search_default_order_is_mlflows(client, logged, model_name):
    """Last updated first, then name ascending, then version descending."""
    other = model_name + "-b"
    for name in (other, model_name):  # created first, sorted last
        client.create_registered_model(name)
        for _ in range(3):
            client.create_model_version(name, logged["run_source"], logged["run_id"])
    time.sleep(0.01)
    client.update_model_version(model_name, "2", description="touched")
    got = client.search_model_versions(f"name LIKE '{model_name}%'")
    ordered = [(v.name, v.version) for v in got]
    assert ordered[0] == (model_name, "2")
    rest = sorted(got[1:], key=lambda v: (-v.last_updated_timestamp, v.name, -int(v.version)))
    assert ordered[1:] == [(v.name, v.version) for v in rest]
    # An order_by without name or version gets the other tie-break.
    by_name = client.search_model_versions(f"name LIKE '{model_name}%'", order_by=["name ASC"])
    assert [(v.name, v.version) for v in by_name] == [
        (model_name, "3"), (model_name, "2"), (model_name, "1"),
        (other, "3"), (other, "2"), (other, "1")]
    by_number = client.search_model_versions(f"name LIKE '{model_name}%'",
                                             order_by=["version_number ASC"])
    assert [(v.name, v.version) for v in by_number] == [
        (model_name, "1"), (other, "1"), (model_name, "2"), (other, "2"),
        (model_name, "3"), (other, "3")]


def test_unset_description_is_empty_as_in_mlflow(client, tracking_uri, logged, model_name):
    rm = client.create_registered_model(model_name)
    assert rm.description == ""
    mv = client.create_model_version(model_name, logged["run_source"], logged["run_id"])
    assert mv.description == ""
    assert client.get_model_version(model_name, "1").description == ""
    raw = _raw(tracking_uri, "model-versions/get", name=model_name, version="1")["model_version"]
    assert (raw["description"], raw["run_link"]) == ("", "")
    # A registered model's empty description is left out of the JSON, as MLflow's to_proto does.
    raw_model = _raw(tracking_uri, "registered-models/get", name=model_name)["registered_model"]
    assert "description" not in raw_model
    client.update_registered_model(model_name, description="")
    assert "description" not in _raw(tracking_uri, "registered-models/get",
                                     name=model_name)["registered_model"]


def test_deleting_a_version_updates_the_registered_model(client, logged, model_name):
    client.create_registered_model(model_name)
    client.create_model_version(model_name, logged["run_source"], logged["run_id"])
    before = client.get_registered_model(model_name).last_updated_timestamp
    time.sleep(0.01)
    client.delete_model_version(model_name, "1")
    assert client.get_registered_model(model_name).last_updated_timestamp > before


def test_registering_a_logged_model_tags_it_with_its_versions(client, logged, model_name):
    run_id = logged["run_id"]
    exp = client.get_run(run_id).info.experiment_id
    lm = client.create_logged_model(exp, name="tagged", source_run_id=run_id)
    client.finalize_logged_model(lm.model_id, "READY")
    client.create_registered_model(model_name)
    client.create_model_version(model_name, f"models:/{lm.model_id}", run_id=run_id,
                                model_id=lm.model_id)
    tag = client.get_logged_model(lm.model_id).tags["mlflow.modelVersions"]
    assert tag == f'[{{"name": "{model_name}", "version": 1}}]'
    client.create_model_version(model_name, f"models:/{lm.model_id}", run_id=run_id,
                                model_id=lm.model_id)
    other = model_name + "-2"
    client.create_registered_model(other)
    client.create_model_version(other, f"models:/{lm.model_id}", run_id=run_id,
                                model_id=lm.model_id)
    tag = client.get_logged_model(lm.model_id).tags["mlflow.modelVersions"]
    assert tag == (f'[{{"name": "{model_name}", "version": 1}}, '
                   f'{{"name": "{model_name}", "version": 2}}, {{"name": "{other}", "version": 1}}]')

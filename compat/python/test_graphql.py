"""MLflow's /graphql endpoint (the UI's run page and charts call it), by raw HTTP.

Data is made with the real MLflow client and every GraphQL answer is checked field by field against
what the MLflow client (or MLflow's REST endpoint) answers for the same objects. GraphQL names are
camelCase, int64 values are strings (MLflow's LongString), and unset fields answer as MLflow's
unset proto fields do ("" and "0"). Errors are HTTP 200 with ``{"data", "errors": [messages]}``.
"""

from __future__ import annotations

import math
import uuid

import mlflow
import pytest
import requests
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

RUN_FIELDS = """
  info { runId runUuid runName experimentId userId status startTime endTime artifactUri lifecycleStage }
  data {
    metrics { key value timestamp step runId datasetName datasetDigest modelId }
    params { key value }
    tags { key value }
  }
  inputs {
    datasetInputs { tags { key value } dataset { name digest sourceType source schema profile } }
    modelInputs { modelId }
  }
  outputs { modelOutputs { modelId step } }
"""

EXPERIMENT_FIELDS = (
    "experimentId name artifactLocation lifecycleStage lastUpdateTime creationTime tags { key value }"
)


def gql(tracking_uri, query, variables=None, operation_name=None, expect_errors=False):
    """Posts a query; returns the answer's data (asserting HTTP 200 and no errors unless expected)."""
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation_name is not None:
        body["operationName"] = operation_name
    resp = requests.post(tracking_uri + "/graphql", json=body, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    answer = resp.json()
    assert set(answer) == {"data", "errors"}
    if expect_errors:
        assert isinstance(answer["errors"], list) and answer["errors"], answer
        assert all(isinstance(e, str) for e in answer["errors"])
        return answer
    assert answer["errors"] is None, answer["errors"]
    return answer["data"]


def _assert_run_info(g, info):
    assert g["runId"] == info.run_id
    assert g["runUuid"] == info.run_id
    assert g["runName"] == info.run_name
    assert g["experimentId"] == info.experiment_id
    assert g["userId"] == info.user_id
    assert g["status"] == info.status
    assert g["startTime"] == str(info.start_time)
    assert g["endTime"] == str(info.end_time or 0)
    assert g["artifactUri"] == info.artifact_uri
    assert g["lifecycleStage"] == info.lifecycle_stage


def _assert_experiment(g, e):
    assert g["experimentId"] == e.experiment_id
    assert g["name"] == e.name
    assert g["artifactLocation"] == e.artifact_location
    assert g["lifecycleStage"] == e.lifecycle_stage
    assert g["creationTime"] == str(e.creation_time)
    assert g["lastUpdateTime"] == str(e.last_update_time)
    assert {t["key"]: t["value"] for t in g["tags"]} == e.tags


def _make_run(client, experiment_id):
    run = client.create_run(experiment_id, run_name="gql-run", tags={"team": "a"})
    rid = run.info.run_id
    client.log_batch(
        rid,
        metrics=[Metric("loss", 0.5, 1700000000000, 0), Metric("loss", 0.25, 1700000000001, 3),
                 Metric("acc", 0.9, 1700000000002, 1)],
        params=[Param("lr", "0.01"), Param("layers", "3")],
        tags=[RunTag("note", "first")],
    )
    client.log_inputs(rid, datasets=[DatasetInput(
        Dataset("iris", "d1g3st", "local", '{"uri": "/data/iris.csv"}',
                schema='{"mlflow_colspec": []}', profile='{"num_rows": 150}'),
        tags=[InputTag("mlflow.data.context", "training")])])
    client.set_terminated(rid, "FINISHED")
    return rid


def test_get_run_matches_rest(client, tracking_uri, experiment_id):
    rid = _make_run(client, experiment_id)
    query = "query Run($id: String) { mlflowGetRun(input: {runId: $id}) { run { %s"\
            " experiment { %s } modelVersions { name } } apiError { code message } } }" % (
                RUN_FIELDS, EXPERIMENT_FIELDS)
    data = gql(tracking_uri, query, {"id": rid}, "Run")["mlflowGetRun"]
    assert data["apiError"] is None
    g, run = data["run"], client.get_run(rid)

    _assert_run_info(g["info"], run.info)
    assert g["info"]["status"] == "FINISHED" and g["info"]["endTime"] != "0"
    assert {p["key"]: p["value"] for p in g["data"]["params"]} == run.data.params
    assert {t["key"]: t["value"] for t in g["data"]["tags"]} == run.data.tags
    metrics = {m["key"]: m for m in g["data"]["metrics"]}
    assert {k: m["value"] for k, m in metrics.items()} == run.data.metrics
    for key in ("loss", "acc"):
        latest = max(client.get_metric_history(rid, key), key=lambda m: (m.step, m.timestamp))
        assert metrics[key]["step"] == str(latest.step)
        assert metrics[key]["timestamp"] == str(latest.timestamp)

    (gin,) = g["inputs"]["datasetInputs"]
    (rin,) = run.inputs.dataset_inputs
    for field, attr in [("name", "name"), ("digest", "digest"), ("sourceType", "source_type"),
                        ("source", "source"), ("schema", "schema"), ("profile", "profile")]:
        assert gin["dataset"][field] == getattr(rin.dataset, attr)
    assert gin["tags"] == [{"key": t.key, "value": t.value} for t in rin.tags]
    assert g["inputs"]["modelInputs"] == []
    assert g["outputs"]["modelOutputs"] == []

    _assert_experiment(g["experiment"], client.get_experiment(run.info.experiment_id))
    assert g["modelVersions"] == []


def test_active_run_answers_unset_fields_as_mlflow(client, tracking_uri, experiment_id):
    """MLflow's GraphQL answers an unset proto field with its default: endTime "0", not null."""
    run = client.create_run(experiment_id)
    data = gql(tracking_uri, 'query { mlflowGetRun(input: {runId: "%s"}) { run {'
               ' info { status endTime } data { metrics { key } } } } }' % run.info.run_id)
    info = data["mlflowGetRun"]["run"]["info"]
    assert info == {"status": "RUNNING", "endTime": "0"}
    assert data["mlflowGetRun"]["run"]["data"]["metrics"] == []


def test_get_experiment_matches_rest(client, tracking_uri):
    eid = client.create_experiment(f"gql-exp-{uuid.uuid4().hex[:8]}", tags={"owner": "me"})
    data = gql(tracking_uri, "query { mlflowGetExperiment(input: {experimentId: \"%s\"}) {"
               " experiment { %s } apiError { code } } }" % (eid, EXPERIMENT_FIELDS))
    _assert_experiment(data["mlflowGetExperiment"]["experiment"], client.get_experiment(eid))
    assert data["mlflowGetExperiment"]["apiError"] is None


@pytest.mark.parametrize("operation", ["query", "mutation"])
def test_search_runs_matches_rest_and_pages(client, tracking_uri, experiment_id, operation):
    ids = [client.create_run(experiment_id, run_name=f"r{i}").info.run_id for i in range(5)]
    for i, rid in enumerate(ids):
        client.log_metric(rid, "score", float(i))
    query = operation + " Search($input: MlflowSearchRunsInput) { mlflowSearchRuns(input: $input) {" \
        " runs { %s } nextPageToken } }" % RUN_FIELDS
    # No runViewType: MLflow 3.17.2's resolver fails on any (it hands the enum class to protobuf).
    search = {"experimentIds": [experiment_id], "filter": "metrics.score >= 1",
              "orderBy": ["metrics.score DESC"], "maxResults": 2}
    pages, token = [], None
    while True:
        page = gql(tracking_uri, query, {"input": {**search, "pageToken": token}})["mlflowSearchRuns"]
        pages.append(page["runs"])
        token = page["nextPageToken"]
        if not token:
            break
    assert token == ""  # an unset proto string, as MLflow answers it
    got = [r for p in pages for r in p]
    expected = client.search_runs([experiment_id], "metrics.score >= 1", order_by=["metrics.score DESC"])
    assert [r["info"]["runId"] for r in got] == [r.info.run_id for r in expected]
    assert [len(p) for p in pages][:2] == [2, 2]
    for g, run in zip(got, expected):
        _assert_run_info(g["info"], run.info)
        assert {m["key"]: m["value"] for m in g["data"]["metrics"]} == run.data.metrics


def test_list_artifacts_matches_rest(client, tracking_uri, experiment_id, tmp_path):
    run = client.create_run(experiment_id)
    rid = run.info.run_id
    (tmp_path / "top.txt").write_text("hello")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.bin").write_bytes(b"\x00" * 1234)
    client.log_artifact(rid, str(tmp_path / "top.txt"))
    client.log_artifacts(rid, str(tmp_path / "sub"), "sub")
    query = "query L($id: String, $path: String) { mlflowListArtifacts(input: {runId: $id, path: $path})" \
            " { rootUri files { path isDir fileSize } nextPageToken } }"
    for path in (None, "sub"):
        g = gql(tracking_uri, query, {"id": rid, "path": path})["mlflowListArtifacts"]
        assert g["rootUri"] == run.info.artifact_uri
        expected = client.list_artifacts(rid, path)
        assert sorted(g["files"], key=lambda f: f["path"]) == sorted(
            [{"path": f.path, "isDir": f.is_dir, "fileSize": str(f.file_size or 0)} for f in expected],
            key=lambda f: f["path"])
    assert {f["path"] for f in gql(tracking_uri, query, {"id": rid})["mlflowListArtifacts"]["files"]} \
        == {"top.txt", "sub"}


BULK = ("query B($input: MlflowGetMetricHistoryBulkIntervalInput) {"
        " mlflowGetMetricHistoryBulkInterval(input: $input) { metrics { key value timestamp step runId } } }")


def _bulk_runs(client, experiment_id):
    rids = [client.create_run(experiment_id).info.run_id for _ in range(2)]
    for n, rid in enumerate(rids):
        client.log_batch(rid, metrics=[Metric("curve", i * 0.5 + n, 1700000000000 + i, i)
                                       for i in range(300)])
    return rids


def _bulk_rest(tracking_uri, **params):
    rest = requests.get(tracking_uri + "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
                        params=params, timeout=30)
    assert rest.status_code == 200, rest.text
    return [{"key": m["key"], "value": m["value"], "timestamp": str(m["timestamp"]),
             "step": str(m["step"]), "runId": m["run_id"]} for m in rest.json()["metrics"]]


def test_metric_history_bulk_interval_matches_rest(client, tracking_uri, experiment_id):
    rids = _bulk_runs(client, experiment_id)
    g = gql(tracking_uri, BULK, {"input": {"runIds": rids, "metricKey": "curve"}})
    metrics = g["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert metrics == _bulk_rest(tracking_uri, run_ids=rids, metric_key="curve")
    assert {m["runId"] for m in metrics} == set(rids)


def test_metric_history_bulk_interval_takes_its_range(client, tracking_uri, experiment_id,
                                                      extensions_enabled):
    """MLflow 3.17.2's resolver reads start_step, end_step and max_results from the URL's query
    string, never from the GraphQL input, so it answers every point; Cairn takes the input's."""
    rids = _bulk_runs(client, experiment_id)
    inp = {"runIds": rids, "metricKey": "curve", "startStep": 10, "endStep": 250, "maxResults": 40}
    g = gql(tracking_uri, BULK, {"input": inp})["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert g == _bulk_rest(tracking_uri, run_ids=rids, metric_key="curve", start_step=10,
                           end_step=250, max_results=40)
    assert {m["runId"] for m in g} == set(rids)
    assert all(10 <= int(m["step"]) <= 250 for m in g)
    assert len(g) < 2 * 241


def test_nan_metric_values(client, tracking_uri, experiment_id):
    """As MLflow: NaN in a run's metrics is null; in the bulk-interval answer null with an error."""
    rid = client.create_run(experiment_id).info.run_id
    client.log_metric(rid, "n", float("nan"), step=0)
    data = gql(tracking_uri, 'query { mlflowGetRun(input: {runId: "%s"}) { run { data { metrics'
               ' { key value } } } } }' % rid)
    assert data["mlflowGetRun"]["run"]["data"]["metrics"] == [{"key": "n", "value": None}]
    assert math.isnan(client.get_run(rid).data.metrics["n"])
    answer = gql(tracking_uri, 'query { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["%s"],'
                 ' metricKey: "n"}) { metrics { step value } } }' % rid, expect_errors=True)
    assert answer["data"]["mlflowGetMetricHistoryBulkInterval"]["metrics"] == [{"step": "0", "value": None}]
    assert answer["errors"] == ["Float cannot represent non numeric value: nan"]


def test_model_versions_of_a_run(client, tracking_uri, experiment_id, tmp_path):
    rid = client.create_run(experiment_id).info.run_id
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.txt").write_text("w")
    client.log_artifacts(rid, str(tmp_path / "model"), "model")
    name = f"gql-model-{uuid.uuid4().hex[:8]}"
    client.create_registered_model(name)
    mv = client.create_model_version(name, f"runs:/{rid}/model", rid)
    fields = "name version creationTimestamp lastUpdatedTimestamp currentStage source runId status tags { key }"
    data = gql(tracking_uri, 'query { mlflowGetRun(input: {runId: "%s"}) { run { modelVersions { %s } } }'
               ' mlflowSearchModelVersions(input: {filter: "name=\'%s\'"}) { modelVersions { %s } nextPageToken } }'
               % (rid, fields, name, fields))
    for g in (data["mlflowGetRun"]["run"]["modelVersions"],
              data["mlflowSearchModelVersions"]["modelVersions"]):
        assert g == [{"name": name, "version": mv.version, "creationTimestamp": str(mv.creation_timestamp),
                      "lastUpdatedTimestamp": str(mv.last_updated_timestamp),
                      "currentStage": mv.current_stage, "source": mv.source, "runId": rid,
                      "status": mv.status, "tags": []}]


def test_search_datasets_matches_rest(client, tracking_uri, experiment_id):
    """mlflowSearchDatasets (a mutation in MLflow's schema) answers as the UI's REST call."""
    rest_url = tracking_uri + "/ajax-api/2.0/mlflow/experiments/search-datasets"
    _make_run(client, experiment_id)
    query = "mutation D($ids: [String]) { mlflowSearchDatasets(input: {experimentIds: $ids}) {" \
            " datasetSummaries { experimentId name digest context } apiError { code } } }"
    g = gql(tracking_uri, query, {"ids": [experiment_id]})["mlflowSearchDatasets"]
    rest = requests.post(rest_url, json={"experiment_ids": [experiment_id]}, timeout=30).json()
    assert g["datasetSummaries"] == [
        {"experimentId": d["experiment_id"], "name": d["name"], "digest": d["digest"],
         "context": d.get("context", "")} for d in rest["dataset_summaries"]]
    assert g["datasetSummaries"] == [
        {"experimentId": experiment_id, "name": "iris", "digest": "d1g3st", "context": "training"}]
    assert g["apiError"] is None

    empty = client.create_experiment(f"gql-empty-{uuid.uuid4().hex[:8]}")
    g = gql(tracking_uri, query, {"ids": [empty]})["mlflowSearchDatasets"]
    assert g["datasetSummaries"] == []


def test_test_query_echoes(tracking_uri):
    assert gql(tracking_uri, 'query { test(inputString: "ping") { output } }') == {"test": {"output": "ping"}}


def test_test_mutation_echoes(tracking_uri, extensions_enabled):
    """MLflow 3.17.2 answers testMutation with null (its resolver is named for test_mutation)."""
    assert gql(tracking_uri, 'mutation { testMutation(inputString: "pong") { output } }') == {
        "testMutation": {"output": "pong"}}


def test_get_with_json_body(tracking_uri):
    resp = requests.get(tracking_uri + "/graphql", json={"query": 'query { test(inputString: "g") { output } }'},
                        timeout=30)
    assert resp.status_code == 200
    assert resp.json() == {"data": {"test": {"output": "g"}}, "errors": None}


# ----------------------------------------------------------------------------- errors and bounds

def test_missing_run_is_a_field_error(client, tracking_uri):
    missing = uuid.uuid4().hex
    answer = gql(tracking_uri, 'query { mlflowGetRun(input: {runId: "%s"}) { run { info { runId } } } }'
                 % missing, expect_errors=True)
    assert answer["data"] == {"mlflowGetRun": None}
    with pytest.raises(mlflow.exceptions.MlflowException) as client_error:
        client.get_run(missing)
    assert client_error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    rest = requests.get(tracking_uri + "/api/2.0/mlflow/runs/get", params={"run_id": missing}, timeout=30)
    assert answer["errors"] == [rest.json()["message"]] == [f"Run with id={missing} not found"]


def test_one_failing_field_leaves_the_others(client, tracking_uri, experiment_id):
    rid = client.create_run(experiment_id).info.run_id
    answer = gql(tracking_uri, 'query { good: mlflowGetRun(input: {runId: "%s"}) { run { info { runId } } }'
                 ' bad: mlflowGetExperiment(input: {experimentId: "987654321"}) { experiment { name } } }'
                 % rid, expect_errors=True)
    assert answer["data"] == {"good": {"run": {"info": {"runId": rid}}}, "bad": None}
    assert len(answer["errors"]) == 1 and "987654321" in answer["errors"][0]


def test_invalid_search_is_the_rest_message(client, tracking_uri, experiment_id):
    answer = gql(tracking_uri, 'query { mlflowSearchRuns(input: {experimentIds: ["%s"], maxResults: 0})'
                 ' { runs { info { runId } } } }' % experiment_id, expect_errors=True)
    assert answer["data"] == {"mlflowSearchRuns": None}
    rest = requests.post(tracking_uri + "/api/2.0/mlflow/runs/search",
                         json={"experiment_ids": [experiment_id], "max_results": 0}, timeout=30)
    assert rest.status_code == 400
    assert answer["errors"] == [rest.json()["message"]]


def test_unknown_field_has_null_data(tracking_uri):
    answer = gql(tracking_uri, 'query { mlflowGetRun(input: {runId: "x"}) { run { info { noSuchField } } } }',
                 expect_errors=True)
    assert answer["data"] is None
    assert len(answer["errors"]) == 1 and "noSuchField" in answer["errors"][0]


def test_several_queries_in_one_request_up_to_ten(client, tracking_uri, experiment_id):
    """MLflow takes no JSON-array batches; one query may ask up to 10 root fields."""
    rids = [client.create_run(experiment_id).info.run_id for _ in range(10)]
    fields = " ".join('r%d: mlflowGetRun(input: {runId: "%s"}) { run { info { runId } } }' % (i, rid)
                      for i, rid in enumerate(rids))
    data = gql(tracking_uri, "query { %s }" % fields)
    assert [data[f"r{i}"]["run"]["info"]["runId"] for i in range(10)] == rids

    eleven = fields + ' more: test(inputString: "x") { output }'
    answer = gql(tracking_uri, "query { %s }" % eleven, expect_errors=True)
    assert answer["data"] is None
    assert answer["errors"][0].startswith(
        "GraphQL queries should have at most 10 root fields, got 11 root fields.")


def test_too_many_aliases_on_one_level(tracking_uri):
    fields = " ".join(f"o{i}: output" for i in range(11))
    answer = gql(tracking_uri, 'query { test(inputString: "x") { %s } }' % fields, expect_errors=True)
    assert answer["data"] is None
    assert answer["errors"][0].startswith("GraphQL queries should have at most 10 aliases, got 11 aliases.")


def test_too_many_selections_and_too_deep(tracking_uri):
    """MLflow checks the query's shape before it validates the fields."""
    answer = gql(tracking_uri, 'query { test(inputString: "x") { %s } }' % " ".join(["output"] * 1000),
                 expect_errors=True)
    assert answer["data"] is None
    assert answer["errors"] == ["Query exceeds maximum total selections of 1000"]

    deep = "a { " * 10 + "b" + " }" * 10
    answer = gql(tracking_uri, "query { %s }" % deep, expect_errors=True)
    assert answer["data"] is None
    assert answer["errors"] == ["Query exceeds maximum depth of 10"]


def test_syntax_error_and_batches_are_400(tracking_uri, extensions_enabled):
    """MLflow answers both with an HTML 500; Cairn with MLflow's error JSON and a 400."""
    resp = requests.post(tracking_uri + "/graphql", json={"query": "query { test(inputString: \"x\") {"},
                         timeout=30)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "does not parse" in resp.json()["message"]

    resp = requests.post(tracking_uri + "/graphql", json=[{"query": "{ test { output } }"}] * 2, timeout=30)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "JSON object" in resp.json()["message"]

    resp = requests.post(tracking_uri + "/graphql", json={"variables": {}}, timeout=30)
    assert resp.status_code == 400
    assert "query" in resp.json()["message"]


# ----------------------------------------------------------------------------- the schema

_TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
_SCHEMA_QUERY = ("{ __schema { queryType { name } mutationType { name } types { name kind"
                 " fields { name args { name type { %s } } type { %s } }"
                 " inputFields { name type { %s } } enumValues { name } } } }"
                 % (_TYPE_REF, _TYPE_REF, _TYPE_REF))


def _schema_shape(schema_json):
    """Every non-builtin type's fields with their full type (names and nullability), sorted."""
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    shape = {"query": schema_json["queryType"]["name"], "mutation": schema_json["mutationType"]["name"]}
    for t in schema_json["types"]:
        if t["name"].startswith("__") or t["name"] in builtin:
            continue
        fields = sorted((f["name"], repr(f["type"]), repr(sorted((a["name"], repr(a["type"]))
                                                               for a in f["args"])))
                        for f in t["fields"] or [])
        inputs = sorted((f["name"], repr(f["type"])) for f in t["inputFields"] or [])
        enums = sorted(v["name"] for v in t["enumValues"] or [])
        shape[t["name"]] = (t["kind"], fields, inputs, enums)
    return shape


def test_schema_is_mlflows(tracking_uri):
    """Same types, fields, arguments and nullability as the installed MLflow's graphene schema."""
    from graphql import graphql_sync
    from mlflow.server.graphql.graphql_schema_extensions import schema

    mlflow_answer = graphql_sync(schema.graphql_schema, _SCHEMA_QUERY)
    assert mlflow_answer.errors is None
    served = gql(tracking_uri, _SCHEMA_QUERY)
    assert _schema_shape(served["__schema"]) == _schema_shape(mlflow_answer.data["__schema"])

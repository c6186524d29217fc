"""Run and experiment search: filters, ordering, paging, view types, and Cairn's search extensions."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType

# name -> (metrics, params, tags, final status)
RUNS = {
    "r1": ({"x": 1.0, "loss": 0.9}, {"p": "a", "q": "1"}, {"t": "xray"}, "FINISHED"),
    "r2": ({"x": 5.0, "loss": 0.4}, {"p": "b", "q": "2"}, {"t": "xenon"}, "FINISHED"),
    "r3": ({"x": 3.0, "loss": 0.6}, {"p": "a", "q": "3"}, {"t": "yak"}, "FINISHED"),
    "r4": ({"x": 9.0, "loss": 0.1}, {"p": "c", "q": "4"}, {"t": "xylo"}, "FAILED"),
    "r5": ({"loss": 0.7}, {"p": "a", "q": "5"}, {"t": "zebra"}, "FINISHED"),  # no metric x
}


@pytest.fixture
def populated(client, experiment_id):
    ids = {}
    base = int(time.time() * 1000) - 60_000
    for i, (name, (metrics, params, tags, status)) in enumerate(RUNS.items()):
        # Distinct start times make the default order (start_time DESC) deterministic.
        run_id = client.create_run(experiment_id, start_time=base + i * 1000, run_name=name).info.run_id
        now = int(time.time() * 1000)
        client.log_batch(run_id, metrics=[Metric(k, v, now, 0) for k, v in metrics.items()],
                         params=[Param(k, v) for k, v in params.items()],
                         tags=[RunTag(k, v) for k, v in tags.items()])
        client.set_terminated(run_id, status=status)
        ids[name] = run_id
    return experiment_id, ids


def _names(runs):
    return [r.info.run_name for r in runs]


@pytest.mark.parametrize("filter_string, expected", [
    ("metrics.x > 2", {"r2", "r3", "r4"}),
    ("metrics.x >= 5", {"r2", "r4"}),
    ("metrics.x != 3", {"r1", "r2", "r4"}),
    ("metrics.loss <= 0.4", {"r2", "r4"}),
    ("params.p = 'a'", {"r1", "r3", "r5"}),
    ("params.p != 'a'", {"r2", "r4"}),
    ("tags.t LIKE 'x%'", {"r1", "r2", "r4"}),
    ("tags.t ILIKE 'X%O'", {"r4"}),
    ("tags.t LIKE '%e%'", {"r2", "r5"}),
    ("attributes.status = 'FINISHED'", {"r1", "r2", "r3", "r5"}),
    ("attributes.status != 'FINISHED'", {"r4"}),
    ("attributes.run_name = 'r3'", {"r3"}),
    ("metrics.x > 2 AND params.p = 'a'", {"r3"}),
    ("params.p = 'a' and tags.t LIKE 'x%' and attributes.status = 'FINISHED'", {"r1"}),
    ("metrics.`x` < 4 and params.`q` = '1'", {"r1"}),
    ("", {"r1", "r2", "r3", "r4", "r5"}),
])
def test_search_runs_filters(client, populated, filter_string, expected):
    experiment_id, _ = populated
    runs = client.search_runs([experiment_id], filter_string=filter_string)
    assert set(_names(runs)) == expected


def test_search_runs_by_run_id_in(client, populated):
    experiment_id, ids = populated
    wanted = (ids["r2"], ids["r5"])
    runs = client.search_runs([experiment_id], filter_string=f"attributes.run_id IN ('{wanted[0]}', '{wanted[1]}')")
    assert set(_names(runs)) == {"r2", "r5"}
    runs = client.search_runs([experiment_id], filter_string=f"attributes.run_id = '{ids['r3']}'")
    assert _names(runs) == ["r3"]


def test_search_runs_order_by(client, populated):
    experiment_id, ids = populated
    runs = client.search_runs([experiment_id], filter_string="metrics.x > 0", order_by=["metrics.x DESC"])
    assert _names(runs) == ["r4", "r2", "r3", "r1"]
    runs = client.search_runs([experiment_id], order_by=["metrics.loss ASC"])
    assert _names(runs) == ["r4", "r2", "r3", "r5", "r1"]
    runs = client.search_runs([experiment_id], order_by=["params.q DESC"])
    assert _names(runs) == ["r5", "r4", "r3", "r2", "r1"]
    runs = client.search_runs([experiment_id], order_by=["params.p ASC", "metrics.loss DESC"])
    assert _names(runs) == ["r1", "r5", "r3", "r2", "r4"]
    runs = client.search_runs([experiment_id], order_by=["attributes.run_name DESC"])
    assert _names(runs) == ["r5", "r4", "r3", "r2", "r1"]
    # Default order: newest start_time first.
    runs = client.search_runs([experiment_id])
    assert _names(runs) == ["r5", "r4", "r3", "r2", "r1"]
    # Runs without the metric sort last.
    runs = client.search_runs([experiment_id], order_by=["metrics.x ASC"])
    assert _names(runs) == ["r1", "r3", "r2", "r4", "r5"]


def test_fluent_search_runs_dataframe(populated):
    experiment_id, ids = populated
    df = mlflow.search_runs(experiment_ids=[experiment_id], filter_string="metrics.x > 2",
                            order_by=["metrics.x ASC"])
    assert list(df["tags.mlflow.runName"]) == ["r3", "r2", "r4"]
    assert list(df["run_id"]) == [ids["r3"], ids["r2"], ids["r4"]]
    assert list(df["metrics.x"]) == [3.0, 5.0, 9.0]
    assert list(df["params.p"]) == ["a", "b", "c"]
    assert list(df["tags.t"]) == ["yak", "xenon", "xylo"]
    assert list(df["status"]) == ["FINISHED", "FINISHED", "FAILED"]
    assert (df["experiment_id"] == experiment_id).all()
    by_name = mlflow.search_runs(experiment_names=[mlflow.get_experiment(experiment_id).name],
                                 filter_string="params.p = 'a'", order_by=["params.q DESC"])
    assert list(by_name["tags.mlflow.runName"]) == ["r5", "r3", "r1"]


def test_search_runs_max_results_and_page_token(client, populated):
    experiment_id, _ = populated
    seen = []
    token = None
    pages = 0
    while True:
        page = client.search_runs([experiment_id], max_results=2, order_by=["params.q ASC"], page_token=token)
        seen.extend(_names(page))
        pages += 1
        token = page.token
        if not token:
            break
    assert seen == ["r1", "r2", "r3", "r4", "r5"]
    assert pages == 3


def test_paging_past_1000_runs(client, experiment_id):
    n = 1100

    def create(i):
        return client.create_run(experiment_id, run_name=f"bulk-{i:04d}").info.run_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(create, range(n)))
    assert len(set(created)) == n

    first = client.search_runs([experiment_id], max_results=1000)
    assert len(first) == 1000
    assert first.token, "a full first page must carry a next_page_token"
    second = client.search_runs([experiment_id], max_results=1000, page_token=first.token)
    assert len(second) == n - 1000
    assert not second.token
    paged = [r.info.run_id for r in first] + [r.info.run_id for r in second]
    assert len(paged) == len(set(paged)) == n
    assert set(paged) == set(created)

    df = mlflow.search_runs(experiment_ids=[experiment_id])
    assert len(df) == n
    assert set(df["run_id"]) == set(created)
    ordered = mlflow.search_runs(experiment_ids=[experiment_id], order_by=["attributes.run_name ASC"],
                                 max_results=1050)
    assert list(ordered["tags.mlflow.runName"]) == [f"bulk-{i:04d}" for i in range(1050)]


def test_search_runs_across_experiments(client, experiment_name):
    a = client.create_experiment(experiment_name + "-a")
    b = client.create_experiment(experiment_name + "-b")
    ra = client.create_run(a, run_name="in-a").info.run_id
    rb = client.create_run(b, run_name="in-b").info.run_id
    client.log_param(ra, "shared", "1")
    client.log_param(rb, "shared", "1")
    runs = client.search_runs([a, b], filter_string="params.shared = '1'")
    assert {(r.info.experiment_id, r.info.run_id) for r in runs} == {(a, ra), (b, rb)}


def test_search_experiments(client, experiment_name):
    ids = {}
    for suffix, team in [("one", "red"), ("two", "blue"), ("three", "red")]:
        ids[suffix] = client.create_experiment(f"{experiment_name}-{suffix}", tags={"team": team})
    found = client.search_experiments(filter_string=f"name LIKE '{experiment_name}-%'")
    assert {e.experiment_id for e in found} == set(ids.values())
    found = client.search_experiments(filter_string=f"name LIKE '{experiment_name}-%' AND tags.team = 'red'")
    assert {e.name for e in found} == {f"{experiment_name}-one", f"{experiment_name}-three"}
    found = client.search_experiments(filter_string=f"name = '{experiment_name}-two'")
    assert [(e.experiment_id, e.tags.get("team")) for e in found] == [(ids["two"], "blue")]
    found = client.search_experiments(filter_string=f"name LIKE '{experiment_name}-%'",
                                      order_by=["name ASC"])
    assert [e.name for e in found] == [f"{experiment_name}-{s}" for s in ("one", "three", "two")]
    page = client.search_experiments(filter_string=f"name LIKE '{experiment_name}-%'", max_results=2,
                                     order_by=["name DESC"])
    assert len(page) == 2 and page.token
    rest = client.search_experiments(filter_string=f"name LIKE '{experiment_name}-%'", max_results=2,
                                     order_by=["name DESC"], page_token=page.token)
    assert [e.name for e in list(page) + list(rest)] == [f"{experiment_name}-{s}" for s in ("two", "three", "one")]
    assert not rest.token
    # The fluent API too.
    fluent = mlflow.search_experiments(filter_string=f"tags.team = 'blue' AND name LIKE '{experiment_name}%'")
    assert [e.experiment_id for e in fluent] == [ids["two"]]


# ------------------------------------------------------------------ Cairn extensions
# Standard MLflow only supports AND; Cairn also accepts OR, parentheses and aggregate metric keys
# (min/max/last of every metric). The client passes the strings through unchanged.

@pytest.mark.parametrize("filter_string, expected", [
    ("metrics.x > 5 OR params.p = 'b'", {"r2", "r4"}),
    ("params.p = 'c' OR tags.t = 'yak'", {"r3", "r4"}),
    ("(metrics.x > 4 OR params.p = 'a') AND attributes.status = 'FINISHED'", {"r1", "r2", "r3", "r5"}),
    ("(params.p = 'a' AND metrics.x < 2) OR (params.p = 'c')", {"r1", "r4"}),
    ("tags.t LIKE 'x%' and (params.q = '1' or params.q = '4')", {"r1", "r4"}),
])
def test_cairn_or_and_parentheses(client, populated, extensions_enabled, filter_string, expected):
    experiment_id, _ = populated
    assert set(_names(client.search_runs([experiment_id], filter_string=filter_string))) == expected


def test_cairn_metric_aggregates(client, experiment_id, extensions_enabled):
    histories = {
        "a": [3.0, 0.5, 2.0],   # min 0.5, max 3.0, last 2.0
        "b": [0.9, 0.8, 0.7],   # min 0.7, max 0.9, last 0.7
        "c": [1.5, 0.2, 4.0],   # min 0.2, max 4.0, last 4.0
    }
    now = int(time.time() * 1000)
    for name, values in histories.items():
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
        client.log_batch(run_id, metrics=[Metric("loss", v, now + i, i) for i, v in enumerate(values)])
        client.set_terminated(run_id)

    def names(**kw):
        return _names(client.search_runs([experiment_id], **kw))

    assert set(names(filter_string="max(metrics.loss) > 1")) == {"a", "c"}
    assert set(names(filter_string="min(metrics.loss) < 0.6")) == {"a", "c"}
    assert set(names(filter_string="metrics.loss > 1")) == {"a", "c"}      # latest value
    assert set(names(filter_string="last(metrics.loss) < 1")) == {"b"}
    assert names(order_by=["min(metrics.loss) ASC"]) == ["c", "a", "b"]
    assert names(order_by=["max(metrics.loss) DESC"]) == ["c", "a", "b"]
    assert names(filter_string="max(metrics.loss) > 1 OR min(metrics.loss) > 0.75",
                 order_by=["min(metrics.loss) DESC"]) == ["a", "c"]
    assert names(filter_string="max(metrics.loss) < 1 OR min(metrics.loss) < 0.3",
                 order_by=["min(metrics.loss) DESC"]) == ["b", "c"]

"""Artifacts: upload through the fluent API, list and download through the client, bytes compared."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
import yaml  # noqa: E402

BINARY = bytes(range(256)) * 64 + b"\x00\r\n\xff"


def _listing(client, run_id, path=None):
    # An empty file's size 0 may be omitted on the wire (protobuf JSON default) and read back as None.
    return {(f.path, f.is_dir, None if f.is_dir else (f.file_size or 0))
            for f in client.list_artifacts(run_id, path)}


def _download(run_id, artifact_path, tmp_path):
    dst = tmp_path / f"dl-{len(list(tmp_path.iterdir()))}"
    dst.mkdir()
    return Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=artifact_path,
                                                    dst_path=str(dst)))


def test_log_artifact_file_and_download(client, experiment_id, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.txt").write_text("hello cairn\n", encoding="utf-8")
    (src / "blob.bin").write_bytes(BINARY)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src / "notes.txt"))
        mlflow.log_artifact(str(src / "blob.bin"), artifact_path="data/raw")
    run_id = run.info.run_id

    assert _listing(client, run_id) == {("notes.txt", False, 12), ("data", True, None)}
    assert _listing(client, run_id, "data") == {("data/raw", True, None)}
    assert _listing(client, run_id, "data/raw") == {("data/raw/blob.bin", False, len(BINARY))}

    assert _download(run_id, "notes.txt", tmp_path).read_bytes() == b"hello cairn\n"
    assert _download(run_id, "data/raw/blob.bin", tmp_path).read_bytes() == BINARY
    # Whole-run download recurses into directories.
    root = _download(run_id, "", tmp_path)
    assert (root / "notes.txt").read_bytes() == b"hello cairn\n"
    assert (root / "data" / "raw" / "blob.bin").read_bytes() == BINARY


def test_log_artifacts_directory_with_subdir(client, experiment_id, tmp_path):
    src = tmp_path / "outputs"
    (src / "sub" / "deeper").mkdir(parents=True)
    files = {
        "a.txt": b"alpha",
        "sub/b.csv": b"x,y\n1,2\n",
        "sub/deeper/c.bin": BINARY,
        "sub/with space & symbols+%.txt": "unicode \u00e9\u4e2d\n".encode("utf-8"),
        "empty.txt": b"",
    }
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(src), artifact_path="outputs")
    run_id = run.info.run_id

    assert _listing(client, run_id, "outputs") == {
        ("outputs/a.txt", False, 5), ("outputs/empty.txt", False, 0), ("outputs/sub", True, None)}
    assert _listing(client, run_id, "outputs/sub") == {
        ("outputs/sub/b.csv", False, 8),
        ("outputs/sub/deeper", True, None),
        ("outputs/sub/with space & symbols+%.txt", False, len(files["sub/with space & symbols+%.txt"])),
    }
    got = _download(run_id, "outputs", tmp_path)
    for rel, data in files.items():
        assert (got / rel).read_bytes() == data, rel
    assert sorted(str(p.relative_to(got)) for p in got.rglob("*") if p.is_file()) == sorted(files)


def test_log_dict_text_and_load(client, experiment_id, tmp_path):
    payload = {"model": "lr", "params": {"C": 1.0, "classes": ["a", "b"]}, "n": 3}
    with mlflow.start_run() as run:
        mlflow.log_dict(payload, "config/params.json")
        mlflow.log_dict(payload, "config/params.yaml")
        mlflow.log_text("line 1\nline 2\n", "notes/readme.txt")
    run_id = run.info.run_id

    listing = {f.path: f for f in client.list_artifacts(run_id, "config")}
    assert sorted(listing) == ["config/params.json", "config/params.yaml"]
    for path, info in listing.items():
        assert not info.is_dir
        assert info.file_size == _download(run_id, path, tmp_path).stat().st_size
    assert json.loads(_download(run_id, "config/params.json", tmp_path).read_text()) == payload
    assert yaml.safe_load(_download(run_id, "config/params.yaml", tmp_path).read_text()) == payload
    assert _download(run_id, "notes/readme.txt", tmp_path).read_text() == "line 1\nline 2\n"
    # The convenience loaders go through the same endpoints.
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config/params.json") == payload
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.txt") == "line 1\nline 2\n"


def test_log_figure(client, experiment_id, tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [2, 1, 3])
    ax.set_title("loss")
    expected = io.BytesIO()
    fig.savefig(expected, format="png")
    with mlflow.start_run() as run:
        mlflow.log_figure(fig, "plots/loss.png")
    plt.close(fig)

    [entry] = client.list_artifacts(run.info.run_id, "plots")
    assert entry.path == "plots/loss.png" and not entry.is_dir
    data = _download(run.info.run_id, "plots/loss.png", tmp_path).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert entry.file_size == len(data)
    assert data == expected.getvalue()


def test_list_missing_artifact_dir_is_empty(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_text("x", "present.txt")
    assert client.list_artifacts(run.info.run_id, "no/such/dir") == []
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["present.txt"]


def test_artifact_uri_download(client, experiment_id, tmp_path):
    with mlflow.start_run() as run:
        mlflow.log_text("via uri", "u/file.txt")
    artifact_uri = client.get_run(run.info.run_id).info.artifact_uri
    dst = tmp_path / "viauri"
    dst.mkdir()
    path = mlflow.artifacts.download_artifacts(artifact_uri=f"{artifact_uri}/u/file.txt", dst_path=str(dst))
    assert Path(path).read_text() == "via uri"
    path = mlflow.artifacts.download_artifacts(artifact_uri=f"runs:/{run.info.run_id}/u", dst_path=str(dst))
    assert os.listdir(path) == ["file.txt"]

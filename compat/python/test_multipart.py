"""Large artifacts through MLflow's proxied multipart upload (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD)."""
import hashlib
import os

import mlflow
from mlflow import MlflowClient


def test_multipart_upload_assembles_the_file(experiment_id, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(5 * 1024 * 1024))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * 1024 * 1024))
    big = tmp_path / "weights.bin"
    data = os.urandom(23 * 1024 * 1024 + 17)  # five parts, the last one short
    big.write_bytes(data)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_artifact(str(big), artifact_path="model")
    files = {f.path: f for f in MlflowClient().list_artifacts(run.info.run_id, "model")}
    assert files["model/weights.bin"].file_size == len(data)
    out = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="model/weights.bin", dst_path=str(tmp_path / "out")
    )
    with open(out, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    log = open(os.environ.get("CAIRN_SERVER_LOG", os.path.join(os.path.dirname(__file__), "cairn-server.log"))).read()
    assert "/api/2.0/mlflow-artifacts/mpu/create/" in log
    assert log.count("/api/2.0/mlflow-artifacts/mpu/part/") >= 5
    assert "/api/2.0/mlflow-artifacts/mpu/complete/" in log

"""Fixtures for the MLflow Python client compatibility suite.

A session-scoped fixture starts the Cairn server as a real process
(``java -jar cairn-cli/target/cairn.jar server --port 0 --data-dir <tmp>``), waits for the line
``Tracking URI: http://127.0.0.1:<port>`` on its stdout and points the unmodified MLflow client at it.

Environment:
  CAIRN_JAR           jar to run (default: <repo>/cairn-cli/target/cairn.jar)
  CAIRN_JAVA          java executable (default: java on PATH)
  CAIRN_JAVA_OPTS     extra JVM options, space separated
  CAIRN_TRACKING_URI  use an already running server instead of starting one (e.g. a reference
                      ``mlflow server``, to check the tests themselves)
  CAIRN_SKIP_EXTENSIONS=1  skip the tests of Cairn's search extensions (for a reference MLflow server)
  CAIRN_SERVER_LOG    where the server's output is kept (default: compat/python/cairn-server.log)

Client retries are deliberately left at MLflow's defaults: tests of error answers assert the call fails
within a few seconds, which proves the server answered 4xx (the client retries 5xx for minutes).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_JAR = REPO / "cairn-cli" / "target" / "cairn.jar"
STARTUP_TIMEOUT_S = 30
URI_LINE = re.compile(r"Tracking URI:\s*(https?://\S+)")

# Must be set before mlflow is imported anywhere (telemetry is read lazily, but be safe).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

_server_log_path: Path | None = None


class _Server:
    def __init__(self, jar: Path, data_dir: Path, log_path: Path):
        self.jar = jar
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.uri: str | None = None
        self._found = threading.Event()
        self._lock = threading.Lock()
        self._lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self) -> str:
        java = os.environ.get("CAIRN_JAVA", "java")
        cmd = [java, *shlex.split(os.environ.get("CAIRN_JAVA_OPTS", "")), "-jar", str(self.jar),
               "server", "--port", "0", "--data-dir", str(self.data_dir)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8", buffering=1)
        self._log.write(f"# {' '.join(shlex.quote(c) for c in cmd)}\n")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                     errors="replace", bufsize=1, cwd=str(self.data_dir))
        self._reader = threading.Thread(target=self._pump, name="cairn-server-output", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._found.wait(0.2):
                return self.uri
            if self.proc.poll() is not None:
                self._reader.join(2)
                self._fail(f"Cairn server exited with code {self.proc.returncode} before printing "
                           f"'Tracking URI: ...'")
        self.stop()
        self._fail(f"Cairn server did not print 'Tracking URI: ...' within {STARTUP_TIMEOUT_S} s")

    def _pump(self):
        for line in self.proc.stdout:
            self._log.write(line)
            with self._lock:
                self._lines.append(line)
            if not self._found.is_set():
                m = URI_LINE.search(line)
                if m:
                    self.uri = m.group(1).rstrip("/")
                    self._found.set()

    def _fail(self, why: str):
        with self._lock:
            printed = "".join(self._lines[-200:]) or "(nothing)\n"
        pytest.fail(f"{why}\ncommand: java -jar {self.jar} server --port 0 --data-dir {self.data_dir}\n"
                    f"--- server output ---\n{printed}--- end ---", pytrace=False)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self._reader is not None:
            self._reader.join(5)
        self._log.write(f"# server exited with code {self.proc.returncode}\n")
        self._log.close()


@pytest.fixture(scope="session")
def tracking_uri(tmp_path_factory):
    """Starts Cairn (or uses CAIRN_TRACKING_URI) and points MLflow at it for the whole session."""
    global _server_log_path
    import mlflow

    external = os.environ.get("CAIRN_TRACKING_URI")
    server = None
    if external:
        uri = external.rstrip("/")
    else:
        jar = Path(os.environ.get("CAIRN_JAR", DEFAULT_JAR))
        if not jar.is_file():
            pytest.fail(f"Cairn jar not found: {jar} (build it, or set CAIRN_JAR / CAIRN_TRACKING_URI)",
                        pytrace=False)
        log_path = Path(os.environ.get("CAIRN_SERVER_LOG", HERE / "cairn-server.log"))
        server = _Server(jar, tmp_path_factory.mktemp("cairn-data"), log_path)
        _server_log_path = log_path
        uri = server.start()

    os.environ["MLFLOW_TRACKING_URI"] = uri
    mlflow.set_tracking_uri(uri)
    try:
        yield uri
    finally:
        if mlflow.active_run() is not None:
            mlflow.end_run()
        if server is not None:
            server.stop()


@pytest.fixture(autouse=True)
def _per_test(tracking_uri, request):
    """Every test: starts with no active run, leaves none behind, and remembers where the server log was."""
    import mlflow

    request.node._cairn_log_offset = _log_size()
    while mlflow.active_run() is not None:
        mlflow.end_run()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def client(tracking_uri):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri)


@pytest.fixture
def experiment_name(request):
    """A fresh, unique experiment name for this test."""
    base = re.sub(r"[^\w.-]+", "-", request.node.name)[:80]
    return f"compat-{base}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def experiment_id(experiment_name):
    """Makes a fresh experiment the active one (mlflow.set_experiment) and returns its id."""
    import mlflow

    exp = mlflow.set_experiment(experiment_name)
    return exp.experiment_id


@pytest.fixture
def extensions_enabled():
    if os.environ.get("CAIRN_SKIP_EXTENSIONS") == "1":
        pytest.skip("Cairn search extensions disabled (CAIRN_SKIP_EXTENSIONS=1)")


# ----------------------------------------------------------------- server log on failure

def _log_size() -> int:
    try:
        return _server_log_path.stat().st_size if _server_log_path else 0
    except OSError:
        return 0


def _log_excerpt(start: int, max_lines: int = 80) -> str:
    if not _server_log_path:
        return ""
    try:
        with open(_server_log_path, "rb") as f:
            f.seek(max(0, start))
            during = f.read().decode("utf-8", "replace").splitlines()
            if not during:  # nothing logged during the test: show the end of the log instead
                f.seek(0)
                during = f.read().decode("utf-8", "replace").splitlines()
    except OSError as e:
        return f"(cannot read {_server_log_path}: {e})"
    cut = len(during) > max_lines
    return ("...\n" if cut else "") + "\n".join(during[-max_lines:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _server_log_path is not None:
        time.sleep(0.3)  # let the output pump write the server's last lines (access log of the failed call)
        excerpt = _log_excerpt(getattr(item, "_cairn_log_offset", 0))
        if excerpt:
            rep.sections.append((f"Cairn server log ({_server_log_path}, during {rep.when})", excerpt))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _server_log_path is not None:
        terminalreporter.write_line(f"Cairn server output: {_server_log_path}")

"""A real Virtuoso (Debian's ``virtuoso-opensource``) on loopback, for the remote-store tests.

Each instance has its own configuration and database under a temporary directory and listens
on free loopback ports only. Anonymous users may read (``/sparql``); the user ``lisgraph`` may
also update, through the digest-authenticated endpoints (``/sparql-auth`` and the Graph Store
Protocol's ``/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
USER, PASSWORD = "lisgraph", "lisgraph-test-secret"
SKIP_REASON = "Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run installs it)"

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {dir}
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Virtuoso:
    """One Virtuoso server process over one database directory (restartable)."""

    def __init__(self, directory: Path) -> None:
        assert VIRTUOSO and ISQL, SKIP_REASON
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = _free_port(), _free_port()
        (self.dir / "virtuoso.ini").write_text(
            _INI.format(dir=self.dir, sql_port=self.sql_port, http_port=self.http_port)
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def graph_store_auth(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

    def start(self) -> Virtuoso:
        """Start the server, wait until it answers SPARQL, and create the update user."""
        first = not (self.dir / "virtuoso.db").exists()
        with (self.dir / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                [VIRTUOSO, "+foreground", "+configfile", str(self.dir / "virtuoso.ini")],
                cwd=self.dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Virtuoso exited:\n{self.log()}")
            try:
                if requests.get(self.sparql, params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within 60 s:\n{self.log()}")
            time.sleep(0.3)
        if first:
            self.sql(
                f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); "
                f'GRANT SPARQL_UPDATE TO "{USER}"; '
                f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 7);"
            )
        return self

    def sql(self, statements: str) -> str:
        """Run SQL through isql as the database administrator."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def kill(self) -> None:
        """Stop the server at once, as a crash would (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None
        (self.dir / "virtuoso.lck").unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def count(self, graph: str) -> int:
        """Triples in ``graph``, asked directly of Virtuoso."""
        response = requests.post(
            self.sparql,
            data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        response.raise_for_status()
        return int(response.text.split()[1])

    def log(self) -> str:
        path = self.dir / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

"""A real Virtuoso (Debian's ``virtuoso-opensource``) on loopback, for the benchmarks and the
remote-store tests.

Each instance has its own configuration and database under a temporary directory and listens
on free loopback ports only. Two configurations:

- ``Virtuoso(dir)``: lisgraph's own ``virtuoso.ini`` (below). Anonymous users may read
  (``/sparql``); the user ``lisgraph`` may also update, through the digest-authenticated
  endpoints (``/sparql-auth`` and the Graph Store Protocol's ``/sparql-graph-crud-auth``).
- ``Virtuoso(dir, packaged=True)``: Debian's ``/etc/virtuoso-opensource-7/virtuoso.ini`` as it
  comes, with only its ports (on 127.0.0.1) and directories changed, and ``SPARQL_UPDATE``
  granted to the anonymous user too (as a new user following Virtuoso's documentation would).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import requests

from .server import StoreServer, free_port, post_update

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
PACKAGED_DB_DIR = "/var/lib/virtuoso-opensource-7/db/"
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


def packaged_ini(text: str, directory: Path, sql_port: int, http_port: int) -> str:
    """Debian's ``virtuoso.ini`` with only its ports and directories changed: the database files
    in ``directory``, the SQL and HTTP servers on 127.0.0.1 at the given ports."""
    section = ""
    lines = []
    for line in text.splitlines():
        header = re.match(r"\s*\[([^]]+)\]", line)
        if header:
            section = header.group(1)
        setting = re.match(r"(\s*)(\w+)(\s*=\s*)([^;\t]*?)(\s*(?:[;\t].*)?)$", line)
        if setting and not line.lstrip().startswith(";"):
            indent, name, equals, value, rest = setting.groups()
            if value.startswith(PACKAGED_DB_DIR):
                value = f"{directory}/{value[len(PACKAGED_DB_DIR) :]}"
            elif (section, name) == ("Parameters", "ServerPort"):
                value = f"127.0.0.1:{sql_port}"
            elif (section, name) == ("HTTPServer", "ServerPort"):
                value = f"127.0.0.1:{http_port}"
            elif (section, name) == ("URIQA", "DefaultHost"):
                value = f"localhost:{http_port}"
            line = f"{indent}{name}{equals}{value}{rest}"
        lines.append(line)
    return "\n".join(lines) + "\n"


class Virtuoso(StoreServer):
    """One Virtuoso server process over one database directory (restartable)."""

    name = "virtuoso"
    has_credentials = True

    def __init__(self, directory: Path, *, packaged: bool = False) -> None:
        assert VIRTUOSO and ISQL, SKIP_REASON
        super().__init__(directory)
        self.packaged = packaged
        self.sql_port, self.http_port = free_port(), free_port()
        if packaged:
            ini = packaged_ini(PACKAGED_INI.read_text(), self.dir, self.sql_port, self.http_port)
        else:
            ini = _INI.format(dir=self.dir, sql_port=self.sql_port, http_port=self.http_port)
        (self.dir / "virtuoso.ini").write_text(ini)

    def command(self) -> list[str]:
        assert VIRTUOSO
        return [VIRTUOSO, "+foreground", "+configfile", str(self.dir / "virtuoso.ini")]

    def first_start(self) -> bool:
        return not (self.dir / "virtuoso.db").exists()

    def lock_files(self) -> list[Path]:
        return [self.dir / "virtuoso.lck"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    @property
    def query_url(self) -> str:
        return self.sparql

    @property
    def sparql_auth(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def graph_store_auth(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

    @property
    def env(self) -> dict[str, str]:
        return {
            "LISGRAPH_STORE_USER": USER,
            "LISGRAPH_STORE_PASSWORD": PASSWORD,
            "LISGRAPH_STORE_AUTH": "digest",
        }

    def publish_args(self, graph_store: str = "none") -> list[str]:
        args = ["--endpoint", self.sparql_auth]
        if graph_store == "explicit":
            return [*args, "--graph-store", self.graph_store_auth]
        return [*args, "--graph-store", graph_store]

    def after_first_start(self) -> None:
        """Create the update user (and, in the packaged setup, let anonymous users update)."""
        grants = (
            f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); "
            f'GRANT SPARQL_UPDATE TO "{USER}"; '
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 7);"
        )
        if self.packaged:
            grants += ' GRANT SPARQL_UPDATE TO "SPARQL";'
        self.sql(grants)

    def write(self, update: str) -> None:
        post_update(self.sparql_auth, update, auth=requests.auth.HTTPDigestAuth(USER, PASSWORD))

    def sql(self, statements: str) -> str:
        """Run SQL through isql as the database administrator."""
        assert ISQL
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

    def start(self) -> Virtuoso:
        super().start()
        return self

    def log(self) -> str:
        path = self.dir / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

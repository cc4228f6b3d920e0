"""Settings: every setting with its default, read once, and the one reader of the environment.

Each setting has a key (``BASE_IRI``, ``QUERY_TIMEOUT``...) that is also its Flask config key and,
prefixed ``LISGRAPH_``, its environment variable. :func:`from_environment` is the only place
lisgraph reads the environment; the CLI and the app factory layer its values between the
defaults and their own arguments, then build the typed objects here once:

- :class:`Settings`: what the build needs (base IRI, checkout, output directory);
- :class:`Limits`: what one visitor's query may use;
- :class:`StoreSettings`: a remote SPARQL store to serve from or publish to, with credentials;
- :class:`ServerConfig`: all of the above and the web app's own settings.

The package runs from a checkout: the ontology, data and shapes live beside it (PROJECT_DIR),
not inside the installed package.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

__all__ = [
    "DEFAULTS",
    "DEFAULT_BASE_IRI",
    "ENV_PREFIX",
    "PROJECT_DIR",
    "Limits",
    "Scheduling",
    "ServerConfig",
    "Serving",
    "Settings",
    "StoreSettings",
    "read_store_pointer",
    "read_store_replicas",
    "from_environment",
]

DEFAULT_BASE_IRI = "https://w3id.org/lisgraph/"
ENV_PREFIX = "LISGRAPH_"

#: The names of this machine a request may always use (``ALLOWED_HOSTS``' default, with the
#: base IRI's and the public URL's hosts).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")

#: The checkout the package runs from: ontology/, data/ and shapes/ live here.
PROJECT_DIR = Path(__file__).resolve().parent.parent

#: Every setting with its default.
DEFAULTS: dict[str, Any] = {
    # The build
    "BASE_IRI": DEFAULT_BASE_IRI,
    "PROJECT_DIR": str(PROJECT_DIR),
    "DIST_DIR": None,  # default: PROJECT_DIR/dist
    # The web app: the URL users reach it at (None: from each request)
    "PUBLIC_URL": None,
    # The address portals show as the dataset's contact (vcard:hasEmail); the data states
    # none, so none is published unless it is set.
    "CONTACT_EMAIL": None,
    # Host names the web app answers for, comma-separated or a JSON list; a name starting with
    # a dot covers its subdomains, "*" any host. Others get 400 and never reach a page, the
    # page cache, the warmer or a link. None: the base IRI's host, PUBLIC_URL's and loopback.
    "ALLOWED_HOSTS": None,
    # Request bodies larger than this are refused with 413.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "INCOMING_LINKS_LIMIT": 500,
    # Seconds clients and proxies may reuse a page or result (it can change only with a build).
    "CACHE_MAX_AGE": 300,
    # Limits on visitors' SPARQL queries: seconds, rows, characters, MB per query process.
    "QUERY_TIMEOUT": 30.0,
    "MAX_RESULT_ROWS": 100_000,
    "MAX_QUERY_LENGTH": 100_000,
    "QUERY_MEMORY_MB": 4096,
    # Identical queries answered from memory, per worker and per build: at most this many
    # answers (0 turns the cache off) and megabytes in all; one answer may take a quarter.
    "QUERY_CACHE_ENTRIES": 512,
    "QUERY_CACHE_MB": 64,
    # A remote SPARQL endpoint to serve from instead of the embedded store, the union graph
    # 'lisgraph publish' wrote there (None: BASE_IRI + graph/lisgraph), how often to ask it for
    # a new build, where the dumps made from it are kept (None: a temp dir), and credentials.
    "STORE": None,
    "STORE_GRAPH": None,
    "STORE_POLL_SECONDS": 10.0,
    "MIRROR_DIR": None,
    "STORE_USER": None,
    "STORE_PASSWORD": None,
    "STORE_AUTH": "basic",
    # Serving in public ('lisgraph serve'): threads per worker; seconds allowed for a request's
    # whole head, its whole body, and any one read or write once a thread serves it; seconds an
    # idle kept-alive connection is kept; seconds running queries get when the server is told to
    # stop (then they are cancelled with 503; the port is let go at once); the grace period of a
    # stop for everything else (None: STOP_GRACE + 5).
    "WORKER_THREADS": 32,
    "HEADER_TIMEOUT": 10.0,
    "BODY_TIMEOUT": 30.0,
    "IO_TIMEOUT": 30.0,
    # Seconds an idle connection is kept: as long as Jetty (Fuseki) keeps one. A client whose event
    # loop is busy for seconds (Comunica over fragments) sends on a connection it thinks idle for
    # less than its own 4 s; at 5 s the server had often just closed it (bench/RESULTS.md).
    "KEEPALIVE": 30.0,
    "STOP_GRACE": 3.0,
    "GRACEFUL_TIMEOUT": None,
    # Dumps being sent at once per worker (None: half of WORKER_THREADS): each holds a thread
    # for as long as its reader reads, so the rest are kept for pages, queries and /health.
    "DOWNLOAD_STREAMS": None,
    # Visitors' queries, for the whole server (all its workers together): queries running at
    # once (each worker keeps this many query processes), queries waiting for one and seconds
    # they may wait (full or past it: 503). Per client address: queries running and waiting
    # (past them: 429), and query-seconds per window of CLIENT_WINDOW seconds (0: no budget).
    # The header a trusted proxy writes the client's address in (None: the peer's).
    "QUERY_PROCESSES": 2,
    "QUERY_QUEUE": 32,
    "QUERY_QUEUE_WAIT": 10.0,
    "CLIENT_QUERIES": 1,
    "CLIENT_QUEUED": 2,
    # Cost lanes: a query that runs past HEAVY_QUERY_SECONDS (0: no lanes), or whose text did
    # before, or whose client's queries did lately, is heavy. Heavy queries run on at most
    # HEAVY_QUERY_SHARE processes (None: all but one) and wait in at most half the queue, so
    # cheap ones always find room. A client with no heavy query may queue a burst of up to
    # CLIENT_BURST queries while the queue is under half full.
    "HEAVY_QUERY_SECONDS": 1.0,
    "HEAVY_QUERY_SHARE": None,
    "CLIENT_BURST": 16,
    "CLIENT_QUERY_SECONDS": 0.0,
    "CLIENT_WINDOW": 60.0,
    "FORWARDED_HEADER": None,
    # Bytes in one answer (past it: an error, before any byte is sent), and the query process
    # is replaced after an answer once it holds more than this many MB.
    "MAX_RESULT_BYTES": 64 * 1024 * 1024,
    "QUERY_RECYCLE_MB": 512,
    # Answers up to this many bytes are kept in memory (and may be cached); larger ones are
    # written to an unlinked file in RESULT_SPOOL_DIR (None: the system's temporary directory)
    # and streamed from it.
    "RESULT_MEMORY_BYTES": 1024 * 1024,
    "RESULT_SPOOL_DIR": None,
    # How much lower the query processes' CPU priority is than the web workers' (nice, 0 to
    # 19), so that pages and /health stay fast while queries take every core.
    "QUERY_NICE": 0,
}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings given as ``LISGRAPH_*`` environment variables (empty ones ignored).

    Values are read as JSON where they parse (``30`` is a number), as text otherwise, as
    Flask's ``from_prefixed_env`` does.
    """
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or not raw:
            continue
        key = name[len(ENV_PREFIX) :]
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        found[key] = raw if key in _TEXT_KEYS else value
    return found


# Settings that are always text, even when they look like JSON (a password of digits).
_TEXT_KEYS = {
    "BASE_IRI",
    "PROJECT_DIR",
    "DIST_DIR",
    "PUBLIC_URL",
    "CONTACT_EMAIL",
    "ALLOWED_HOSTS",
    "STORE",
    "STORE_GRAPH",
    "MIRROR_DIR",
    "STORE_USER",
    "STORE_PASSWORD",
    "STORE_AUTH",
    "FORWARDED_HEADER",
}


def _merged(mapping: Mapping[str, Any] | None) -> dict[str, Any]:
    values = dict(DEFAULTS)
    if mapping:
        values.update({k: v for k, v in mapping.items() if k in DEFAULTS and v is not None})
    return values


def _number(values: Mapping[str, Any], key: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(values[key])
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"The setting {key} is {values[key]!r}, not a number.") from exc


@dataclass(frozen=True)
class Settings:
    """Resolved build settings.

    ``base`` always ends with ``/``; directories are absolute paths.
    """

    base: str
    project_dir: Path
    dist_dir: Path

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_dir / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.project_dir / "shapes"

    @property
    def releases_dir(self) -> Path:
        """Where releases are kept: beside the output, ``{dist}-releases``."""
        return self.dist_dir.parent / f"{self.dist_dir.name}-releases"

    @property
    def reference_csv(self) -> Path:
        return self.data_dir / "reference" / "lad-to-lep-2020.csv"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> Settings:
        """Settings from a mapping of the DEFAULTS keys (missing or None keys: the defaults).

        Raises ConfigError when the base IRI is not an absolute http(s) IRI.
        """
        values = _merged(mapping)
        base = str(values["BASE_IRI"])
        if not base.startswith(("http://", "https://")) or any(c in base for c in ' <>"{}|\\^`#?'):
            raise ConfigError(
                f"The base IRI {base!r} is not an absolute http(s) IRI without query or fragment."
            )
        if not base.endswith("/"):
            base += "/"
        project_dir = Path(values["PROJECT_DIR"]).resolve()
        dist = values["DIST_DIR"]
        # absolute, not resolve(): the output path is a symbolic link to the current build
        dist_dir = Path(os.path.abspath(dist)) if dist else project_dir / "dist"
        return cls(base=base, project_dir=project_dir, dist_dir=dist_dir)


@dataclass(frozen=True)
class Limits:
    """What one visitor's query may use. ``memory_mb`` caps its process (0: no cap); ``nice``
    lowers its process's CPU priority below the web workers'. An answer over ``memory_bytes`` is
    written to an unlinked file in ``spool_dir`` (None: the system's temporary directory) rather
    than kept in memory."""

    timeout: float = 30.0
    max_rows: int = 100_000
    max_query_length: int = 100_000
    memory_mb: int = 4096
    max_bytes: int = 64 * 1024 * 1024
    recycle_mb: int = 512
    memory_bytes: int = 1024 * 1024
    spool_dir: str | None = None
    nice: int = 0

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> Limits:
        values = _merged(mapping)
        return cls(
            timeout=_number(values, "QUERY_TIMEOUT", float),
            max_rows=_number(values, "MAX_RESULT_ROWS", int),
            max_query_length=_number(values, "MAX_QUERY_LENGTH", int),
            memory_mb=_number(values, "QUERY_MEMORY_MB", int),
            max_bytes=_number(values, "MAX_RESULT_BYTES", int),
            recycle_mb=_number(values, "QUERY_RECYCLE_MB", int),
            memory_bytes=_number(values, "RESULT_MEMORY_BYTES", int),
            spool_dir=_spool_dir(values["RESULT_SPOOL_DIR"]),
            nice=_number(values, "QUERY_NICE", int),
        )


def _spool_dir(value: Any) -> str | None:
    """RESULT_SPOOL_DIR as an absolute path to a directory (None: the system's temp dir)."""
    if not value:
        return None
    path = Path(str(value)).resolve()
    if not path.is_dir():
        raise ConfigError(f"The setting RESULT_SPOOL_DIR is {value!r}, not a directory.")
    return str(path)


@dataclass(frozen=True)
class StoreSettings:
    """A remote SPARQL store: its query URL, the union graph lisgraph wrote there (None: the
    default under the base IRI), credentials, and how a front-end follows it.

    ``STORE`` may name a **store pointer** instead of a URL: ``@FILE``, a file holding the
    store's URL (``pointer``; ``url`` is what it held when read). A front-end reads it again at
    every poll and moves to the store it names: blue/green, where a new version goes into a new
    store and the switch is one atomic rename of that file.
    """

    url: str
    graph: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    poll_seconds: float = 10.0
    mirror_dir: Path | None = None
    pointer: Path | None = None

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> StoreSettings | None:
        """The store settings, or None when no STORE is set.

        Raises ConfigError for a URL that is not http(s) or an unknown auth scheme.
        """
        values = _merged(mapping)
        if not values["STORE"]:
            return None
        return cls.for_url(str(values["STORE"]), values)

    @classmethod
    def for_url(cls, url: str, mapping: Mapping[str, Any] | None = None) -> StoreSettings:
        """Settings for the store at ``url``, credentials and the rest from ``mapping``."""
        values = _merged(mapping)
        pointer = Path(url[1:]) if url.startswith("@") else None
        url = read_store_pointer(pointer) if pointer else url
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"The store URL {url!r} is not an http(s) URL.")
        auth = str(values["STORE_AUTH"]).lower()
        if auth not in ("basic", "digest"):
            raise ConfigError(f"LISGRAPH_STORE_AUTH is {auth!r}; use 'basic' or 'digest'.")
        mirror = values["MIRROR_DIR"]
        return cls(
            url=url,
            graph=values["STORE_GRAPH"] or None,
            user=values["STORE_USER"] or None,
            password=values["STORE_PASSWORD"] or None,
            auth=auth,
            poll_seconds=_number(values, "STORE_POLL_SECONDS", float),
            mirror_dir=Path(mirror) if mirror else None,
            pointer=pointer,
        )


def read_store_pointer(pointer: Path) -> str:
    """The store URL a store pointer file holds (its first line). Raises ConfigError when the
    file cannot be read or holds no http(s) URL."""
    return read_store_replicas(pointer)[0]


def read_store_replicas(pointer: Path) -> list[str]:
    """Every store URL a store pointer file holds: its first line, and each further line that
    is an http(s) URL (read replicas of one version; lines starting with ``#`` are comments).
    Raises ConfigError when the file cannot be read, its first line is not an http(s) URL, or
    a later line is neither a URL nor a comment."""
    try:
        lines = [line.strip() for line in pointer.read_text(encoding="utf-8").strip().split("\n")]
    except OSError as exc:
        raise ConfigError(f"The store pointer {pointer} cannot be read: {exc}") from exc
    urls = []
    for number, line in enumerate(lines, 1):
        if line.startswith(("http://", "https://")):
            urls.append(line)
        elif number == 1:
            raise ConfigError(f"The store pointer {pointer} holds {line!r}, not an http(s) URL.")
        elif line and not line.startswith("#"):
            raise ConfigError(
                f"Line {number} of the store pointer {pointer} is {line!r}: one store URL a "
                "line (read replicas of one version), or a comment starting with #."
            )
    return urls


@dataclass(frozen=True)
class Serving:
    """How ``lisgraph serve`` holds connections: threads per worker, read/write timeouts (s),
    dumps sent at once per worker."""

    threads: int = 32
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    io_timeout: float = 30.0
    keepalive: float = 30.0
    graceful_timeout: float = 8.0
    download_streams: int = 16
    stop_grace: float = 3.0

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> Serving:
        values = _merged(mapping)
        grace = values["GRACEFUL_TIMEOUT"]
        stop_grace = _number(values, "STOP_GRACE", float)
        threads = _number(values, "WORKER_THREADS", int)
        streams = values["DOWNLOAD_STREAMS"]
        serving = cls(
            threads=threads,
            header_timeout=_number(values, "HEADER_TIMEOUT", float),
            body_timeout=_number(values, "BODY_TIMEOUT", float),
            io_timeout=_number(values, "IO_TIMEOUT", float),
            keepalive=_number(values, "KEEPALIVE", float),
            graceful_timeout=(
                stop_grace + 5 if grace is None else _number(values, "GRACEFUL_TIMEOUT", float)
            ),
            stop_grace=stop_grace,
            download_streams=(
                max(1, threads // 2)
                if streams is None
                else _number(values, "DOWNLOAD_STREAMS", int)
            ),
        )
        if serving.threads < 4:
            raise ConfigError(f"WORKER_THREADS is {serving.threads}; use 4 or more.")
        return serving


@dataclass(frozen=True)
class Scheduling:
    """How visitors' queries share the query processes: limits for the whole server, whichever
    worker a request lands on (:mod:`lisgraph.store.admission`)."""

    processes: int = 2
    queue_length: int = 32
    queue_wait: float = 10.0
    client_running: int = 1
    client_queued: int = 2
    client_seconds: float = 0.0
    window: float = 60.0
    forwarded_header: str | None = None
    heavy_seconds: float = 1.0
    heavy_share: int = 1
    client_burst: int = 16

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> Scheduling:
        values = _merged(mapping)
        processes = _number(values, "QUERY_PROCESSES", int)
        share = values["HEAVY_QUERY_SHARE"]
        scheduling = cls(
            processes=processes,
            queue_length=_number(values, "QUERY_QUEUE", int),
            queue_wait=_number(values, "QUERY_QUEUE_WAIT", float),
            client_running=_number(values, "CLIENT_QUERIES", int),
            client_queued=_number(values, "CLIENT_QUEUED", int),
            client_seconds=_number(values, "CLIENT_QUERY_SECONDS", float),
            window=_number(values, "CLIENT_WINDOW", float),
            forwarded_header=values["FORWARDED_HEADER"] or None,
            heavy_seconds=_number(values, "HEAVY_QUERY_SECONDS", float),
            heavy_share=(
                max(1, processes - 1)
                if share is None
                else _number(values, "HEAVY_QUERY_SHARE", int)
            ),
            client_burst=_number(values, "CLIENT_BURST", int),
        )
        if scheduling.heavy_share < 1:
            raise ConfigError("HEAVY_QUERY_SHARE must be 1 or more.")
        if scheduling.processes < 1 or scheduling.client_running < 1:
            raise ConfigError("QUERY_PROCESSES and CLIENT_QUERIES must be 1 or more.")
        return scheduling


@dataclass(frozen=True)
class ServerConfig:
    """Everything the web app is configured with, typed and checked once."""

    settings: Settings
    limits: Limits
    store: StoreSettings | None
    public_url: str | None
    cache_max_age: int
    incoming_links_limit: int
    max_content_length: int | None
    query_cache_entries: int
    query_cache_mb: int
    serving: Serving = Serving()
    scheduling: Scheduling = Scheduling()
    #: Host names requests may name (Werkzeug's ``trusted_hosts``); None: any.
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS
    #: The dataset's contact address for portals; None: no email is published.
    contact_email: str | None = None

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None = None) -> ServerConfig:
        """The configuration from a mapping of DEFAULTS keys (a Flask config will do).

        Raises ConfigError for a value lisgraph cannot use.
        """
        values = _merged(mapping)
        max_body = values["MAX_CONTENT_LENGTH"]
        return cls(
            settings=Settings.from_mapping(values),
            limits=Limits.from_mapping(values),
            store=StoreSettings.from_mapping(values),
            public_url=values["PUBLIC_URL"] or None,
            cache_max_age=_number(values, "CACHE_MAX_AGE", int),
            incoming_links_limit=_number(values, "INCOMING_LINKS_LIMIT", int),
            max_content_length=(
                None if max_body is None else _number(values, "MAX_CONTENT_LENGTH", int)
            ),
            query_cache_entries=_number(values, "QUERY_CACHE_ENTRIES", int),
            query_cache_mb=_number(values, "QUERY_CACHE_MB", int),
            serving=Serving.from_mapping(values),
            scheduling=Scheduling.from_mapping(values),
            allowed_hosts=_allowed_hosts(values),
            contact_email=_email(values["CONTACT_EMAIL"]),
        )


def _email(value: Any) -> str | None:
    """CONTACT_EMAIL as an address (a leading ``mailto:`` is dropped). Raises ConfigError for
    text that is no address."""
    if value is None or not str(value).strip():
        return None
    address = str(value).strip().removeprefix("mailto:")
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or any(c in address for c in " <>\"'"):
        raise ConfigError(f"CONTACT_EMAIL is {value!r}: give an email address (name@example.org).")
    return address


def _allowed_hosts(values: Mapping[str, Any]) -> tuple[str, ...] | None:
    configured = values["ALLOWED_HOSTS"]
    if configured is None:
        urls = [values["BASE_IRI"], values["PUBLIC_URL"]]
        found = {urlsplit(str(url)).hostname for url in urls if url}
        named = {f"[{h}]" if ":" in h else h for h in found if h}  # IPv6 as a Host names it
        return (*LOOPBACK_HOSTS, *sorted(named - set(LOOPBACK_HOSTS)))
    names = configured.split(",") if isinstance(configured, str) else configured
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"ALLOWED_HOSTS is {configured!r}: give host names, comma-separated.")
    given = [name.strip().lower() for name in names if name.strip()]
    if not given:
        raise ConfigError('ALLOWED_HOSTS names no host; use "*" to accept any.')
    return None if "*" in given else tuple(given)

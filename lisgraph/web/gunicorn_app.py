"""Run the web app: gunicorn (production: several worker processes) or, with ``debug``, Flask's
development server.

The app is created, and the dataset loaded (or built and validated), once in the parent process
before workers are forked, so start-up fails fast and loudly on bad data and workers share the
loaded store's memory.

Each worker is :class:`~lisgraph.web.worker.BufferingWorker`: gunicorn's threaded worker whose
event loop reads each request whole before a thread takes it, so idle, slow-header and
slow-body clients cost a socket, not a thread (measurements: ``bench/RESULTS.md``). A stop
(SIGTERM) lets requests in flight finish for ``GRACEFUL_TIMEOUT`` (the query limit plus 5 s);
query processes die with their worker whatever ends it (:mod:`lisgraph.store.sandbox`).
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from ..config import ServerConfig

__all__ = ["default_workers", "gunicorn_options", "run", "worker_settings"]


def _log_info_to_stderr() -> None:
    """lisgraph's own INFO messages (a worker switching to a new build...) on stderr."""
    logger = logging.getLogger("lisgraph")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s")
        )
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _log_access_to_stdout() -> None:
    access = logging.getLogger("lisgraph.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: Mapping[str, Any]) -> None:
        self.application = app
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _bind_roots(worker: Any, config: ServerConfig) -> list[str]:
    """The URL roots a worker is surely reached at: the public URL, and specific bind
    addresses (not a wildcard, whose visitors' roots are learnt from their requests)."""
    roots = [config.public_url.rstrip("/") + "/"] if config.public_url else []
    for address in worker.cfg.address:
        if isinstance(address, tuple) and address[0] not in ("", "0.0.0.0", "::"):
            host = f"[{address[0]}]" if ":" in address[0] else address[0]
            roots.append(f"http://{host}:{address[1]}/")
    return roots


def _start_worker(worker: Any) -> None:
    # Fork the query processes while the worker has one thread; later ones (after a timeout or
    # a new build) are forked from a request thread. Then make the build's pages in the
    # background (lisgraph.web.warming), so that no visitor waits for their first render.
    from .dataset import EXTENSION_KEY, SnapshotHolder
    from .warming import WARMER_KEY, PageWarmer

    holder: SnapshotHolder = worker.wsgi.extensions[EXTENSION_KEY]
    holder.snapshot().pool().start()
    warmer: PageWarmer = worker.wsgi.extensions[WARMER_KEY]
    warmer.start(_bind_roots(worker, ServerConfig.from_mapping(worker.wsgi.config)))


def _stop_query_processes(_arbiter: Any, worker: Any) -> None:
    # Before the interpreter's exit handlers, which would SIGTERM (ignored) and wait for them.
    from .dataset import EXTENSION_KEY, SnapshotHolder

    holder: SnapshotHolder = worker.wsgi.extensions[EXTENSION_KEY]
    holder.close()


def gunicorn_options(app: Flask, host: str, port: int, workers: int | None) -> dict[str, Any]:
    """gunicorn's settings for ``app``: the buffering threaded worker and its timeouts."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        **worker_settings(ServerConfig.from_mapping(app.config)),
    }


def worker_settings(config: ServerConfig) -> dict[str, Any]:
    """gunicorn's settings that make a worker lisgraph's (all but where to listen and how many
    workers): also read by ``gunicorn -c python:lisgraph.web.gunicorn_config``."""
    serving = config.serving
    return {
        "worker_class": "lisgraph.web.worker.BufferingWorker",
        "threads": serving.threads,
        "worker_connections": 4096,
        "keepalive": max(1, math.ceil(serving.keepalive)),
        # The arbiter's heartbeat: the event loop answers it whatever threads are doing.
        "timeout": max(30, int(serving.io_timeout) + 10),
        "graceful_timeout": math.ceil(serving.graceful_timeout),
        # 0: no limit of gunicorn's own (it is 4,094 bytes by default); the worker refuses a
        # request head longer than the longest query percent-encoded.
        "limit_request_line": 0,
        # At most 50 header lines of 8,190 bytes (gunicorn's defaults: 100 and 8,190); repeated
        # lines are joined, and the app answers 431 to any value past 8 KB (request_guards).
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # lisgraph writes its own JSON access log (lisgraph.web.operations).
        "accesslog": None,
        "errorlog": "-",
        "preload_app": True,
        "post_worker_init": _start_worker,
        "worker_exit": _stop_query_processes,
        # gunicorn 27's control socket is one path per user ($HOME/.gunicorn): two servers
        # would share it, and the first to stop removes it.
        "control_socket_disable": True,
    }


def run(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int | None = None,
    debug: bool = False,
) -> None:
    """Serve an app made by :func:`~lisgraph.web.create_app` until interrupted."""
    _log_access_to_stdout()
    _log_info_to_stderr()
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    _Gunicorn(app, gunicorn_options(app, host, port, workers)).run()

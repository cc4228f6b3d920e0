"""Run the web app: gunicorn (production: several worker processes) or, with ``debug``, Flask's
development server.

The app is created, and the dataset loaded (or built and validated), once in the parent process
before workers are forked, so start-up fails fast and loudly on bad data and workers share the
loaded store's memory.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["default_workers", "run"]


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


def run(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int | None = None,
    debug: bool = False,
) -> None:
    """Serve an app made by :func:`~lisgraph.web.create_app` until interrupted."""
    _log_access_to_stdout()
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers or default_workers(),
            "worker_class": "sync",
            "timeout": 120,
            "graceful_timeout": 10,
            # lisgraph writes its own JSON access log (lisgraph.web.operations).
            "accesslog": None,
            "errorlog": "-",
            "preload_app": True,
        },
    ).run()

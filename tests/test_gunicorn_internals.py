"""What ``lisgraph/web/worker.py`` relies on in gunicorn, beyond its documented API.

``BufferingWorker`` subclasses gunicorn's threaded worker: it overrides some of its methods,
changes its bookkeeping (``poller``, ``keepalived_conns``, ``nr_conns``) and counts on gunicorn
calling its overrides from the event loop. None of that is a public API, so ``pyproject.toml``
pins gunicorn to the versions the system tests passed with (``test_reliability.py`` and the
others under ``tests/system/`` run the real worker). These checks fail first when a gunicorn
release moves what the worker stands on: then run the system tests on the new release, adapt
the worker, and raise the pin.
"""

from __future__ import annotations

import inspect
import os
import socket
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import gunicorn.http
import gunicorn.http.wsgi
import pytest
from gunicorn.config import Config
from gunicorn.http.unreader import Unreader
from gunicorn.workers.gthread import TConn, ThreadWorker
from packaging.requirements import Requirement

from lisgraph.web.worker import BufferingWorker, _Conn

from .helpers import PROJECT_DIR


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_installed_gunicorn_is_in_the_pinned_range() -> None:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [Requirement(r) for r in project["project"]["dependencies"]]
    pin = next(r for r in pins if r.name == "gunicorn")
    assert pin.specifier.contains("27.0.1"), "the range no longer holds the version tested"
    assert not pin.specifier.contains("28.0"), "gunicorn has no upper bound: see this module"
    assert pin.specifier.contains(version("gunicorn")), (
        f"gunicorn {version('gunicorn')} is installed, outside {pin.specifier}"
    )


@pytest.mark.parametrize(
    ("function", "parameters"),
    [
        (TConn.__init__, ["self", "cfg", "sock", "client", "server"]),
        (TConn.init, ["self"]),
        (TConn.close, ["self", "graceful"]),
        (ThreadWorker.init_process, ["self"]),
        (ThreadWorker.load_wsgi, ["self"]),
        (TConn.set_timeout, ["self"]),
        (ThreadWorker.accept, ["self", "listener"]),
        (ThreadWorker.on_client_socket_readable, ["self", "conn", "client"]),
        (ThreadWorker.murder_pending, ["self"]),
        (ThreadWorker.enqueue_req, ["self", "conn"]),
        (ThreadWorker.handle_exit, ["self", "sig", "frame"]),
        (ThreadWorker.set_accept_enabled, ["self", "enabled"]),
        (Unreader.unread, ["self", "data"]),
    ],
    ids=lambda value: getattr(value, "__qualname__", None),
)
def test_what_the_worker_calls_or_overrides_has_the_signature_it_expects(
    function: Callable[..., Any], parameters: list[str]
) -> None:
    assert _parameters(function) == parameters


def test_the_parser_is_made_from_config_socket_and_address() -> None:
    assert _parameters(gunicorn.http.get_parser)[:3] == ["cfg", "source", "source_addr"]


@pytest.mark.parametrize(
    ("ours", "theirs", "overridden"),
    [
        (
            BufferingWorker,
            ThreadWorker,
            {
                "init_process",
                "load_wsgi",
                "accept",
                "on_client_socket_readable",
                "murder_pending",
                "handle_exit",
                "set_accept_enabled",
            },
        ),
        (_Conn, TConn, {"__init__", "init"}),
    ],
)
def test_every_override_overrides_a_method_of_the_same_shape(
    ours: type, theirs: type, overridden: set[str]
) -> None:
    """An override whose base method was renamed would never be called; one whose parameters
    changed would be called wrongly."""
    overrides = {
        name
        for name, value in vars(ours).items()
        if callable(value) and (not name.startswith("_") or name == "__init__")
    }
    assert overrides == overridden
    for name in sorted(overrides - {"__init__"}):  # _Conn.__init__ passes *args on
        assert callable(getattr(theirs, name, None)), f"gunicorn's {theirs.__name__} has no {name}"
        assert _parameters(getattr(ours, name)) == _parameters(getattr(theirs, name)), name


def test_the_state_the_worker_changes_is_where_it_expects() -> None:
    worker = ThreadWorker(0, os.getpid(), [], None, 30, Config(), None)
    try:
        assert worker.nr_conns == 0
        assert len(worker.keepalived_conns) == 0
        assert hasattr(worker, "poller")
    finally:
        worker.tmp.close()
    left, right = socket.socketpair()
    with left, right:
        conn = TConn(Config(), left, ("127.0.0.1", 1), ("127.0.0.1", 2))
        assert conn.parser is None
        assert conn.sock is left
        assert (conn.client, conn.initialized, conn.data_ready) == (("127.0.0.1", 1), False, False)


@pytest.mark.parametrize(
    ("function", "text"),
    [
        # The event loop runs our murder_pending (deadlines of requests still being read).
        (ThreadWorker.run, "self.murder_pending()"),
        # New connections reach our accept, kept-alive ones our on_client_socket_readable.
        (ThreadWorker.set_accept_enabled, "self.accept"),
        # Told to stop, the loop stops accepting through set_accept_enabled(False), where we
        # let go of the listening sockets (and SIGTERM reaches our handle_exit).
        (ThreadWorker.run, "self.set_accept_enabled(False)"),
        (ThreadWorker.handle_exit, "self.alive = False"),
        (ThreadWorker.finish_request, "partial(self.on_client_socket_readable, conn)"),
        # A thread given a request we read whole does not wait for data again, keeps the
        # parser we made (with the bytes read so far unread into it), and only then reads.
        (ThreadWorker.handle, "conn.data_ready"),
        (ThreadWorker.handle, "conn.init()"),
        (TConn.init, "if self.parser is None"),
        # The fast path: the app's socket names the request the worker keyed; a worker past
        # max_requests restarts; gunicorn writes Server, Date and Connection on each response.
        (gunicorn.http.wsgi.default_environ, '"gunicorn.socket": sock'),
        (gunicorn.http.wsgi.create, "environ = default_environ(req, sock, cfg)"),
        (ThreadWorker.handle_request, "if self.nr >= self.max_requests"),
        (ThreadWorker.handle_request, "len(self.keepalived_conns) >= self.max_keepalived"),
        (gunicorn.http.wsgi.Response.default_headers, '"Server: %s\\r\\n" % self.version'),
    ],
    ids=lambda value: getattr(value, "__qualname__", value),
)
def test_gunicorn_still_calls_the_worker_where_it_relies_on(
    function: Callable[..., Any], text: str
) -> None:
    assert text in inspect.getsource(function)

"""gunicorn's settings for serving ``server:app`` with the plain ``gunicorn`` command, the same as
``lisgraph serve`` uses (the buffering threaded worker, its timeouts, and the hooks that start
and stop the query processes with each worker)::

    gunicorn -c python:lisgraph.web.gunicorn_config --bind 127.0.0.1:8000 --workers 4 server:app

gunicorn reads this module's names as settings; where to listen and how many workers are the
command line's. The settings come from ``LISGRAPH_*`` as ``create_app`` reads them.
"""

from __future__ import annotations

from ..config import DEFAULTS, ServerConfig, from_environment
from .gunicorn_app import worker_settings

_settings = worker_settings(ServerConfig.from_mapping({**DEFAULTS, **from_environment()}))

worker_class = _settings["worker_class"]
threads = _settings["threads"]
worker_connections = _settings["worker_connections"]
keepalive = _settings["keepalive"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
limit_request_line = _settings["limit_request_line"]
limit_request_fields = _settings["limit_request_fields"]
limit_request_field_size = _settings["limit_request_field_size"]
errorlog = _settings["errorlog"]
preload_app = _settings["preload_app"]
post_worker_init = _settings["post_worker_init"]
worker_exit = _settings["worker_exit"]
control_socket_disable = _settings["control_socket_disable"]

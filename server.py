"""WSGI entry point: ``gunicorn server:app``; ``python server.py`` serves it as ``lisgraph serve``
does (gunicorn on 127.0.0.1:5000, one worker per core)."""

from lisgraph.web import create_app

app = create_app()

if __name__ == "__main__":
    from lisgraph.web.gunicorn_app import run

    run(app)

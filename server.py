"""WSGI entry point: ``gunicorn server:app``, or ``python server.py`` to serve as ``lisgraph serve`` does."""

from lisgraph.web import create_app

app = create_app()

if __name__ == "__main__":
    from lisgraph.cli import main

    raise SystemExit(main(["serve"]))

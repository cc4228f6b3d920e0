"""One 406 and one 404 for the whole web app: every surface that cannot meet the Accept header
answers with the same function's wording (the formats it has, and why neither the format
parameter nor Accept named one), and a path no route knows gets the site's 404 page, registered
by the app's error table rather than by a blueprint."""

from __future__ import annotations

import ast

import pytest

from .helpers import PROJECT_DIR, InProcessHTTP

WEB = PROJECT_DIR / "lisgraph" / "web"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"


@pytest.mark.parametrize(
    ("url", "params", "accept", "available"),
    [
        ("/id/lep/E37000057", {}, "image/png", "This resource is available as text/html"),
        ("/graph/seed-001-sem-highlights", {}, "image/png", "This named graph is available as"),
        ("/.well-known/void", {}, "image/png", "The VoID description is available as"),
        ("/sparql", {"query": CONSTRUCT}, "text/csv", "CONSTRUCT or DESCRIBE query is available"),
        ("/sparql", {"query": "ASK {}"}, "image/png", "SELECT or ASK query is available as"),
        ("/data", {"graph": "https://example.org/g"}, "image/png", "Graph Store is available"),
        ("/data", {}, "text/turtle", "the whole dataset is available as application/n-quads"),
        ("/fragments", {}, "image/png", "A pattern fragment is available as"),
    ],
)
def test_every_406_says_what_is_available_and_why_nothing_fitted(
    http: InProcessHTTP, url: str, params: dict[str, str], accept: str, available: str
) -> None:
    answer = http.get("http://localhost" + url, params=params, headers={"Accept": accept})
    assert answer.status_code == 406
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert available in answer.text
    assert f"the Accept header ({accept!r}) names none of them." in answer.text


def test_a_format_parameter_that_names_nothing_is_said_too(http: InProcessHTTP) -> None:
    answer = http.get(
        "http://localhost/data", params={"format": "turtle"}, headers={"Accept": "text/turtle"}
    )
    assert answer.status_code == 406
    assert "format=turtle names none of them and the Accept header" in answer.text
    assert "text/turtle (format=turtle)" not in answer.text  # only the dataset's formats


def _calls(source: str, names: set[str]) -> list[str]:
    """The calls of ``source`` whose function (or decorator) is named one of ``names``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names:
                found.append(f"{name}:{node.lineno}")
    return found


def test_only_the_error_table_registers_handlers_and_only_documents_builds_a_406() -> None:
    handlers = {"errorhandler", "app_errorhandler", "register_error_handler"}
    registered = {
        path.name: _calls(path.read_text(encoding="utf-8"), handlers)
        for path in sorted(WEB.glob("*.py"))
    }
    assert registered.pop("errors.py")  # the app's table registers its handlers
    assert not {name: calls for name, calls in registered.items() if calls}
    statuses = {
        path.name
        for path in sorted(WEB.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value == 406
    }
    assert statuses == {"documents.py"}
    probe = "@bp.app_errorhandler(404)\ndef f(e): ...\napp.register_error_handler(500, f)\n"
    assert _calls(probe, handlers) == ["app_errorhandler:1", "register_error_handler:3"]


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [("text/html", "text/html"), ("text/turtle", "text/turtle")],
)
def test_an_unknown_path_gets_the_sites_404(
    http: InProcessHTTP, accept: str, content_type: str
) -> None:
    answer = http.get("http://localhost/no/such/page", headers={"Accept": accept})
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith(content_type)
    assert "There is no page at http://localhost/no/such/page." in answer.text

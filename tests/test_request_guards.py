"""Requests the app refuses before any surface reads them: over-long headers (431), unknown hosts
(400). (Every header parser on crafted values of the worker's whole head:
``system/test_header_parsers.py``.)"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lisgraph.config import LOOPBACK_HOSTS, ServerConfig
from lisgraph.errors import ConfigError
from lisgraph.web import create_app
from lisgraph.web.clients import client_key
from lisgraph.web.negotiation import MAX_ACCEPT_LENGTH, choose, parse_accept
from lisgraph.web.request_guards import MAX_HEADER_LENGTH, host_allowed


def test_accept_is_read_up_to_its_cap_at_a_comma() -> None:
    ranges = ", ".join(f"x/y{i}" for i in range(2000))  # about 14,000 characters
    assert len(ranges) > MAX_ACCEPT_LENGTH
    parsed = parse_accept(ranges + ", text/turtle")
    assert 0 < len(parsed) < 2000
    assert all(r.media_type.startswith("x/y") for r in parsed)  # no range read in part
    # What lies past the cap is not read: the turtle at the end does not count.
    assert choose(ranges + ", text/turtle", "rdf", "jsonld") is None
    assert choose("x/y1, text/turtle", "rdf", "jsonld") is not None


def test_an_unclosed_quote_ends_its_element_at_the_end_of_the_header() -> None:
    (only,) = parse_accept('text/turtle;profile="a, b')
    assert only.media_type == "text/turtle"
    assert [r.media_type for r in parse_accept('a/b;p="x\\",y", c/d')] == ["a/b", "c/d"]


def test_an_overlong_header_is_431_before_any_page_is_made(client: FlaskClient) -> None:
    crafted = '"' + '\\"' * 24_000  # 48 KB: froze a worker for 41 s before
    for path in ("/doc/lep/E37000057", "/no/such/page", "/sparql"):
        answer = client.get(path, headers={"Accept": crafted})
        assert answer.status_code == 431, path
        assert "Accept header" in answer.get_data(as_text=True)
    answer = client.get("/", headers={"X-Anything": "a" * (MAX_HEADER_LENGTH + 1)})
    assert answer.status_code == 431
    # Up to the limit, even a crafted value is parsed (in linear time) and answered.
    answer = client.get("/doc/lep/E37000057", headers={"Accept": crafted[:MAX_HEADER_LENGTH]})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("127.0.0.1:5000", True),
        ("[::1]:8080", True),
        ("LOCALHOST", True),
        ("w3id.org", True),  # the base IRI's host
        ("evil.example", False),
        ("w3id.org.evil.example", False),
        ('x"onmouseover=alert(1)', False),
        ("a>b", False),
        ("127.0.0.1:99999", False),
    ],
)
def test_hosts_allowed_by_default(host: str, allowed: bool) -> None:
    assert host_allowed(host, ServerConfig.from_mapping({}).allowed_hosts) is allowed


def test_allowed_hosts_setting() -> None:
    config = ServerConfig.from_mapping({"ALLOWED_HOSTS": "data.example.org, .example.net"})
    assert config.allowed_hosts == ("data.example.org", ".example.net")
    assert host_allowed("a.example.net:8000", config.allowed_hosts)
    assert host_allowed("example.net", config.allowed_hosts)
    assert not host_allowed("localhost", config.allowed_hosts)  # the operator's list is whole
    assert ServerConfig.from_mapping({"ALLOWED_HOSTS": ["*"]}).allowed_hosts is None
    public = ServerConfig.from_mapping({"PUBLIC_URL": "https://lis.example.org:8443/x/"})
    assert public.allowed_hosts == (*LOOPBACK_HOSTS, "lis.example.org", "w3id.org")
    with pytest.raises(ConfigError):
        ServerConfig.from_mapping({"ALLOWED_HOSTS": " , "})


def test_an_unknown_host_is_400_and_never_reflected(client: FlaskClient) -> None:
    answer = client.get("/id/lep/E37000057", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "evil.example" not in answer.get_data(as_text=True)
    answer = client.get("/id/lep/E37000057", headers={"Host": "127.0.0.1:8000"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "http://127.0.0.1:8000/doc/lep/E37000057"


def test_any_host_when_the_operator_says_so(app: Flask) -> None:
    config = {k: app.config[k] for k in ("PROJECT_DIR", "DIST_DIR")}
    open_app = create_app({**config, "ALLOWED_HOSTS": "*"})
    answer = open_app.test_client().get("/id/lep/E37000057", headers={"Host": "any.example"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "http://any.example/doc/lep/E37000057"


@pytest.mark.parametrize(
    ("address", "client"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::9", "2001:db8:1:2::/64"),  # the same host's other address: one client
        ("2001:db8:1:3::9", "2001:db8:1:3::/64"),
        ("[2001:db8::1]", "2001:db8::/64"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_its_64(address: str, client: str) -> None:
    assert client_key(address) == client

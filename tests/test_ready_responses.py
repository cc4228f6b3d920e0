"""The fast path's parts (``lisgraph/web/ready_responses.py``): which request heads it may
answer, what it keeps, and the bytes it sends. The worker that uses them is tested with the real
server in ``tests/system/test_fast_path.py``."""

from __future__ import annotations

import pytest

from lisgraph.web.ready_responses import (
    MAX_ENTRY_BYTES,
    Ready,
    ReadyResponses,
    RequestFacts,
    ready_response,
    request_facts,
    response_bytes,
)

HEAD = (
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
    b"User-Agent: curl/8\r\nAccept: application/sparql-results+json\r\nAccept-Encoding: gzip"
)


def facts_of(head: bytes, also_harmless: frozenset[bytes] = frozenset()) -> RequestFacts | None:
    return request_facts(head, max_fields=50, max_value=8192, also_harmless=also_harmless)


def test_a_plain_get_is_keyed_by_target_host_accept_and_encoding() -> None:
    facts = facts_of(HEAD)
    assert facts is not None
    assert facts.key == (
        b"/sparql?query=ASK%7B%7D",
        b"127.0.0.1:8000",
        b"application/sparql-results+json",
        b"gzip",
    )
    assert (facts.head_only, facts.version, facts.keep_alive) == (False, b"1.1", True)
    assert facts.user_agent == b"curl/8"
    assert facts.path == b"/sparql"


def test_header_names_are_case_blind_and_harmless_headers_leave_the_key_alone() -> None:
    plain = facts_of(HEAD)
    browser = facts_of(
        HEAD.replace(b"Host:", b"host:")
        + b"\r\nAccept-Language: en-GB\r\nSec-Fetch-Mode: navigate\r\nReferer: http://x/"
    )
    assert plain is not None and browser is not None
    assert browser.key == plain.key


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ((b"GET ", b"POST "), "a method other than GET and HEAD"),
        ((b" HTTP/1.1", b" HTTP/2.0"), "another protocol"),
        ((b"GET /sparql", b"GET http://127.0.0.1:8000/sparql"), "an absolute target"),
        (
            (b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nX-Forwarded-Proto: https"),
            "a header that changes the links (the scheme)",
        ),  # fmt: skip
        ((b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nRange: bytes=0-1"), "a range"),
        (
            (b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nIf-Modified-Since: x"),
            "a date condition (the app compares dates)",
        ),  # fmt: skip
        ((b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nContent-Length: 3"), "a body"),
        (
            (b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nAccept: text/csv"),
            "a keyed header twice",
        ),  # fmt: skip
        (
            (b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nX-Anything: 1"),
            "an unknown header",
        ),
        ((b"User-Agent: curl/8", b"User-Agent: " + b"a" * 8193), "a value past the limit"),
        ((b"User-Agent: curl/8", b"User-Agent: cu\x00rl"), "a control character"),
        ((b"User-Agent: curl/8", b"User-Agent: curl\r\n  folded"), "a folded line"),
        (
            (b"Accept-Encoding: gzip", b"Accept-Encoding: gzip\r\nConnection: Upgrade"),
            "an upgrade",
        ),  # fmt: skip
        ((b"Host: 127.0.0.1:8000\r\n", b""), "HTTP/1.1 without Host (the app answers 400)"),
    ],
)
def test_heads_the_app_must_see_are_not_answered(change: tuple[bytes, bytes], why: str) -> None:
    old, new = change
    assert old in HEAD
    assert facts_of(HEAD.replace(old, new, 1)) is None, why


def test_more_fields_than_the_worker_reads_are_not_answered() -> None:
    head = HEAD + b"\r\nDNT: 1" * 47  # 4 + 47 = 51 fields
    assert request_facts(head, max_fields=50, max_value=8192) is None
    assert request_facts(head, max_fields=51, max_value=8192) is not None


def test_a_configured_forwarded_address_header_is_harmless() -> None:
    head = HEAD + b"\r\nX-Real-IP: 10.0.0.1"
    assert facts_of(head) is None
    assert facts_of(head, also_harmless=frozenset({b"x-real-ip"})) is not None


def test_connection_and_version_decide_keep_alive() -> None:
    closing = facts_of(HEAD + b"\r\nConnection: close")
    old = facts_of(HEAD.replace(b"HTTP/1.1", b"HTTP/1.0"))
    old_kept = facts_of(HEAD.replace(b"HTTP/1.1", b"HTTP/1.0") + b"\r\nConnection: Keep-Alive")
    assert closing is not None and old is not None and old_kept is not None
    assert (closing.keep_alive, old.keep_alive, old_kept.keep_alive) == (False, False, True)
    assert old.version == b"1.0"


HEADERS = [
    ("Content-Type", "application/sparql-results+json"),
    ("Content-Length", "5"),
    ("Vary", "Accept, Accept-Encoding"),
    ("X-Lisgraph-Cache", "hit"),
    ("ETag", '"abc"'),
    ("Last-Modified", "Fri, 04 Dec 2026 17:57:13 GMT"),
    ("Cache-Control", "public, max-age=300"),
    ("Content-Location", "http://x/doc/a.ttl"),
]


def _sent(ready: Ready, head: bytes) -> tuple[bytes, list[bytes], bytes, int]:
    facts = facts_of(head)
    assert facts is not None
    data, status, size = response_bytes(ready, facts, b"gunicorn", b"DATE", facts.keep_alive)
    top, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = top.split(b"\r\n")
    assert size == len(body)
    return status_line, lines, body, status


def test_a_kept_response_is_sent_as_it_was_with_the_servers_own_lines_new() -> None:
    ready = ready_response(HEADERS, b"hello", None, "abc123")
    status_line, lines, body, status = _sent(ready, HEAD)
    assert (status_line, status, body) == (b"HTTP/1.1 200 OK", 200, b"hello")
    assert lines[:3] == [b"Server: gunicorn", b"Date: DATE", b"Connection: keep-alive"]
    kept = [f"{k}: {v}".encode() for k, v in HEADERS if k != "X-Lisgraph-Cache"]
    assert lines[3:] == [*kept, b"X-Lisgraph-Cache: ready"]


def test_head_gets_the_headers_alone() -> None:
    ready = ready_response(HEADERS, b"hello", None, None)
    status_line, lines, body, _ = _sent(ready, HEAD.replace(b"GET ", b"HEAD ", 1))
    assert body == b""
    assert b"Content-Length: 5" in lines


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        (b'"abc"', 304),
        (b'W/"abc"', 304),  # weak comparison, as Werkzeug compares for GET
        (b'"zzz", "abc"', 304),
        (b"*", 304),
        (b'"zzz"', 200),
        (b'"ab"', 200),
    ],
)
def test_if_none_match_is_answered_as_the_app_answers_it(if_none_match: bytes, status: int) -> None:
    ready = ready_response(HEADERS, b"hello", None, None)
    status_line, lines, body, sent_status = _sent(
        ready, HEAD + b"\r\nIf-None-Match: " + if_none_match
    )
    assert sent_status == status
    if status == 304:
        assert status_line == b"HTTP/1.1 304 Not Modified" and body == b""
        names = {line.split(b":")[0].lower() for line in lines}
        # Werkzeug's 304 drops the entity headers but Expires and Content-Location
        assert names.isdisjoint({b"content-type", b"content-length", b"last-modified"})
        assert {b"etag", b"cache-control", b"vary", b"content-location"} <= names


def test_a_key_is_kept_the_second_time_it_is_offered() -> None:
    cache = ReadyResponses(entries=4)
    ready = ready_response(HEADERS, b"hello", None, None)
    assert cache.offer((b"a",), ready) is False
    assert cache.get((b"a",)) is None
    assert cache.offer((b"a",), ready) is True
    assert cache.get((b"a",)) is ready


def test_one_off_keys_do_not_push_out_repeated_ones() -> None:
    cache = ReadyResponses(entries=2)
    ready = ready_response(HEADERS, b"hello", None, None)
    for _ in range(2):
        cache.offer((b"kept",), ready)
    for n in range(100):
        cache.offer((f"once-{n}".encode(),), ready)
    assert cache.get((b"kept",)) is ready
    assert len(cache) == 1


def test_bounded_in_entries_and_bytes_least_recently_used_out() -> None:
    cache = ReadyResponses(entries=3, max_bytes=10)
    small = ready_response(HEADERS, b"12345", None, None)
    for key in (b"a", b"b", b"a", b"b"):
        cache.offer((key,), small)
    assert len(cache) == 2  # 10 bytes
    cache.get((b"a",))  # now the most recently used
    for _ in range(2):
        cache.offer((b"c",), small)
    assert cache.get((b"b",)) is None
    assert cache.get((b"a",)) is small and cache.get((b"c",)) is small


def test_bodies_past_the_entry_limit_are_not_kept() -> None:
    cache = ReadyResponses()
    big = ready_response(HEADERS, b"x" * (MAX_ENTRY_BYTES + 1), None, None)
    assert not cache.offer((b"a",), big) and not cache.offer((b"a",), big)
    assert cache.get((b"a",)) is None

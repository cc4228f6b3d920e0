"""The HTTP side of a remote SPARQL store: where it answers, how to sign in, and its failures as
lisgraph errors (through SPARQLWrapper, as rdflib's ``SPARQLConnector`` does for its store).

Credentials are settings (:class:`~lisgraph.config.StoreSettings`), given in the environment only:
``LISGRAPH_STORE_USER``, ``LISGRAPH_STORE_PASSWORD`` and ``LISGRAPH_STORE_AUTH`` (``basic``, the
default, or ``digest``).
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass
from http.client import HTTPException

from SPARQLWrapper import DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from ..config import StoreSettings
from ..errors import ConfigError, QueryError, QueryTimeoutError, StoreError

__all__ = ["Endpoint", "too_large"]

@dataclass(frozen=True)
class Endpoint:
    """Where a remote store answers, and how to sign in.

    ``update_url`` defaults to ``query_url`` (Virtuoso and GraphDB take both at one URL).
    ``timeout`` is the client's limit, in seconds, on any one request.
    """

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 30.0

    @classmethod
    def from_settings(
        cls,
        store: StoreSettings,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 30.0,
    ) -> Endpoint:
        """The endpoint of ``store``, with its credentials.

        Raises ConfigError for an update or graph store URL that is not http(s).
        """
        for url in (update_url, graph_store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise ConfigError(f"The store URL {url!r} is not an http(s) URL.")
        return cls(
            query_url=store.url,
            update_url=update_url,
            graph_store_url=graph_store_url,
            user=store.user,
            password=store.password,
            auth=store.auth,
            timeout=timeout,
        )

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, agent="lisgraph")
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # the Accept header alone says what we want
        wrapper.setTimeout(max(1, round(self.timeout)))
        if self.user:
            wrapper.setCredentials(self.user, self.password or "")
            if self.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        return wrapper

    def request(
        self,
        *,
        query: str | None = None,
        update: str | None = None,
        params: Sequence[tuple[str, str]] = (),
        accept: str = "application/sparql-results+json",
    ) -> tuple[str, bytes]:
        """Send one query (or update) and return the response's media type and body.

        Raises QueryTimeoutError when the store does not answer in time, QueryError when it
        rejects the query, StoreError when it cannot be reached, refuses the credentials or fails.
        """
        url = self.query_url if update is None else (self.update_url or self.query_url)
        _allow_many_response_headers()
        wrapper = self._wrapper(url)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(update if update is not None else query or "")
        for name, value in params:
            wrapper.addParameter(name, value)
        wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response = wrapper.query().response
            media_type = response.headers.get_content_type()
            return media_type, response.read()
        except Unauthorized as exc:
            raise StoreError(
                f"The SPARQL store at {url} refused lisgraph's credentials (HTTP 401): set "
                "LISGRAPH_STORE_USER and LISGRAPH_STORE_PASSWORD (and LISGRAPH_STORE_AUTH=digest "
                "for stores such as Virtuoso)."
            ) from exc
        except SPARQLWrapperException as exc:
            if type(exc).__name__ == "QueryBadFormed":
                raise QueryError(f"The SPARQL store rejected the query: {_detail(exc)}") from exc
            raise StoreError(f"The SPARQL store at {url} failed: {_detail(exc)}") from exc
        except urllib.error.HTTPError as exc:
            raise StoreError(f"The SPARQL store at {url} answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            raise QueryTimeoutError(
                f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise QueryTimeoutError(
                    f"The SPARQL store at {url} did not answer within {self.timeout:g} seconds."
                ) from exc
            raise StoreError(f"Cannot reach the SPARQL store at {url}: {exc.reason}.") from exc
        except (OSError, HTTPException) as exc:
            raise StoreError(f"The connection to the SPARQL store at {url} failed: {exc}") from exc


#: Virtuoso echoes every named-graph-uri of a request as an X-SPARQL-named-graph response
#: header. The dataset has one named graph per source (over a hundred), which passes
#: http.client's default limit of 100 headers ("got more than 100 headers").
_MAX_RESPONSE_HEADERS = 100_000


def _allow_many_response_headers() -> None:
    """Raise http.client's limit on response headers to :data:`_MAX_RESPONSE_HEADERS`."""
    if getattr(http.client, "_MAXHEADERS", 0) < _MAX_RESPONSE_HEADERS:
        setattr(http.client, "_MAXHEADERS", _MAX_RESPONSE_HEADERS)  # noqa: B010


def _detail(exc: SPARQLWrapperException) -> str:
    text = str(exc).replace("\\n", " ").strip()
    return text[:500]


# How stores say a request was too big for them: Virtuoso's SP031 ("The length of generated SQL
# text has exceeded 10000 lines of code", an INSERT DATA with too many triples), SR171
# ("Transaction timed out") and SR325 (a transaction's log "went above the limit", past
# [Parameters] TransactionAfterImageLimit): a request doing too much at once; HTTP 413 from a
# store or a proxy, and the wording of other size limits.
_TOO_LARGE = re.compile(
    r"\bSP031\b|\bSR171\b|\bSR325\b|HTTP 413|status code 413|Payload Too Large|Entity Too Large"
    r"|\btoo (?:large|long|big)\b|\bexceed(?:s|ed)?\b|Transaction timed out",
    re.IGNORECASE,
)


def too_large(exc: BaseException) -> str | None:
    """Why the store refused a request as too large (or too slow to finish in time), or None
    when ``exc`` says something else (the store is down, refuses the credentials...).

    Reads the error lisgraph raised from :meth:`Endpoint.request` and what caused it.
    """
    if isinstance(exc, QueryTimeoutError):
        return str(exc)
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, urllib.error.HTTPError) and seen.code in (408, 413, 504):
            return f"HTTP {seen.code} {seen.reason}"
        text = str(seen)
        match = _TOO_LARGE.search(text)
        if match:
            start = text.rfind("\n", 0, match.start()) + 1
            reason = text[start:].split("SPARQL query:")[0]  # Virtuoso echoes the whole update
            reason = reason[2:] if reason.startswith(("b'", 'b"')) else reason  # bytes' repr
            return " ".join(reason.split())[:240]
        seen = seen.__cause__
    return None

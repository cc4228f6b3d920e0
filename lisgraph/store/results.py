"""Query answers, independent of the store that gave them: solutions, a boolean, or triples, in
any SPARQL results or RDF format, and the one way they are written out.

:func:`write_result` is the only serialisation of answers: the CLI and the pages call it through
:meth:`QueryResult.serialize` (no limits, in memory), and the query process of
:mod:`.sandbox` calls it with :class:`AnswerLimits`, so a visitor's answer is counted as it is
written and never held whole in memory: it goes to a :class:`Spool`, which keeps a small answer
in memory and moves a larger one to an unlinked temporary file. Rows are counted on Oxigraph's
TSV (one line per row, newlines escaped), which is then read back from the spool to write the
format asked for; triples are counted as the serialiser takes them.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from types import TracebackType
from typing import IO, Literal, cast

import pyoxigraph as ox

from ..errors import ResultTooLargeError

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "AnswerLimits",
    "QueryResult",
    "ResultKind",
    "Spool",
    "Term",
    "write_result",
]

#: Result formats for SELECT and ASK, by short name.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: RDF formats for CONSTRUCT and DESCRIBE, by short name.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,  # the triples in the default graph
    "trig": ox.RdfFormat.TRIG,
}

ResultKind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Term:
    """An RDF term in a result row, independent of the store that produced it."""

    kind: Literal["iri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def from_oxigraph(cls, term: object) -> Term:
        if isinstance(term, ox.NamedNode):
            return cls("iri", term.value)
        if isinstance(term, ox.Literal):
            return cls("literal", term.value, term.datatype.value, term.language)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        return cls("literal", str(term))


#: RDF formats whose serialiser writes prefixes.
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


@dataclass
class QueryResult:
    """The answer to one query: solutions (SELECT), a boolean (ASK) or triples (graph).

    ``raw`` holds Oxigraph's own result objects; graph results may also be any iterable of
    ``pyoxigraph.Triple`` (a remote store's answer, parsed).
    """

    kind: ResultKind
    raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple]

    def serialize(self, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
        """The result in format ``fmt`` (a key of RESULT_FORMATS or GRAPH_FORMATS), in memory.

        Raises ValueError when the format does not suit the kind of result.
        """
        with write_result(self, fmt, prefixes=prefixes) as spool:
            return spool.getvalue()

    def triples(self) -> Iterable[ox.Triple]:
        """The triples of a graph result (CONSTRUCT, DESCRIBE)."""
        if self.kind != "graph" or isinstance(self.raw, ox.QuerySolutions | ox.QueryBoolean):
            raise ValueError("only CONSTRUCT and DESCRIBE results have triples")
        return self.raw

    def rows(self) -> list[dict[str, Term]]:
        """SELECT solutions as dicts of bound variables (unbound ones are absent)."""
        if not isinstance(self.raw, ox.QuerySolutions):
            raise ValueError("only SELECT results have rows")
        names = [v.value for v in self.raw.variables]
        return [
            {n: Term.from_oxigraph(sol[n]) for n in names if sol[n] is not None} for sol in self.raw
        ]

    def table(self, limits: AnswerLimits | None = None) -> tuple[list[str], list[list[str]]]:
        """Variables and rows as display strings (for SELECT; ASK gives one 'boolean' column;
        triples give subject, predicate, object).

        Raises ResultTooLargeError past ``limits.max_rows`` rows or ``limits.max_bytes`` of text.
        """
        limits = limits or AnswerLimits()
        if isinstance(self.raw, ox.QueryBoolean):
            return ["boolean"], [[str(bool(self.raw)).lower()]]
        names: list[str]
        rows: Iterator[list[str]]
        if isinstance(self.raw, ox.QuerySolutions):
            names = [v.value for v in self.raw.variables]
            rows = ([_display(sol[n]) for n in names] for sol in self.raw)
            what = "rows"
        else:
            names = ["subject", "predicate", "object"]
            rows = (
                [_display(t.subject), _display(t.predicate), _display(t.object)]
                for t in self.triples()
            )
            what = "triples"
        if limits.max_rows is not None:
            taken = list(islice(rows, limits.max_rows + 1))
            if len(taken) > limits.max_rows:
                raise too_many(limits.max_rows, what)
        else:
            taken = list(rows)
        if limits.max_bytes is not None:
            if sum(len(cell) for row in taken for cell in row) > limits.max_bytes:
                raise too_big(limits.max_bytes)
        return names, taken


def too_many(limit: int, what: str) -> ResultTooLargeError:
    """The error for an answer with more than ``limit`` rows or triples."""
    return ResultTooLargeError(
        f"The result has more than {limit:,} {what}, the most this endpoint returns "
        "(lis:maxResultRows). Add LIMIT and OFFSET to fetch it in pages, or download a dump."
    )


def too_big(limit: int) -> ResultTooLargeError:
    """The error for an answer of more than ``limit`` bytes."""
    return ResultTooLargeError(
        f"The answer is larger than {limit:,} bytes, the most this endpoint returns "
        "(lis:maxResultBytes). Ask for fewer rows or shorter values (LIMIT, OFFSET, "
        "fewer variables), or download a dump."
    )


@dataclass(frozen=True)
class AnswerLimits:
    """How an answer is written: at most ``max_rows`` rows (or triples) and ``max_bytes`` bytes
    (None: no limit); up to ``memory_bytes`` kept in memory, the rest in an unlinked file in
    ``spool_dir`` (None for either: all in memory; the system's temporary directory)."""

    max_rows: int | None = None
    max_bytes: int | None = None
    memory_bytes: int | None = None
    spool_dir: str | None = None

    def spool(self, max_lines: int | None = None) -> Spool:
        """An empty :class:`Spool` under these limits (and at most ``max_lines`` lines)."""
        return Spool(
            max_bytes=self.max_bytes,
            memory_bytes=self.memory_bytes,
            spool_dir=self.spool_dir,
            max_lines=max_lines,
            max_rows=self.max_rows,
        )


class Spool:
    """Where a serialiser writes an answer: in memory up to ``memory_bytes``, then in an
    unlinked temporary file in ``spool_dir`` (so nothing is left behind however the process
    ends). Counts the bytes and lines written; raises ResultTooLargeError past ``max_bytes``
    bytes or ``max_lines`` lines (reported as more than ``max_rows`` rows).
    """

    def __init__(
        self,
        *,
        max_bytes: int | None = None,
        memory_bytes: int | None = None,
        spool_dir: str | None = None,
        max_lines: int | None = None,
        max_rows: int | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.memory_bytes = memory_bytes
        self.spool_dir = spool_dir
        self.max_lines = max_lines
        self.max_rows = max_rows
        self.size = 0
        self.lines = 0
        self._memory: io.BytesIO | None = io.BytesIO()
        self._file: IO[bytes] | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Keep ``data``; raises ResultTooLargeError past the limits."""
        size = len(data)
        if self.max_bytes is not None and self.size + size > self.max_bytes:
            raise too_big(self.max_bytes)
        if self.max_lines is not None:
            self.lines += bytes(data).count(b"\n")
            if self.lines > self.max_lines:
                raise too_many(self.max_rows if self.max_rows is not None else 0, "rows")
        if (
            self._memory is not None
            and self.memory_bytes is not None
            and self.size + size > self.memory_bytes
        ):
            self._file = tempfile.TemporaryFile(dir=self.spool_dir)
            self._file.write(self._memory.getbuffer())
            self._memory = None
        target = self._memory if self._memory is not None else self._file
        assert target is not None
        target.write(data)
        self.size += size
        return size

    def flush(self) -> None:
        pass

    @property
    def in_memory(self) -> bool:
        """Whether the answer is held in memory (else in a file)."""
        return self._memory is not None

    def getvalue(self) -> bytes:
        """The bytes written, when they are held in memory (ValueError otherwise)."""
        if self._memory is None:
            raise ValueError("the answer is in a file, not in memory")
        return self._memory.getvalue()

    def reader(self) -> IO[bytes]:
        """What was written, to read from its start (the spool's own file, when it has one)."""
        if self._memory is not None:
            return io.BytesIO(self._memory.getbuffer())
        assert self._file is not None
        self._file.flush()
        self._file.seek(0)
        return self._file

    def detach_file(self) -> IO[bytes]:
        """The spool's file, at its start, for the caller to read and close; the spool is then
        empty. ValueError when the answer is in memory."""
        if self._file is None:
            raise ValueError("the answer is in memory, not in a file")
        file = self.reader()
        self._file = None
        self.close()
        return file

    def close(self) -> None:
        """Let go of what was written (the file, if any, is removed as it closes)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._memory = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_result(
    result: QueryResult,
    fmt: str,
    *,
    prefixes: dict[str, str] | None = None,
    limits: AnswerLimits | None = None,
) -> Spool:
    """``result`` written in ``fmt`` (a key of RESULT_FORMATS or GRAPH_FORMATS) under
    ``limits``: a :class:`Spool` holding it, for the caller to close.

    Raises ValueError when the format does not suit the kind of result, ResultTooLargeError
    past the limits (nothing is returned then: the spool is closed), OSError when the spool
    cannot be written.
    """
    limits = limits or AnswerLimits()
    raw = result.raw
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"{fmt} is not an RDF format")
        fmt_obj = GRAPH_FORMATS[fmt]
        triples = _counted(result.triples(), limits.max_rows)
        chosen = prefixes if fmt_obj in _PREFIXED else None
        return _filled(
            limits.spool(),
            lambda out: ox.serialize(triples, out, format=fmt_obj, prefixes=chosen),
            xml=fmt_obj == ox.RdfFormat.RDF_XML,
        )
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"{fmt} is not a SPARQL results format")
    fmt_results = RESULT_FORMATS[fmt]
    xml = fmt_results == ox.QueryResultsFormat.XML
    if isinstance(raw, ox.QueryBoolean) or limits.max_rows is None:
        assert isinstance(raw, ox.QuerySolutions | ox.QueryBoolean)
        return _filled(limits.spool(), lambda out: raw.serialize(out, format=fmt_results), xml)
    assert isinstance(raw, ox.QuerySolutions)
    # Rows are counted as TSV lines (the header is one more), the TSV then read back from the
    # spool for the format asked for: neither pass holds more than the spool's memory part.
    tsv_format = ox.QueryResultsFormat.TSV
    tsv = _filled(
        limits.spool(limits.max_rows + 1), lambda out: raw.serialize(out, format=tsv_format)
    )
    if fmt == "tsv":
        return tsv
    with tsv:
        reparsed = ox.parse_query_results(tsv.reader(), format=tsv_format)
        assert isinstance(reparsed, ox.QuerySolutions)
        return _filled(limits.spool(), lambda out: reparsed.serialize(out, format=fmt_results), xml)


def _filled(spool: Spool, write: Callable[[IO[bytes]], object], xml: bool = False) -> Spool:
    """``spool`` once ``write(spool)`` has written into it (through :class:`_CarriageReturns`
    when the format is XML); closed if writing fails."""
    try:
        # The serialisers only call write() and flush().
        write(cast(IO[bytes], _CarriageReturns(spool) if xml else spool))
    except BaseException:
        spool.close()
        raise
    return spool


class _CarriageReturns:
    """Writes XML into ``spool`` with each carriage return as ``&#13;``.

    Oxigraph's XML writers (SPARQL results, RDF/XML) write a literal's CR as it is, and every
    XML parser reads a raw CR as a line feed (XML 1.0, 2.11; in an attribute, 3.3.3, as a
    space): ``"a\rb"`` would come back as ``"a\nb"``. A character reference survives. The
    writers put no CR of their own in the markup, so every CR is in a value.
    """

    def __init__(self, spool: Spool) -> None:
        self._spool = spool

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._spool.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        self._spool.flush()


def _counted(triples: Iterable[ox.Triple], limit: int | None) -> Iterator[ox.Triple]:
    """``triples``, raising ResultTooLargeError when there are more than ``limit``."""
    for number, triple in enumerate(triples, 1):
        if limit is not None and number > limit:
            raise too_many(limit, "triples")
        yield triple


def _display(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)

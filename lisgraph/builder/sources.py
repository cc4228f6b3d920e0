"""Read the ontology, the data files and the reference lookup into one dataset.

Each file becomes a named graph, so every triple can be traced to the file and so to the
source it was taken from:

- ``ontology/lis.ttl`` -> ``{base}def/lis``; ``ontology/NAME.ttl`` -> ``{base}def/lis/NAME``
- ``data/NAME.ttl`` -> ``{base}graph/NAME``, which must state
  ``<graph/NAME> prov:wasDerivedFrom <id/source/...>``
- the ONS lookup CSV -> ``{base}graph/ons-lad-lep-2020``
- the public-data pack's places (data/reference/public-data/): regions, combined authorities,
  district and LEP-area shapes -> one graph per file (see :mod:`lisgraph.builder.places`); its
  funding rows -> the graph of each row's source (see :mod:`lisgraph.builder.funding`)
- the public-sources pack (data/reference/public-sources/) -> ``{base}graph/source-{id}`` per
  source, its catalogue and the editors' inferences (see :mod:`lisgraph.builder.public_sources`)
- the build's derivations (ontology/rules/*.rq) -> ``{base}graph/derived-{rule}``
  (see :mod:`lisgraph.builder.derive`)

Files use relative IRIs, resolved against the configured base IRI.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import DataLoadError
from ..shacl import RewrittenLiteral, rewritten_literals
from ..sparql_text import NOT_XML, NOT_XML_WRITTEN
from ..vocab import OWL, PROV, RDF, VANN, lis_namespace
from .derive import derive
from .funding import funding_quads
from .ons_lookup import lookup_graph
from .places import place_quads
from .public_sources import public_source_quads
from .sic import sic_quads

__all__ = [
    "REFERENCE_GRAPH",
    "Loaded",
    "OntologyVersion",
    "data_graph_iri",
    "load",
    "parse_turtle",
    "refuse_not_xml",
    "refuse_rewritten",
]

REFERENCE_GRAPH = "graph/ons-lad-lep-2020"
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))


@dataclass(frozen=True)
class OntologyVersion:
    """The release a build is made for: its version and the release before it (if any).

    In a release, each ontology document's ``owl:versionIRI`` is ``{document}/{version}``, its
    ``owl:versionInfo`` the version, and its ``owl:priorVersion`` ``{document}/{previous}``, as
    the OBO Foundry's date-stamped releases do; without one, the files' own values stand.
    """

    version: str
    previous: str | None = None


@dataclass
class Loaded:
    """The loaded dataset: an in-memory Oxigraph store of quads.

    ``rewritten`` are the files' literals the store holds as other terms (``"300"^^xsd:byte``
    as ``"300"^^xsd:integer``; :mod:`lisgraph.shacl.literal_forms`), each naming its file and
    line: the validators judge them as written, and :func:`refuse_rewritten` refuses them.
    """

    store: ox.Store
    rewritten: list[RewrittenLiteral] = field(default_factory=list)


def refuse_rewritten(loaded: Loaded) -> None:
    """Raise DataLoadError naming each literal of the files that the store, and so the dumps,
    would hold as another term than the file's: the build publishes only what the files say.
    """
    if not loaded.rewritten:
        return
    first = loaded.rewritten[0].where
    path, _, line = first.partition(":")
    raise DataLoadError(
        "Literals that would be published as other terms than the files':\n"
        + "\n".join(f"  {r.explain()}" for r in loaded.rewritten),
        path or None,
        int(line) if line.isdigit() else None,
    )


#: A character XML 1.0 cannot carry as Oxigraph writes it in N-Triples (a ``\\u`` escape with
#: upper-case digits), after an even number of backslashes (``\\\\u0000`` is the text).
_NOT_XML_IN_NTRIPLES = re.compile(rb"(?<!\\)(?:\\\\)*\\u(?:000[0-8BCEF]|001[0-9A-F]|FFF[EF])")


def refuse_not_xml(store: ox.Store, merged: bytes) -> None:
    """Raise DataLoadError naming each graph (so its source) that holds a literal with a
    character XML 1.0 cannot carry, whatever the source's format: the Turtle files are refused
    as they are read (:func:`parse_turtle`, with file and line); this finds the rest (a CSV
    source, a derivation) in ``merged``, the merge's N-Triples
    (:func:`~lisgraph.canonical.merged_ntriples`), where Oxigraph writes each such character
    as an escape."""
    if b"\\u" not in merged:
        return
    found: list[str] = []
    for match in _NOT_XML_IN_NTRIPLES.finditer(merged):
        start = merged.rfind(b"\n", 0, match.start()) + 1
        end = merged.find(b"\n", match.end())
        line = merged[start : end if end >= 0 else len(merged)]
        (triple,) = ox.parse(input=line + b"\n", format=ox.RdfFormat.N_TRIPLES)
        graphs = sorted(
            quad.graph_name.value
            for quad in store.quads_for_pattern(triple.subject, triple.predicate, triple.object)
            if isinstance(quad.graph_name, ox.NamedNode)
        )
        held = _code_points(triple.object.value)
        found.append(f"  {triple.subject} {triple.predicate} holds {held}, in {', '.join(graphs)}")
        if len(found) == 20:
            break
    if found:
        raise DataLoadError(
            "Literals hold characters XML 1.0 cannot carry, so the RDF/XML dump and SPARQL XML "
            "results could not (leave the character out, or write what it stands for in "
            "words):\n" + "\n".join(dict.fromkeys(found))
        )


def _rewritten_in(path: Path, triples: list[ox.Triple]) -> list[RewrittenLiteral]:
    """The literals of one file the store would rewrite, each with the file and the first line
    that writes it (found by its quoted text; the parser gives no positions)."""
    found = rewritten_literals(triples)
    if not found:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    located = []
    for literal in found:
        text = literal.triple.object.value  # type: ignore[union-attr]
        quoted = (f'"{text}"^^', f"'{text}'^^")
        number = next(
            (n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)), None
        )
        where = f"{path}:{number}" if number else str(path)
        located.append(dataclasses.replace(literal, where=where))
    return located


def parse_turtle(path: Path, base: str) -> list[ox.Triple]:
    """Parse one Turtle file with relative IRIs resolved against ``base``.

    Raises DataLoadError naming the file, line and column of a syntax error.
    """
    try:
        data = path.read_bytes()  # read once: parsed, then tested for characters XML cannot carry
        triples = list(ox.parse(input=data, format=ox.RdfFormat.TURTLE, base_iri=base))
    except SyntaxError as exc:
        line = exc.lineno
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise DataLoadError(f"{path}:{line}: malformed Turtle: {message}", str(path), line) from exc
    except (OSError, ValueError) as exc:
        raise DataLoadError(f"Cannot read {path}: {exc}", str(path)) from exc
    _refuse_not_xml(path, data, triples)
    return triples


def _code_points(text: str) -> str:
    """The characters of ``text`` that XML 1.0 cannot carry, as ``U+0000, U+001F``."""
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in NOT_XML.findall(text)}))


def _refuse_not_xml(path: Path, data: bytes, triples: list[ox.Triple]) -> None:
    """Raise DataLoadError naming the file and line of each literal holding a character XML 1.0
    cannot carry (:data:`~lisgraph.sparql_text.NOT_XML`): the RDF/XML dump could not be read
    back, and a store answering in SPARQL XML would lose it. The file's bytes ``data`` are
    tested first (:func:`_may_write_not_xml`); its literals are read only when it may write
    one."""
    if not _may_write_not_xml(data):
        return
    text = data.decode("utf-8", errors="replace")
    written = [text.count("\n", 0, m.start()) + 1 for m in NOT_XML_WRITTEN.finditer(text)]
    if not written:
        return
    held = [
        (triple, _code_points(triple.object.value))
        for triple in triples
        if isinstance(triple.object, ox.Literal) and NOT_XML.search(triple.object.value)
    ]
    if not held:
        return  # only escapes of characters XML can carry (\u0009, \u000A, \u000D)
    lines = ", ".join(str(n) for n in sorted(set(written))[:20])
    raise DataLoadError(
        f"{path}:{written[0]}: literals hold characters XML 1.0 cannot carry (written at line "
        f"{lines}), so the RDF/XML dump and SPARQL XML results could not: "
        + "; ".join(f"{t.subject} {t.predicate} holds {chars}" for t, chars in held[:20])
        + ". Leave the character out, or write what it stands for in words.",
        str(path),
        written[0],
    )


#: Every byte but the control characters XML 1.0 cannot carry (it carries tab, line feed and
#: carriage return), 0xEF (which starts U+FFFE and U+FFFF in UTF-8) and the backslash (which
#: starts an escape): what ``bytes.translate`` deletes, leaving only what needs a second look.
_PLAIN_BYTES = bytes(b for b in range(256) if (b in (9, 10, 13) or b >= 32) and b not in b"\xef\\")


def _may_write_not_xml(data: bytes) -> bool:
    """Whether UTF-8 Turtle ``data`` may write a character XML 1.0 cannot carry: a control
    byte, U+FFFE or U+FFFF as they are, or a ``\\u``/``\\U`` escape of one. One pass over
    the bytes for most files (0.05 s for the 154 MB of the 1M synthetic build's data)."""
    rest = data.translate(None, _PLAIN_BYTES)
    if not rest:
        return False
    if rest.translate(None, b"\xef\\"):
        return True  # a control byte
    if b"\xef" in rest and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data):
        return True
    return (
        b"\\" in rest
        and (b"\\u" in data or b"\\U" in data)
        and (NOT_XML_WRITTEN.search(data.decode("utf-8", "replace")) is not None)
    )


def data_graph_iri(path: Path, base: str) -> str:
    """The named graph a data file is loaded into."""
    return f"{base}graph/{path.stem}"


def _ontology_graph_iri(path: Path, base: str) -> str:
    return f"{base}def/lis" if path.stem == "lis" else f"{base}def/lis/{path.stem}"


def _turtle_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise DataLoadError(f"The directory {directory} does not exist.", str(directory))
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise DataLoadError(f"The directory {directory} holds no .ttl files.", str(directory))
    return files


def _add(store: ox.Store, triples: Iterable[ox.Triple], graph: str) -> None:
    name = ox.NamedNode(graph)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)


def _stamp_version(store: ox.Store, version: OntologyVersion) -> None:
    """Give every ontology document (``owl:Ontology`` in its own graph) the release's version."""
    version_iri = ox.NamedNode(str(OWL.versionIRI))
    version_info = ox.NamedNode(str(OWL.versionInfo))
    prior = ox.NamedNode(str(OWL.priorVersion))
    is_a, ontology = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology))
    documents = [
        q.subject
        for q in store.quads_for_pattern(None, is_a, ontology)
        if isinstance(q.subject, ox.NamedNode) and q.graph_name == q.subject
    ]
    for document in documents:
        for predicate in (version_iri, version_info, prior):
            for quad in list(store.quads_for_pattern(document, predicate, None, document)):
                store.remove(quad)
        stamped: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (version_iri, ox.NamedNode(f"{document.value}/{version.version}")),
            (version_info, ox.Literal(version.version)),
        ]
        if version.previous:
            stamped.append((prior, ox.NamedNode(f"{document.value}/{version.previous}")))
        store.extend(ox.Quad(document, p, o, document) for p, o in stamped)


def load(
    settings: Settings,
    data_files: list[Path] | None = None,
    with_reference: bool = True,
    version: OntologyVersion | None = None,
) -> Loaded:
    """Load the ontology, the data (all of data/*.ttl, or ``data_files``) and, unless
    ``with_reference`` is false, the ONS lookup (and, with all the data, the public-sources
    pack); then run the build's derivations (:func:`lisgraph.derive.derive`). ``version`` stamps
    the ontology for a release (:class:`OntologyVersion`).

    Raises DataLoadError for an unreadable or malformed file, or a data file that does not say
    which source it comes from.
    """
    store = ox.Store()
    rewritten = _load_ontology(store, settings.ontology_dir, settings.base, version)
    rewritten += _load_data(
        store, data_files if data_files is not None else _turtle_files(settings.data_dir), settings
    )
    if with_reference:
        _load_reference(store, settings, all_data=data_files is None)
    derive(store, settings)
    return Loaded(store=store, rewritten=rewritten)


def _load_ontology(
    store: ox.Store, directory: Path, base: str, version: OntologyVersion | None
) -> list[RewrittenLiteral]:
    """Each ontology file in its own graph, the namespace URI the base gives, and the release's
    version stamped if there is one. Returns the literals the store holds as other terms."""
    rewritten: list[RewrittenLiteral] = []
    for path in _turtle_files(directory):
        triples = parse_turtle(path, base)
        rewritten += _rewritten_in(path, triples)
        _add(store, triples, _ontology_graph_iri(path, base))
    # The namespace URI follows the configured base, which a static file cannot say.
    ontology = ox.NamedNode(f"{base}def/lis")
    store.add(
        ox.Quad(
            ontology,
            ox.NamedNode(f"{VANN}preferredNamespaceUri"),
            ox.Literal(lis_namespace(base)),
            ontology,
        )
    )
    if version is not None:
        _stamp_version(store, version)
    return rewritten


def _load_data(
    store: ox.Store, paths: Iterable[Path], settings: Settings
) -> list[RewrittenLiteral]:
    """Each data file in its own graph, which must say which source it comes from. Returns the
    literals the store holds as other terms."""
    rewritten: list[RewrittenLiteral] = []
    for path in paths:
        triples = parse_turtle(path, settings.base)
        graph = data_graph_iri(path, settings.base)
        graph_node = ox.NamedNode(graph)
        if not any(t.subject == graph_node and t.predicate == _DERIVED_FROM for t in triples):
            raise DataLoadError(
                f"{path}: the file does not say which source its facts come from. Add a line "
                f"<graph/{path.stem}> prov:wasDerivedFrom <id/source/...> . naming the source.",
                str(path),
            )
        rewritten += _rewritten_in(path, triples)
        _add(store, triples, graph)
    return rewritten


def _load_reference(store: ox.Store, settings: Settings, all_data: bool) -> None:
    """The ONS lookup and the public-data pack's places; with all the data, also the
    public-sources pack (it speaks of the seeds' strategies), the funding rows (they name the
    LEPs and authorities of the data) and the SIC sections."""
    base = settings.base
    if all_data:
        pack = settings.reference_csv.parent / "public-sources"
        store.extend(public_source_quads(pack, base))
    lookup = lookup_graph(settings.reference_csv, base)
    reference_graph = base + REFERENCE_GRAPH
    lookup_triples = ox.parse(
        input=lookup.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    )
    _add(store, lookup_triples, reference_graph)
    store.add(
        ox.Quad(
            ox.NamedNode(reference_graph),
            _DERIVED_FROM,
            ox.NamedNode(base + "id/source/ons-lad-lep-2020"),
            ox.NamedNode(reference_graph),
        )
    )
    places = settings.reference_csv.parent / "public-data"
    store.extend(place_quads(places, base))
    if all_data:
        store.extend(funding_quads(places, base))
        store.extend(sic_quads(places, base))

"""The build's derivations: SPARQL CONSTRUCT rules run over the loaded dataset.

Each ``ontology/rules/NN-name.rq`` is run in file-name order over everything loaded so far
(earlier rules' output included) and its triples are added to their own named graph
``{base}graph/derived-{name}``, which says ``prov:wasGeneratedBy {base}id/derivation/{name}``: a
``prov:Activity`` whose label is the rule's first comment line. So a derived triple is never
mistaken for a source's statement: ``GRAPH ?g`` names the rule, and the rule's text is in the
ontology folder. The rules use the default base IRI; it is replaced by the configured one.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..config import DEFAULT_BASE_IRI, Settings
from ..errors import DataLoadError
from ..vocab import DCTERMS, PROV, RDF, RDFS

__all__ = ["derive", "rule_files"]


def rule_files(settings: Settings) -> list[Path]:
    """The rule files, in the order they run."""
    return sorted((settings.ontology_dir / "rules").glob("*.rq"))


def derive(store: ox.Store, settings: Settings) -> None:
    """Run every rule over ``store`` and add its output, each rule in its own named graph.

    Raises DataLoadError naming the rule file when a rule is not a valid CONSTRUCT query.
    """
    base = settings.base
    # The rules read the merge of every graph. Oxigraph's union-default-graph mode probes each
    # named graph in turn for every pattern, which with hundreds of graphs (one per source)
    # made a rule take minutes at 100k triples; a copy with the merge as its default graph
    # answers the same in milliseconds. Each rule's output is added to the copy too, so later
    # rules read it as they would in the union.
    merged = ox.Store()
    merged.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    for path in rule_files(settings):
        name = path.stem.split("-", 1)[-1] if path.stem[:2].isdigit() else path.stem
        text = path.read_text(encoding="utf-8")
        try:
            query = text.replace(DEFAULT_BASE_IRI, base)
            triples = [t for t in merged.query(query) if isinstance(t, ox.Triple)]  # type: ignore[union-attr]
        except (SyntaxError, ValueError, OSError) as exc:
            raise DataLoadError(f"{path}: the rule cannot be run: {exc}", str(path)) from exc
        graph = ox.NamedNode(f"{base}graph/derived-{name}")
        activity = ox.NamedNode(f"{base}id/derivation/{name}")
        comment = next((line.lstrip("# ").strip() for line in text.splitlines()), name)
        made = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        made.extend(
            [
                ox.Quad(graph, ox.NamedNode(PROV.wasGeneratedBy), activity, graph),
                ox.Quad(
                    activity,
                    ox.NamedNode(RDF.type),
                    ox.NamedNode(PROV.Activity),
                    graph,
                ),
                ox.Quad(
                    activity,
                    ox.NamedNode(RDFS.label),
                    ox.Literal(comment, language="en"),
                    graph,
                ),
                ox.Quad(
                    activity,
                    ox.NamedNode(RDFS.comment),
                    ox.Literal(
                        f"Run by the build: the SPARQL rule ontology/rules/{path.name}.",
                        language="en",
                    ),
                    graph,
                ),
                ox.Quad(
                    activity,
                    ox.NamedNode(DCTERMS.source),
                    ox.NamedNode(f"{base}id/source/lisgraph-editors"),
                    graph,
                ),
            ]
        )
        store.extend(made)
        merged.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in made)

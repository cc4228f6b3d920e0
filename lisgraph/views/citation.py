"""How to cite a resource, its sources and the dataset: plain text, BibTeX and CSL-JSON, from
what the graph says of them (title, publisher, address, date) and the build's version."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .. import sparql_text
from ..store import Store
from ..vocab import DCTERMS, LIS, rebase
from .labels import fallback_label, label_map

__all__ = ["Citation", "cite_resource", "cite_sources", "dataset_citation"]

DATASET_TITLE = "lisgraph: England's Local Industrial Strategies as linked data"


@dataclass(frozen=True)
class Citation:
    """One work to cite, and its citation in three forms."""

    iri: str
    title: str
    publisher: str
    url: str
    date: str  # as the graph gives it (YYYY, YYYY-MM or YYYY-MM-DD), or ""
    note: str = ""

    @property
    def key(self) -> str:
        return re.sub(
            r"[^A-Za-z0-9]+", "-", self.iri.rsplit("/", 2)[-2] + "-" + self.iri.rsplit("/", 1)[-1]
        ).strip("-")

    def text(self) -> str:
        parts = [self.publisher] if self.publisher else []
        parts.append(f"({self.date[:4]})" if self.date else "(n.d.)")
        sentence = " ".join(parts) + f". {self.title}."
        if self.note:
            sentence += f" {self.note}."
        return sentence + (f" {self.url}" if self.url else "")

    def bibtex(self) -> str:
        fields = {"title": self.title, "publisher": self.publisher, "url": self.url}
        if self.date:
            fields["year"] = self.date[:4]
        if self.note:
            fields["note"] = self.note
        body = ",\n".join(
            f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields.items() if value
        )
        return f"@misc{{{self.key},\n{body}\n}}"

    def csl_json(self) -> str:
        item: dict[str, object] = {"id": self.key, "type": "dataset", "title": self.title}
        if self.publisher:
            item["publisher"] = self.publisher
        if self.url:
            item["URL"] = self.url
        if self.date:
            item["issued"] = {"date-parts": [[int(x) for x in self.date.split("-")]]}
        if self.note:
            item["note"] = self.note
        return json.dumps(item, ensure_ascii=False, indent=2)


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}%&$#_])", r"\\\1", value)


def dataset_citation(base: str, public_root: str, version: str) -> Citation:
    """The dataset as a whole, at the build served (``version``: the build's digest)."""
    return Citation(
        iri=base + "id/dataset/lisgraph",
        title=DATASET_TITLE,
        publisher="lisgraph project",
        url=public_root,
        date="",
        note=f"Build {version[:12]}; data under the Open Government Licence v3.0",
    )


def cite_resource(store: Store, iri: str, url: str, dataset: Citation) -> Citation:
    """A resource of the dataset, cited as part of the dataset at this build."""
    title = label_map(store, {iri}).get(iri) or fallback_label(iri)
    return Citation(
        iri=iri, title=title, publisher=dataset.title, url=url, date="", note=dataset.note
    )


def cite_sources(store: Store, base: str, sources: list[str]) -> list[Citation]:
    """The sources (``lis:Source`` resources, or graphs naming none) as the graph describes
    them: title, publisher's name, address and date where it gives them."""
    if not sources:
        return []
    iri = sparql_text.iri
    values = " ".join(iri(s) for s in sources)
    dated = f"{iri(str(DCTERMS.date))}|{iri(str(DCTERMS.issued))}"
    rows = store.query(
        "SELECT ?s (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?publisher) "
        f"(SAMPLE(?a) AS ?address) (SAMPLE(?d) AS ?date) WHERE {{ VALUES ?s {{ {values} }} "
        f"OPTIONAL {{ ?s {iri(str(DCTERMS.title))} ?t }} "
        f"OPTIONAL {{ ?s {iri(str(DCTERMS.publisher))} ?pub }} "
        f"OPTIONAL {{ ?s {iri(str(rebase(str(LIS.address), base)))} ?a }} "
        f"OPTIONAL {{ ?s {dated} ?d }} }} GROUP BY ?s"
    ).rows()
    by_iri = {r["s"].value: r for r in rows}
    publishers = {
        r["publisher"].value for r in rows if "publisher" in r and r["publisher"].kind == "iri"
    }
    names = label_map(store, publishers | set(sources))
    citations = []
    for source in sources:
        row = by_iri.get(source, {})
        publisher = ""
        if "publisher" in row:
            term = row["publisher"]
            publisher = (
                names.get(term.value, fallback_label(term.value))
                if term.kind == "iri"
                else term.value
            )
        address = row["address"].value if "address" in row else ""
        is_url = address.startswith(("http://", "https://"))
        citations.append(
            Citation(
                iri=source,
                title=row["title"].value
                if "title" in row
                else names.get(source, fallback_label(source)),
                publisher=publisher,
                url=address if is_url else "",
                date=row["date"].value if "date" in row else "",
                note=f"At {address}" if address and not is_url else "",
            )
        )
    return citations

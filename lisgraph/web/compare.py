"""``/compare``: LEPs side by side; ``/compare/strategies``: strategies side by side.

With no ``lep`` parameter, every LEP in one table, sortable by any column (``?sort=``,
``?order=desc``), each row with a box to pick it; with two or more (``?lep=E37000057&lep=...``,
GSS codes or IRIs), the LEPs in columns, rows whose values differ marked. Every value links to
its page and its source; each panel links its SPARQL query into the editor; ``?format=csv`` is the
same table as CSV. ``/compare/strategies`` is the same for the Local Industrial Strategies
(``?strategy=cumbria-lis&strategy=...``, the last segment of their IRIs, or the IRIs), with each
strategy's priorities listed in the source's order. Everything comes from the build, so the page
cache keeps it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from ..errors import ProtocolError
from ..views.compare import (
    ALL_COLUMNS,
    NOT_STATED,
    TableColumn,
    compare_leps,
    side_by_side,
    sorted_table,
)
from ..views.compare_strategies import (
    STRATEGY_COLUMNS,
    compare_strategies,
    sorted_strategies,
    strategies_side_by_side,
)
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("compare", __name__)

_CODE = re.compile(r"E37\d{6}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
#: The most LEPs one comparison shows (all 38 is the every-LEP table).
MAX_LEPS = 12


def _lep(value: str, base: str) -> str:
    code = value.rsplit("/", 1)[-1].strip()
    if not _CODE.fullmatch(code):
        raise ProtocolError(f"lep={value!r} is not a LEP's GSS code (E37 and six digits).")
    return f"{base}id/lep/{code}"


def _strategy(value: str, base: str) -> str:
    slug = value.rstrip("/").rsplit("/", 1)[-1].strip()
    if not _SLUG.fullmatch(slug):
        raise ProtocolError(
            f"strategy={value!r} is not a strategy's name in its IRI "
            "(lower-case letters, digits and hyphens, as in cumbria-lis)."
        )
    return f"{base}id/strategy/{slug}"


@dataclass(frozen=True)
class _Kind:
    """What is compared: LEPs or strategies (the views that compare them, the page's words)."""

    noun: str
    param: str
    path: str
    iri: Callable[[str, str], str]
    compare: Callable[..., Any]
    side_by_side: Callable[[Any], list[Any]]
    sorted_table: Callable[[Any, str, bool], list[Any]]
    columns: tuple[TableColumn, ...]
    csv_name: str
    schema_type: str  # the schema.org type of what is compared (the pages' JSON-LD)


LEPS = _Kind(
    "LEPs",
    "lep",
    "compare",
    _lep,
    compare_leps,
    side_by_side,
    sorted_table,
    ALL_COLUMNS,
    "leps",
    "GovernmentOrganization",
)
STRATEGIES = _Kind(
    "strategies",
    "strategy",
    "compare/strategies",
    _strategy,
    compare_strategies,
    strategies_side_by_side,
    sorted_strategies,
    STRATEGY_COLUMNS,
    "strategies",
    "Report",
)


def _chosen(kind: _Kind) -> list[str]:
    base = current_snapshot().base
    chosen: list[str] = []
    for value in request.args.getlist(kind.param):
        iri = kind.iri(value, base)
        if iri not in chosen:
            chosen.append(iri)
    if len(chosen) > MAX_LEPS:
        raise ProtocolError(
            f"Compare at most {MAX_LEPS} {kind.noun} at a time ({len(chosen)} asked)."
        )
    return chosen


def _csv(header: list[str], rows: list[list[str]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _editor(query: str) -> str:
    return public_root() + "sparql?" + urlencode({"query": query})


def _about(kind: _Kind, records: list[Any]) -> list[dict[str, str]]:
    """What a page compares, for its JSON-LD: each one's IRI, schema.org type and name."""
    return [{"@id": r.iri, "@type": kind.schema_type, "name": r.name} for r in records]


def _page(kind: _Kind) -> Response:
    snapshot = current_snapshot()
    chosen = _chosen(kind)

    def every() -> Any:  # every LEP (strategy): the same for the whole build
        return snapshot.once(
            ("compare", kind.path), lambda: kind.compare(snapshot.store, snapshot.base)
        )

    comparison = kind.compare(snapshot.store, snapshot.base, chosen) if chosen else every()
    csv_wanted = request.args.get("format") == "csv"
    picked: set[str] = set()
    if len(chosen) == 1 and not csv_wanted:
        # one (from its page's "compare with" link): the table to pick the others from
        picked = {r.iri for r in comparison.records}
        comparison = every()
    if len(chosen) >= 2:
        rows = kind.side_by_side(comparison)
        if csv_wanted:
            return _csv(
                ["field", *(f"{r.name} ({r.code})" for r in comparison.records)],
                [
                    [row.label, *("; ".join(v.text for v in cell) for cell in row.cells)]
                    for row in rows
                ],
                f"lisgraph-compare-{kind.csv_name}.csv",
            )
        html = render_template(
            "compare.html",
            noun=kind.noun,
            every_url=public_root() + kind.path,
            comparison=comparison,
            rows=rows,
            panels={p.key: p for p in comparison.panels},
            editor=_editor,
            missing=[c for c in chosen if c not in {r.iri for r in comparison.records}],
            not_stated=NOT_STATED,
            csv_url=public_root() + request.full_path.lstrip("/").rstrip("?") + "&format=csv",
            jsonld_about=_about(kind, comparison.records),
        )
        return Response(html, content_type="text/html; charset=utf-8")
    sort = request.args.get("sort", "name")
    descending = request.args.get("order") == "desc"
    table = kind.sorted_table(comparison, sort, descending)
    if csv_wanted:
        return _csv(
            [c.label for c in kind.columns],
            [[str(row[c.key]) for c in kind.columns] for _, row in table],
            f"lisgraph-{kind.csv_name}.csv",
        )
    html = render_template(
        "compare_all.html",
        noun=kind.noun,
        param=kind.param,
        page_url=public_root() + kind.path,
        comparison=comparison,
        table=table,
        columns=kind.columns,
        sort=sort,
        descending=descending,
        picked=picked,
        editor=_editor,
        jsonld_about=_about(kind, comparison.records),
    )
    return Response(html, content_type="text/html; charset=utf-8")


@bp.route("/compare")
def compare() -> Response:
    return _page(LEPS)


@bp.route("/compare/strategies")
def compare_strategies_page() -> Response:
    return _page(STRATEGIES)

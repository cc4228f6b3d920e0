"""``/compare``: LEPs side by side.

With no ``lep`` parameter, every LEP in one table, sortable by any column (``?sort=``,
``?order=desc``), each row with a box to pick it; with two or more (``?lep=E37000057&lep=...``,
GSS codes or IRIs), the LEPs in columns, rows whose values differ marked. Every value links to
its page and its source; each panel links its SPARQL query into the editor; ``?format=csv`` is the
same table as CSV. Everything comes from the build, so the page cache keeps it.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from ..errors import ProtocolError
from ..views.compare import ALL_COLUMNS, NOT_STATED, compare_leps, side_by_side, sorted_table
from .dataset import current_snapshot
from .urls import public_root

__all__ = ["bp"]

bp = Blueprint("compare", __name__)

_CODE = re.compile(r"E37\d{6}")
#: The most LEPs one comparison shows (all 38 is the every-LEP table).
MAX_LEPS = 12


def _chosen() -> list[str]:
    base = current_snapshot().base
    leps: list[str] = []
    for value in request.args.getlist("lep"):
        code = value.rsplit("/", 1)[-1].strip()
        if not _CODE.fullmatch(code):
            raise ProtocolError(f"lep={value!r} is not a LEP's GSS code (E37 and six digits).")
        iri = f"{base}id/lep/{code}"
        if iri not in leps:
            leps.append(iri)
    if len(leps) > MAX_LEPS:
        raise ProtocolError(f"Compare at most {MAX_LEPS} LEPs at a time ({len(leps)} asked).")
    return leps


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


@bp.route("/compare")
def compare() -> Response:
    snapshot = current_snapshot()
    leps = _chosen()
    comparison = compare_leps(snapshot.store, snapshot.base, leps)
    csv_wanted = request.args.get("format") == "csv"
    if len(leps) == 1 and not csv_wanted:
        # one LEP (from its page's "compare with" link): the table to pick the others from
        leps_for_table = comparison.records
        comparison = compare_leps(snapshot.store, snapshot.base)
        picked = {r.iri for r in leps_for_table}
    else:
        picked = set()
    if len(leps) >= 2:
        rows = side_by_side(comparison)
        if csv_wanted:
            return _csv(
                ["field", *(f"{r.name} ({r.code})" for r in comparison.records)],
                [
                    [row.label, *("; ".join(v.text for v in cell) for cell in row.cells)]
                    for row in rows
                ],
                "lisgraph-compare.csv",
            )
        missing = [lep for lep in leps if lep not in {r.iri for r in comparison.records}]
        html = render_template(
            "compare.html",
            comparison=comparison,
            rows=rows,
            panels={p.key: p for p in comparison.panels},
            editor=_editor,
            missing=missing,
            not_stated=NOT_STATED,
            csv_url=public_root() + request.full_path.lstrip("/").rstrip("?") + "&format=csv",
        )
        return Response(html, content_type="text/html; charset=utf-8")
    sort = request.args.get("sort", "name")
    descending = request.args.get("order") == "desc"
    table = sorted_table(comparison, sort, descending)
    if csv_wanted:
        return _csv(
            [c.label for c in ALL_COLUMNS],
            [[str(row[c.key]) for c in ALL_COLUMNS] for _, row in table],
            "lisgraph-leps.csv",
        )
    html = render_template(
        "compare_all.html",
        comparison=comparison,
        table=table,
        columns=ALL_COLUMNS,
        sort=sort,
        descending=descending,
        picked=picked,
        editor=_editor,
    )
    return Response(html, content_type="text/html; charset=utf-8")

"""The benchmark's report: its figures as Markdown tables, the ratios the goals are stated in,
and ``results.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def build_report(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Build", "", "| data | triples | parse s | validate s | dumps s | total s | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for row in results["build"]:
        lines.append(
            f"| {row['data']} | {row['triples']:,.0f} | {row['parse_s']:.2f} "
            f"| {row['validate_s']:.2f} | {row['dumps_s']:.2f} | {row['total_s']:.2f} "
            f"| {row['peak_mb']:.0f} |"
        )
    return [*lines, "", f"Server start from the last build: {results['start']['seconds']:.2f} s"]


def report(results: dict[str, Any]) -> str:
    lines: list[str] = build_report(results) if "build" in results else []
    for section in ("queries", "queries at scale"):
        if section not in results:
            continue
        q = results[section]
        engines = list(next(iter(q["queries"].values())))
        lines += [
            "", f"## Queries on {q['data']} ({q['workers']} workers, {q['clients']} clients)",
            "", "p50 / p95 latency, and throughput", "",
            "| query | " + " | ".join(engines) + " |", "|---|" + "---:|" * len(engines),
        ]  # fmt: skip
        for name, row in q["queries"].items():
            cells = [
                f"{row[e]['p50_ms']:.1f} / {row[e]['p95_ms']:.1f} ms, {row[e]['rps']:,.0f}/s"
                for e in engines
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        hello = q["hello"]
        lines += [
            "",
            f"hello-world route: {hello['p50_ms']:.2f} / {hello['p95_ms']:.2f} ms, "
            f"{hello['rps']:,.0f}/s",
            "",
        ]
        lines += [
            f"Dereferencing on {q['data']} (requests/s):",
            "",
            "| what | req/s |",
            "|---|---:|",
        ]
        for name, rps in q["dereferencing"].items():
            lines.append(f"| {name} | {rps:,.0f} |")
    for section in ("ratios", "ratios at scale"):
        if section in results:
            lines += ["", f"## {section.capitalize()}", ""]
            for name, value in results[section].items():
                lines.append(f"- {name}: {value:.2f}")
    return "\n".join(lines) + "\n"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def ratios(q: dict[str, Any]) -> dict[str, float]:
    queries = q["queries"]
    agg, point = queries["GROUP BY aggregate"], queries["point lookup"]
    out = {
        "aggregate: HTTP throughput / in-process (goal >= 0.8)": _ratio(
            agg["lisgraph HTTP"]["rps"], agg["in-process"]["rps"]
        ),
        "aggregate: HTTP throughput / naive rdflib HTTP (goal >= 50)": _ratio(
            agg["lisgraph HTTP"]["rps"], agg["naive rdflib HTTP"]["rps"]
        ),
        "aggregate: naive rdflib p50 / HTTP p50": _ratio(
            agg["naive rdflib HTTP"]["p50_ms"], agg["lisgraph HTTP"]["p50_ms"]
        ),
        "point lookup: p50 latency / hello-world p50 (goal <= 2)": _ratio(
            point["lisgraph HTTP"]["p50_ms"], q["hello"]["p50_ms"]
        ),
        "point lookup: hello-world throughput / HTTP throughput (goal <= 2)": _ratio(
            q["hello"]["rps"], point["lisgraph HTTP"]["rps"]
        ),
    }
    for name, row in queries.items():
        out[f"{name}: uncached p50 / cached p50 (goal >= 5)"] = _ratio(
            row["lisgraph HTTP"]["p50_ms"], row["lisgraph HTTP, cached"]["p50_ms"]
        )
    if "Virtuoso HTTP" in point:
        out["point lookup: HTTP throughput / Virtuoso (goal >= 1)"] = _ratio(
            point["lisgraph HTTP"]["rps"], point["Virtuoso HTTP"]["rps"]
        )
        deref = q["dereferencing"]
        out["resource page Turtle / Virtuoso DESCRIBE (goal >= 1)"] = _ratio(
            deref["resource page, Turtle"], deref["Virtuoso DESCRIBE, Turtle"]
        )
    return out


def save(out: Path, results: dict[str, Any]) -> None:
    """Write what has been measured so far (a failure later loses nothing)."""
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")

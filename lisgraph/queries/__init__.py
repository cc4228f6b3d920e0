"""Example SPARQL queries: the competency questions the graph was designed to answer.

Each ``NN-name.rq`` begins with a comment line ``# CQn: the question``. The test suite runs each
against the built graph and compares with tests/competency/NN-name.csv; the web app offers them
as one-click examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["QUERY_DIR", "ExampleQuery", "example_queries"]

QUERY_DIR = Path(__file__).parent


@dataclass(frozen=True)
class ExampleQuery:
    """One example: its file stem, the question it answers, and the SPARQL text."""

    name: str
    question: str
    sparql: str


def example_queries() -> list[ExampleQuery]:
    """Every example query, in file-name order."""
    examples = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        question = (
            first.lstrip("# ").split(":", 1)[-1].strip() if first.startswith("#") else path.stem
        )
        examples.append(ExampleQuery(name=path.stem, question=question, sparql=text))
    return examples

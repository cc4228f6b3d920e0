"""SPARQL as text: quoting values into queries, and telling code from strings, IRIs and comments.

Every query lisgraph writes with a value in it quotes the value here (:func:`iri`,
:func:`string`), so no caller escapes by hand. :func:`code_only` and :func:`rewrite_code` let the
query policy and the remote store read or change a visitor's query without being fooled by a
keyword inside a string, an IRI or a comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["NOT_XML", "NOT_XML_WRITTEN", "OPAQUE", "code_only", "iri", "rewrite_code", "string"]

#: A character XML 1.0 cannot carry (outside its ``Char`` production): the RDF/XML dump and
#: SPARQL XML results have no way to write one (Virtuoso's XML results cut a string at U+0000).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: How a Turtle file or a SPARQL query may write such a character: as it is, or as a ``\u`` or
#: ``\U`` escape (a few escapes of characters XML can carry match too: \u0009, \u000A, \u000D).
NOT_XML_WRITTEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
    r"|\\(?:u|U0000)(?:00[01][0-9A-Fa-f]|[Ff]{3}[EeFf])"
)

# Strings (long and short, both quotes), IRIs and comments, which may contain anything.
OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)

_NOT_IN_IRI = set('<>"{}|^`\\ \n\t\r')


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI reference. Raises ValueError when it cannot be one."""
    if any(c in _NOT_IN_IRI for c in value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def string(value: str) -> str:
    """``value`` as a SPARQL (and N-Triples) string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def code_only(query: str) -> str:
    """``query`` with its strings, IRIs and comments blanked out, leaving only SPARQL code."""
    return OPAQUE.sub(" ", query)


def rewrite_code(query: str, rewrite: Callable[[str], str]) -> str:
    """``query`` with ``rewrite`` applied to its code only: strings, IRIs and comments are kept."""
    out, last = [], 0
    for match in OPAQUE.finditer(query):
        out += [rewrite(query[last : match.start()]), match.group(0)]
        last = match.end()
    out.append(rewrite(query[last:]))
    return "".join(out)

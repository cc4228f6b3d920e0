"""Every parser the app runs on a request header, on crafted values as long as the worker's whole
head (364 KB), in a child process that must finish: linear parsers take well under a second per
value, the quadratic Accept parser of the reliability review's F1 would take hours. (The app
also refuses any header value past 8 KB before parsing it: ``test_request_guards.py``.)"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

#: The worker reads heads of up to 3 x MAX_QUERY_LENGTH + 64 KB (364 KB by default): the most a
#: header parser could be given if nothing cut it.
HEAD = 3 * 100_000 + 64 * 1024

# Each parser the app calls on a request header, as the code that calls it does. lisgraph's
# own Accept parser is tried with its length cap lifted: the tokenizer must be linear by itself.
_UNCAPPED = "import lisgraph.web.negotiation as n\nn.MAX_ACCEPT_LENGTH = 10**9\n"
PARSERS = {
    "Accept (negotiation.parse_accept)": _UNCAPPED + "f = n.parse_accept",
    "Accept (negotiation.choose)": _UNCAPPED + "f = lambda v: n.choose(v, 'rdf', 'turtle')",
    "Accept (search: werkzeug)": (
        "from werkzeug.http import parse_accept_header\n"
        "from werkzeug.datastructures import MIMEAccept\n"
        "f = lambda v: parse_accept_header(v, MIMEAccept)"
    ),
    "Accept-Encoding (compression.accepts_gzip)": (
        "from lisgraph.web.compression import accepts_gzip as f"
    ),
    "Content-Type (werkzeug)": "from werkzeug.http import parse_options_header as f",
    "If-None-Match (werkzeug)": "from werkzeug.http import parse_etags as f",
    "Range (werkzeug)": "from werkzeug.http import parse_range_header as f",
    "If-Range (werkzeug)": "from werkzeug.http import parse_if_range_header as f",
    "If-Modified-Since (werkzeug)": "from werkzeug.http import parse_date as f",
}

# Patterns repeated to the head's length, after each prefix, that make a backtracking parser
# rescan: an unclosed quote of escaped quotes (the reliability review's F1, prefix '"'),
# separators, parameters without values, quoted parameters.
CRAFTED = ['\\"', ",", ";", '"', "\\", ";a=", ';a="', "a;q=1,", 'W/"', "0-,"]


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_header_parsers_are_linear_on_crafted_values(name: str) -> None:
    """Every crafted value of the worker's whole head is parsed in one child process that must
    finish within 60 s. Linear parsers take well under a second for all of them; the quadratic
    Accept parser this replaced took 3.8 s on 16 KB, so hours on 364 KB."""
    program = PARSERS[name] + textwrap.dedent(
        f"""
        crafted = {CRAFTED!r}
        for pattern in crafted:
            for prefix in ("", "a/b;x=", '"', "bytes="):
                try:
                    f(prefix + pattern * max(1, {HEAD} // len(pattern)))
                except Exception:
                    pass
        print("parsed", len(crafted))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"parsed {len(CRAFTED)}"

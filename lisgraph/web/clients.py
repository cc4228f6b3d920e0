"""Who is asking: the address a request comes from, for per-client limits."""

from __future__ import annotations

from flask import request

from .dataset import current_snapshot

__all__ = ["client_address"]


def client_address() -> str:
    """The client's address: the last entry of the forwarded header when one is configured
    (``FORWARDED_HEADER``, written by a trusted proxy in front), else the peer's address.

    Without the setting the header is ignored, so a client cannot pick its own identity.
    """
    header = current_snapshot().config.scheduling.forwarded_header
    if header:
        forwarded = request.headers.get(header, "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.remote_addr or "unknown"

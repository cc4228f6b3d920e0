"""Who is asking: the address a request comes from, for per-client limits."""

from __future__ import annotations

import ipaddress

from flask import request

from .dataset import current_snapshot

__all__ = ["client_address", "client_key"]


def client_address() -> str:
    """The client's address: the last entry of the forwarded header when one is configured
    (``FORWARDED_HEADER``, written by a trusted proxy in front), else the peer's address.

    Without the setting the header is ignored, so a client cannot pick its own identity. An
    IPv6 client is its /64 (one host or network is given a whole /64, so its addresses are not
    as many clients).
    """
    header = current_snapshot().config.scheduling.forwarded_header
    address = ""
    if header:
        forwarded = request.headers.get(header, "")
        address = forwarded.rsplit(",", 1)[-1].strip()
    return client_key(address or request.remote_addr or "unknown")


def client_key(address: str) -> str:
    """The client an address counts as: an IPv6 address's /64, anything else as it is."""
    if ":" not in address:
        return address
    try:
        network = ipaddress.IPv6Network((address.strip("[]").split("%")[0], 64), strict=False)
    except ValueError:
        return address
    return str(network)

"""lisgraph's benchmarks (``bench/README.md``). The scripts run as ``python bench/NAME.py``;
:mod:`bench.stores` (the peer SPARQL stores) is also what the system tests start."""

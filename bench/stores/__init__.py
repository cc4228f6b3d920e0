"""SPARQL store servers started on loopback for a run and stopped after it: Virtuoso
(:mod:`.virtuoso`) and Oxigraph server (:mod:`.oxigraph_server`), both :class:`.server.StoreServer`.

The benchmarks compare lisgraph with them; the system tests (``tests/system/``) publish to them.
Nothing here imports lisgraph or the tests.
"""

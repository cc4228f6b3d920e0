"""A store pointer (``--store @FILE``): the file names the store a front-end serves from, and
is read again at every poll (blue/green; the switch itself is tested with real stores in
``tests/system/test_store_switch.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lisgraph.config import StoreSettings, read_store_pointer
from lisgraph.errors import ConfigError


def test_a_store_pointer_names_the_store(tmp_path: Path) -> None:
    pointer = tmp_path / "store-url"
    pointer.write_text("http://127.0.0.1:7879/query\n")
    store = StoreSettings.for_url(f"@{pointer}")
    assert (store.url, store.pointer) == ("http://127.0.0.1:7879/query", pointer)
    pointer.write_text("https://green.example/sparql\n# the next store\n")
    assert read_store_pointer(pointer) == "https://green.example/sparql"
    assert StoreSettings.for_url("http://h/sparql").pointer is None


def test_a_bad_store_pointer_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="store pointer .*absent cannot be read"):
        StoreSettings.for_url(f"@{tmp_path / 'absent'}")
    pointer = tmp_path / "store-url"
    pointer.write_text("file:///etc/passwd\n")
    with pytest.raises(ConfigError, match="holds 'file:///etc/passwd', not an http"):
        StoreSettings.for_url(f"@{pointer}")

"""A store pointer (``--store @FILE``): the file names the store a front-end serves from, and
is read again at every poll (blue/green; the switch itself is tested with real stores in
``tests/system/test_store_switch.py``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from lisgraph.config import StoreSettings, read_store_pointer
from lisgraph.errors import ConfigError, StoreInUseError
from lisgraph.publish.store_pointer import (
    check_not_served,
    switch_store_pointer,
    wait_for_front_ends,
)


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


def test_switching_the_pointer_replaces_the_file_whole(tmp_path: Path) -> None:
    pointer = tmp_path / "deploy" / "store-url"
    switch_store_pointer(pointer, "http://127.0.0.1:7879/query")
    assert read_store_pointer(pointer) == "http://127.0.0.1:7879/query"
    switch_store_pointer(pointer, "http://127.0.0.1:7880/query")
    assert pointer.read_text() == "http://127.0.0.1:7880/query\n"
    assert [p.name for p in pointer.parent.iterdir()] == ["store-url"]  # no temporary left


def test_publish_refuses_the_store_the_pointer_names(tmp_path: Path) -> None:
    pointer = tmp_path / "store-url"
    check_not_served(pointer, ["http://blue/query"])  # no pointer yet: nothing is served
    switch_store_pointer(pointer, "http://blue/query")
    check_not_served(pointer, ["http://green/query", None, "http://green/update"])
    with pytest.raises(StoreInUseError, match="names http://blue/query"):
        check_not_served(pointer, ["http://blue/sparql-auth", "http://blue/query"])


def test_publish_waits_until_the_pointer_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("lisgraph.publish.store_pointer.time.sleep", slept.append)
    pointer = tmp_path / "store-url"
    assert wait_for_front_ends(pointer, 60) == 0  # no pointer: no front-end to wait for
    switch_store_pointer(pointer, "http://blue/query")
    waited = wait_for_front_ends(pointer, 60)
    assert 50 < waited <= 60 and slept == [waited]
    an_hour_ago = time.time() - 3600
    os.utime(pointer, (an_hour_ago, an_hour_ago))
    assert wait_for_front_ends(pointer, 60) == 0 and len(slept) == 1

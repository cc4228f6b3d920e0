"""A new version that cannot be loaded yet (a store whose build is not mirrored yet) is tried
again after a wait that doubles, not at every request; the old version is served meanwhile, and
a version that loads is switched to at once."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from lisgraph.errors import BuildNotFoundError
from lisgraph.web.dataset import SnapshotHolder


@dataclass
class FakeSource:
    """A source whose version is ``version``; loading fails while ``ready`` is false."""

    version: str = "v1"
    ready: bool = True
    loads: list[str] = field(default_factory=list)

    def identity(self) -> Hashable | None:
        return self.version

    def known_identity(self) -> Hashable | None:
        return self.version

    def load(self) -> Any:
        self.loads.append(self.version)
        if not self.ready:
            raise BuildNotFoundError(f"{self.version} is not mirrored yet")
        return _Snapshot(self.version)


@dataclass
class _Snapshot:
    version: str
    admission: Any = None
    build_info: dict[str, str] = field(default_factory=dict)

    def close(self) -> None:
        pass


def test_a_version_that_fails_to_load_is_tried_again_after_a_doubling_wait() -> None:
    now = [100.0]
    source = FakeSource()
    holder = SnapshotHolder(source, clock=lambda: now[0])
    assert holder.snapshot().version == "v1"  # type: ignore[attr-defined]
    source.version, source.ready = "v2", False
    for _ in range(50):  # requests in the same instant: one try
        assert holder.snapshot().version == "v1"  # type: ignore[attr-defined]
    assert source.loads == ["v1", "v2"]
    waits = []
    for _ in range(8):
        before = len(source.loads)
        step = 0.0
        while len(source.loads) == before:
            step += 0.125
            now[0] += 0.125
            holder.snapshot()
        waits.append(round(step, 2))
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    source.ready = True
    now[0] += 5.0
    assert holder.snapshot().version == "v2"  # type: ignore[attr-defined]


def test_a_newer_version_is_tried_at_once_after_another_failed() -> None:
    now = [0.0]
    source = FakeSource()
    holder = SnapshotHolder(source, clock=lambda: now[0])
    source.version, source.ready = "v2", False
    holder.snapshot()
    source.version, source.ready = "v3", True
    assert holder.snapshot().version == "v3"  # type: ignore[attr-defined]
    assert source.loads == ["v1", "v2", "v3"]

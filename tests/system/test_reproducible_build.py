"""The build is reproducible: built again in new processes, with other hash seeds, every file of
the build directory is byte-identical to the session's build.

Each case is a whole build in a new interpreter (seconds), so it runs in the full suite, not in
the fast lane.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lisgraph.builder import BuildResult

from ..helpers import PROJECT_DIR


@pytest.mark.parametrize("seed", ["1", "2"])
def test_output_is_byte_identical_across_processes(
    built: BuildResult, tmp_path: Path, seed: str
) -> None:
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "lisgraph", "build", "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
        cwd=PROJECT_DIR,
    )
    for path in sorted(built.out_dir.iterdir()):
        assert (out / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs"

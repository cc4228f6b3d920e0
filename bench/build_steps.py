"""Time one build of a project, step by step, and print JSON (run by bench/run.py, one build per
process so peak memory is the build's own).

    python bench/build_steps.py PROJECT_DIR OUT_DIR
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lisgraph.builder import write_build  # noqa: E402
from lisgraph.builder.sources import load  # noqa: E402
from lisgraph.canonical import merged_ntriples  # noqa: E402
from lisgraph.config import Settings  # noqa: E402
from lisgraph.shacl import check, load_shapes  # noqa: E402


def main() -> None:
    project, out = Path(sys.argv[1]), Path(sys.argv[2])
    settings = Settings.from_mapping({"PROJECT_DIR": str(project), "DIST_DIR": str(out)})
    started = time.perf_counter()
    loaded = load(settings)
    merged = merged_ntriples(loaded.store)
    parsed = time.perf_counter()
    check(loaded.store, load_shapes(settings.shapes_dir, settings.base))
    validated = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    info = write_build(loaded.store, settings.base, "bench", out, merged)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "triples": info["triples"],
                "parse_s": parsed - started,
                "validate_s": validated - parsed,
                "dumps_s": done - validated,
                "total_s": done - started,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()

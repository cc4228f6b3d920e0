"""Build hook: bundle the browser assets (YASGUI, Chart.js, Cytoscape) into the package when it is
built.

``npm ci`` installs the versions pinned in package-lock.json into node_modules/, and the built
files are copied into lisgraph/web/static/vendor/, which setuptools then packages like any other
package data (also for editable installs). Nothing is loaded from a CDN at run time. Without npm
the build goes on and says so: the query page then falls back to its plain HTML form.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
VENDOR = ROOT / "lisgraph" / "web" / "static" / "vendor"
ASSETS = {  # file in node_modules -> name in lisgraph/web/static/vendor/
    "@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js",
    "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css",
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
    "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
}


def bundle_assets() -> None:
    lock = ROOT / "package-lock.json"
    if not lock.is_file():  # building from an sdist that already carries the assets
        return
    modules = ROOT / "node_modules"
    if not all((modules / name).is_file() for name in ASSETS):
        npm = shutil.which("npm")
        if npm is None:
            print("lisgraph: no npm, so the query editor (YASGUI) is not bundled", file=sys.stderr)
            return
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True
        )
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in ASSETS.items():
        if (modules / source).is_file():
            shutil.copyfile(modules / source, VENDOR / target)


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        bundle_assets()
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})

"""The pages' JavaScript and CSS, installed from the npm registry into ``webapp/static/vendor``.

The versions are pinned in ``webapp/assets/package-lock.json``; what is copied where is the ``vendor`` member
of ``webapp/assets/package.json`` (a folder under ``static/vendor`` → files or folders under
``node_modules``), so adding a library is a change to that one file. ``python -m webapp.vendor`` (what
``make vendor`` runs) installs them; the app lists what is missing, so a server started without them says
which command brings them instead of failing on the page that needs them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

WEBAPP = Path(__file__).parent
ASSETS = WEBAPP / "assets"
VENDOR = WEBAPP / "static" / "vendor"
COMMAND = "python -m webapp.vendor"
"""How a person installs them (needs npm)."""


def vendored() -> dict[str, list[str]]:
    """Folder under ``static/vendor`` → the ``node_modules`` paths copied into it."""
    return json.loads((ASSETS / "package.json").read_text(encoding="utf-8"))["vendor"]


def missing() -> list[str]:
    """The vendored files and folders that are not in ``static/vendor`` (paths relative to it)."""
    return [
        f"{folder}/{Path(source).name}"
        for folder, sources in vendored().items()
        for source in sources
        if not (VENDOR / folder / Path(source).name).exists()
    ]


def init_app(app) -> None:
    """Tell every page (``missing_scripts`` in templates) which vendored files are missing, read once."""
    gone = missing()
    app.context_processor(lambda: {"missing_scripts": gone, "vendor_command": COMMAND})


def install() -> None:
    """``npm ci`` into ``webapp/assets/node_modules``, then copy the vendored files into a fresh ``static/vendor``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to install the pages' scripts (Debian: apt-get install npm)")
    subprocess.run(
        [npm, "ci", "--prefix", str(ASSETS), "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
        check=True,
    )
    shutil.rmtree(VENDOR, ignore_errors=True)
    for folder, sources in vendored().items():
        (VENDOR / folder).mkdir(parents=True, exist_ok=True)
        for source in sources:
            path = ASSETS / "node_modules" / source
            if path.is_dir():
                shutil.copytree(path, VENDOR / folder / path.name)
            else:
                shutil.copy2(path, VENDOR / folder / path.name)


if __name__ == "__main__":
    install()
    print(f"installed the pages' scripts into {VENDOR}", file=sys.stderr)

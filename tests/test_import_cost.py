"""``import servqual`` stays cheap: scipy.stats and scipy.optimize are imported lazily.

Source: issue 8 item 4 (``python -X importtime -c "import servqual"`` measured ~2 s when
``scipy.stats`` was imported at module level for one sample-size function).
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy.stats", "scipy.optimize", "pandas", "polars", "pyarrow", "matplotlib")


def _modules_after(code: str) -> list[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_servqual_does_not_import_heavy_modules() -> None:
    loaded = _modules_after("import servqual")
    heavy = [m for m in loaded if m in HEAVY or m.startswith(tuple(h + "." for h in HEAVY))]
    assert "servqual" in loaded
    assert heavy == []


def test_cli_parser_does_not_import_heavy_modules() -> None:
    loaded = _modules_after("from servqual.cli import build_parser\nbuild_parser()")
    assert not [m for m in loaded if m.startswith(("scipy.stats", "scipy.optimize"))]

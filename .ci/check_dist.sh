#!/usr/bin/env bash
# Packaging check: build the sdist and the wheel, install the wheel alone (core only: no torch,
# no dask) into a clean virtual environment, import skw2s and run the README's quick example.
# Usage: bash .ci/check_dist.sh [python]   (called by `make dist-check`)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install -q --upgrade pip build
"$work/build-env/bin/python" -m build -q --sdist --wheel --outdir "$work/dist" . >/dev/null
ls "$work/dist"
"$PYTHON" -m venv "$work/user-env"
"$work/user-env/bin/python" -m pip install -q "$work"/dist/*.whl
# The README's recommended recipe, taken from README.md so that the two cannot drift apart.
"$PYTHON" - "$work/quick.py" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
block = re.search(r"## The recommended recipe.*?```python\n(.*?)```", text, re.S)
assert block, "README.md has no '## The recommended recipe' python block"
open(sys.argv[1], "w").write(block.group(1))
PY
cd "$work"  # away from the source tree: the installed wheel is what gets imported
"$work/user-env/bin/python" - <<'PY'
import importlib.util, sys
import skw2s
assert "site-packages" in skw2s.__file__, skw2s.__file__
for absent in ("torch", "transformers", "dask"):
    assert importlib.util.find_spec(absent) is None, f"{absent} was installed with the core"
    assert absent not in sys.modules, f"import skw2s imported {absent}"
print("skw2s", skw2s.__version__, "from", skw2s.__file__)
PY
"$work/user-env/bin/python" "$work/quick.py"
echo "dist-check: sdist + wheel built; wheel installed (core only) and the README recipe ran"

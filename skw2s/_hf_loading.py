"""Model loading for :class:`skw2s.embedding.HFEmbedder`.

Shared loading (one model per configuration while any embedder holds it), the
``model_kwargs`` / ``tokenizer_kwargs`` passed to ``from_pretrained``, GGUF files (each
file is dequantised once and kept in the skw2s cache folder, keyed by its sha256), the
automatic pooling and the model's token limit. Nothing here imports torch or
transformers at module level.
"""

import contextlib
import copy
import hashlib
import importlib.util
import json
import os
import pathlib
import re
import shutil
import threading
import time
import uuid
import weakref

from ._packaged import default_cache_dir

# Keys of model_kwargs that only decide where or how the same weights are placed or
# fetched: they do not change the vectors, so they stay out of the vector cache's key.
PLACEMENT_KEYS = frozenset({
    "device_map", "max_memory", "offload_folder", "offload_state_dict", "offload_buffers",
    "low_cpu_mem_usage", "cache_dir", "local_files_only", "token", "force_download",
    "proxies", "attn_implementation", "use_safetensors", "weights_only", "subfolder",
})
# Keys that HFEmbedder sets itself from its own parameters.
RESERVED_KEYS = ("revision", "trust_remote_code", "output_hidden_states", "return_dict")
DTYPE_KEYS = ("dtype", "torch_dtype")
GGUF_INSTALL = 'pip install "skw2s[hf]" (it includes gguf and accelerate)'


def require_torch():
    """Import torch and transformers, or say what to install."""
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"HFEmbedder needs torch and transformers ({exc}): "
            'pip install "skw2s[hf]" (on a CPU-only machine, pip install torch first, '
            "from the CPU wheel index, to avoid a multi-GB CUDA build)",
            name=getattr(exc, "name", None),
        ) from exc
    return torch


def check_kwargs(value, name):
    """Validate ``model_kwargs``/``tokenizer_kwargs``; return a plain dict (empty for None)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict or None, got {type(value).__name__}.")
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be str, got {key!r}.")
        if key in RESERVED_KEYS:
            raise ValueError(
                f"{name}[{key!r}] is set by HFEmbedder: pass it as the HFEmbedder "
                f"parameter instead, or leave it out."
            )
    if name == "model_kwargs" and sum(k in value for k in DTYPE_KEYS) > 1:
        raise ValueError("model_kwargs holds both 'dtype' and 'torch_dtype': give one.")
    return dict(value)


def jsonable(value):
    """A JSON-serialisable, deterministic form of a kwargs value."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "to_dict"):  # quantisation configs (BitsAndBytesConfig, GgufConfig, ...)
        return {"__class__": type(value).__name__, **jsonable(value.to_dict())}
    return str(value)  # torch.dtype, torch.device, ...


def vector_key(model_kwargs, tokenizer_kwargs):
    """The parts of the kwargs that change the vectors, for the vector cache's key."""
    key = {}
    # The dtype is keyed separately (HFEmbedder.dtype_), as the one actually loaded.
    model = {
        k: v for k, v in model_kwargs.items() if k not in PLACEMENT_KEYS and k not in DTYPE_KEYS
    }
    if model:
        key["model_kwargs"] = jsonable(model)
    tok = {k: v for k, v in tokenizer_kwargs.items() if k not in PLACEMENT_KEYS}
    if tok:
        key["tokenizer_kwargs"] = jsonable(tok)
    return key


def model_id(model):
    """A stable name for ``model``: the absolute path of a local folder, else the hub name."""
    model = os.fspath(model)
    return os.path.abspath(model) if os.path.isdir(model) else model


class Loaded:
    """A loaded (model, tokenizer) pair, shared by every embedder with the same settings."""

    __slots__ = (
        "model", "tokenizer", "pad_id", "empty_id", "input_device", "file_sha256",
        "__weakref__",
    )


# Clones (GridSearchCV, cross_val_score) share one loaded model while any of them lives.
_LOADED = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def load(model, *, revision, trust_remote_code, device, dtype, model_kwargs=None,
         tokenizer_kwargs=None, progress=True):
    """The shared :class:`Loaded` for these settings, loading it on first use.

    ``progress=False`` hides transformers' own progress bars ("Loading weights") during
    the load, whatever transformers' global setting, and restores that setting after.
    """
    model_kwargs = dict(model_kwargs or {})
    tokenizer_kwargs = dict(tokenizer_kwargs or {})
    kwargs_key = json.dumps(jsonable([model_kwargs, tokenizer_kwargs]), sort_keys=True)
    key = (model_id(model), revision, bool(trust_remote_code), device, dtype, kwargs_key)
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            with _transformers_bars(progress):
                loaded = _load(os.fspath(model), revision, trust_remote_code, device, dtype,
                               model_kwargs, tokenizer_kwargs)
            _LOADED[key] = loaded
    return loaded


@contextlib.contextmanager
def _transformers_bars(show):
    if show:
        yield
        return
    from transformers.utils import logging as transformers_logging

    was_enabled = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            transformers_logging.enable_progress_bar()


def _transformers_version():
    import transformers

    return tuple(int(p) for p in re.findall(r"\d+", transformers.__version__)[:2])


def _dtype_kwargs(model_kwargs, dtype, torch):
    """``model_kwargs`` with the dtype under the name this transformers expects."""
    kwargs = dict(model_kwargs)
    given = [k for k in DTYPE_KEYS if k in kwargs]
    value = kwargs.pop(given[0]) if given else getattr(torch, dtype)
    if isinstance(value, str) and value != "auto":
        value = getattr(torch, value)
    kwargs["dtype" if _transformers_version() >= (4, 56) else "torch_dtype"] = value
    return kwargs


def _load(model, revision, trust_remote_code, device, dtype, model_kwargs, tokenizer_kwargs):
    torch = require_torch()
    from transformers import AutoModel, AutoTokenizer

    common = {"revision": revision, "trust_remote_code": trust_remote_code}
    model_kwargs = _dtype_kwargs(model_kwargs, dtype, torch)
    tokenizer_kwargs = dict(tokenizer_kwargs)
    file_sha256 = None
    gguf_file = model_kwargs.get("gguf_file")
    if gguf_file is not None:
        _require_gguf()
        tokenizer_kwargs.setdefault("gguf_file", gguf_file)
        path = _local_file(model, gguf_file)
        if path is not None:  # a local GGUF file: dequantise once, then load the copy
            file_sha256 = file_digest(path)
            root = model_kwargs.get("cache_dir")
            root = pathlib.Path(root) / "gguf" if root is not None else gguf_cache_dir()
            cached = dequantized(model, gguf_file, file_sha256, common, root)
            model = str(cached)
            model_kwargs.pop("gguf_file")
            if tokenizer_kwargs["gguf_file"] == gguf_file:
                tokenizer_kwargs.pop("gguf_file")
    try:
        tokenizer = AutoTokenizer.from_pretrained(model, **common, **tokenizer_kwargs)
        net = AutoModel.from_pretrained(model, **common, **model_kwargs)
    except (OSError, ValueError) as exc:
        where = f" at revision {revision!r}" if revision else ""
        hint = ""
        if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
            hint = " (HF_HUB_OFFLINE is set: only local folders and already cached models load)"
        msg = f"HFEmbedder could not load the model {model!r}{where}{hint}: {exc}"
        raise (OSError if isinstance(exc, OSError) else ValueError)(msg) from exc
    if getattr(net.config, "is_encoder_decoder", False) and hasattr(net, "get_encoder"):
        net = net.get_encoder()  # T5-like models: embed with the encoder alone
    # A device_map (accelerate) or a quantised model is placed by from_pretrained itself.
    if "device_map" not in model_kwargs and not getattr(net, "is_quantized", False):
        net.to(device)
    net.eval()
    # Decoder tokenizers (Llama, GPT-2) often have no pad token: use EOS. This tokenizer
    # object is private to skw2s (freshly loaded), so the change touches no user object.
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token
    loaded = Loaded()
    loaded.model, loaded.tokenizer, loaded.file_sha256 = net, tokenizer, file_sha256
    try:
        loaded.input_device = str(net.get_input_embeddings().weight.device)
    except (AttributeError, NotImplementedError):
        loaded.input_device = str(next(net.parameters()).device)
    # Padded positions are masked out, so the pad id only needs to be a valid id.
    loaded.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    # A text that tokenizes to nothing (an empty string, with a tokenizer that adds no
    # special tokens) is given one token so that every row has something to pool.
    candidates = (
        tokenizer.bos_token_id,
        tokenizer.eos_token_id,
        tokenizer.cls_token_id,
        tokenizer.unk_token_id,
    )
    loaded.empty_id = next((t for t in candidates if t is not None), loaded.pad_id)
    return loaded


# ---------------------------------------------------------------------- GGUF files
def _require_gguf():
    missing = [m for m in ("gguf", "accelerate") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModuleNotFoundError(
            f"loading a GGUF file needs {' and '.join(missing)}: {GGUF_INSTALL}",
            name=missing[0],
        )


def _local_file(model, gguf_file):
    for path in (os.path.join(model, gguf_file), gguf_file):
        if os.path.isfile(path):
            return os.path.realpath(path)
    return None  # on the hub: transformers downloads and dequantises it at every load


_DIGESTS = {}


def file_digest(path):
    """sha256 of a file, memoised by (path, size, mtime) within the process."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while block := fh.read(1 << 22):
                h.update(block)
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def gguf_cache_dir():
    return default_cache_dir() / "models" / "gguf"  # $SKW2S_CACHE or ~/.cache/skw2s


@contextlib.contextmanager
def one_reader_per_file():
    """Within the block, ``gguf.GGUFReader`` returns one reader per file and mode.

    transformers parses a GGUF file once for the config, once for the tokenizer and once
    for the tensors (``load_gguf_checkpoint`` builds a ``GGUFReader`` each time), and a
    parse walks every metadata field in Python: about 21 s each for Gemma-3's
    262,144-token vocabulary on this project's CPUs. The reader is read-only (a memory
    map), so the three loads can share one; the name is restored on exit.
    """
    import gguf

    original = gguf.GGUFReader
    readers = {}

    def shared(path, mode="r"):
        key = (os.path.realpath(os.fspath(path)), mode)
        if key not in readers:
            readers[key] = original(path, mode)
        return readers[key]

    gguf.GGUFReader = shared
    try:
        yield
    finally:
        gguf.GGUFReader = original


def dequantized(folder, gguf_file, sha256, common, root):
    """Folder of the float32 copy of a GGUF file (model and tokenizer), made on first use.

    transformers dequantises a GGUF file at every load (tens of seconds for a 100 M
    parameter model) and refuses to ``save_pretrained`` the result; the same class built
    from the config without its ``quantization_config`` takes the weights and saves.
    """
    target = root / sha256
    if (target / "skw2s-gguf.json").exists():
        return target
    import torch
    from transformers import AutoModel, AutoTokenizer

    start = time.perf_counter()
    with one_reader_per_file():
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf_file, **common)
        net = AutoModel.from_pretrained(folder, gguf_file=gguf_file, dtype=torch.float32, **common)
    config = copy.deepcopy(net.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = type(net)(config)
    plain.load_state_dict(net.state_dict())
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{sha256}.{uuid.uuid4().hex}.tmp"
    try:
        plain.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        with open(tmp / "skw2s-gguf.json", "w") as fh:
            json.dump({"gguf_file": os.path.join(os.fspath(folder), gguf_file), "sha256": sha256,
                       "dequantize_s": round(time.perf_counter() - start, 1),
                       "transformers": ".".join(map(str, _transformers_version()))}, fh, indent=1)
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first: keep its copy
            if not (target / "skw2s-gguf.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# ---------------------------------------------------------------------- model facts
def is_decoder_only(config):
    """True for decoder-only (causal LM) models, False for encoders and encoder-decoders."""
    if getattr(config, "is_encoder_decoder", False):
        return False
    if getattr(config, "is_decoder", False):
        return True
    try:
        from transformers.models.auto.modeling_auto import (
            MODEL_FOR_CAUSAL_LM_MAPPING_NAMES as causal,
            MODEL_FOR_MASKED_LM_MAPPING_NAMES as masked,
        )
    except ImportError:  # pragma: no cover - older or newer transformers layouts
        causal, masked = {}, {}
    model_type = getattr(config, "model_type", None)
    if model_type in masked:  # BERT, RoBERTa, MPNet, ...: encoders (even with an LM head)
        return False
    if model_type in causal:
        return True
    return any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in config.architectures or ())


def position_limit(model, tokenizer):
    """(limit, where it comes from) of the tokens one text may have, or (None, None)."""
    limits = []
    emb = getattr(getattr(model, "embeddings", None), "position_embeddings", None)
    if emb is not None and hasattr(emb, "num_embeddings"):
        pad = getattr(emb, "padding_idx", None)  # RoBERTa-style positions start after pad
        n = emb.num_embeddings - (pad + 1 if pad is not None else 0)
        limits.append((n, f"its position embeddings hold {n} positions"))
    else:
        for name in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
            value = getattr(model.config, name, None)
            if isinstance(value, int) and value > 0:
                limits.append((value, f"{name}={value} in its config"))
                break
    value = getattr(tokenizer, "model_max_length", None)
    if isinstance(value, int) and 0 < value < 1_000_000:  # ~1e30 means "unset"
        limits.append((value, f"its tokenizer's model_max_length is {value}"))
    return min(limits) if limits else (None, None)

"""Private helpers of :class:`skw2s.embedding.HFEmbedder`.

Model loading (shared between instances), pooling, the on-disk vector cache, input checks.
Nothing here imports torch or transformers at module level.
"""

import hashlib
import json
import os
import re
import threading
import uuid
import weakref

import numpy as np

POOLINGS = ("mean", "last", "first")
DTYPES = ("auto", "float32", "float16", "bfloat16")
DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|(cuda|xpu)(:\d+)?)$")
MAX_LENGTH_CAP = 512
CACHE_FORMAT = 1


def model_id(model):
    """A stable name for ``model``: the absolute path of a local folder, else the hub name."""
    model = os.fspath(model)
    return os.path.abspath(model) if os.path.isdir(model) else model


def resolve_device(device):
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; "
            "use device='auto' or device='cpu'."
        )
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device='mps' was requested but MPS is not available.")
    return device


def resolve_dtype(dtype, device):
    import torch

    if dtype != "auto":
        return dtype
    if device.startswith("cuda"):
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "float32"


class Loaded:
    """A loaded (model, tokenizer) pair, shared by every embedder with the same settings."""

    __slots__ = ("model", "tokenizer", "pad_id", "empty_id", "__weakref__")


# Clones (GridSearchCV, cross_val_score) share one loaded model while any of them lives.
_LOADED = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def load(model, *, revision, trust_remote_code, device, dtype):
    key = (model_id(model), revision, bool(trust_remote_code), device, dtype)
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _load(os.fspath(model), revision, trust_remote_code, device, dtype)
            _LOADED[key] = loaded
    return loaded


def _transformers_version():
    import transformers

    return tuple(int(p) for p in re.findall(r"\d+", transformers.__version__)[:2])


def _load(model, revision, trust_remote_code, device, dtype):
    import torch
    from transformers import AutoModel, AutoTokenizer

    kwargs = {"revision": revision, "trust_remote_code": trust_remote_code}
    dtype_key = "dtype" if _transformers_version() >= (4, 56) else "torch_dtype"
    try:
        tokenizer = AutoTokenizer.from_pretrained(model, **kwargs)
        net = AutoModel.from_pretrained(model, **kwargs, **{dtype_key: getattr(torch, dtype)})
    except (OSError, ValueError) as exc:
        where = f" at revision {revision!r}" if revision else ""
        hint = ""
        if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
            hint = " (HF_HUB_OFFLINE is set: only local folders and already cached models load)"
        msg = f"HFEmbedder could not load the model {model!r}{where}{hint}: {exc}"
        raise (OSError if isinstance(exc, OSError) else ValueError)(msg) from exc
    if getattr(net.config, "is_encoder_decoder", False) and hasattr(net, "get_encoder"):
        net = net.get_encoder()  # T5-like models: embed with the encoder alone
    net.to(device)
    net.eval()
    # Decoder tokenizers (Llama, GPT-2) often have no pad token: use EOS. This tokenizer
    # object is private to skw2s (freshly loaded), so the change touches no user object.
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token
    loaded = Loaded()
    loaded.model, loaded.tokenizer = net, tokenizer
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


def default_max_length(tokenizer, config):
    """The model's maximum input length, capped at ``MAX_LENGTH_CAP``."""
    limit = getattr(tokenizer, "model_max_length", None)
    if limit is None or limit > 1_000_000:  # transformers' "unset" sentinel is ~1e30
        limit = getattr(config, "max_position_embeddings", None) or MAX_LENGTH_CAP
    return int(min(limit, MAX_LENGTH_CAP))


def pad_batch(seqs, extras, pad_id, torch, device):
    """Right-pad token id lists into tensors: ``input_ids``, ``attention_mask``, extras."""
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    width = int(lengths.max())
    mask = np.arange(width)[None, :] < lengths[:, None]
    ids = np.full((len(seqs), width), pad_id, dtype=np.int64)
    ids[mask] = np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs])
    inputs = {"input_ids": ids, "attention_mask": mask.astype(np.int64)}
    for name, values in extras.items():
        arr = np.zeros((len(seqs), width), dtype=np.int64)
        arr[mask] = np.concatenate([np.asarray(v, dtype=np.int64) for v in values])
        inputs[name] = arr
    return {k: torch.from_numpy(v).to(device) for k, v in inputs.items()}


def pool(hidden, mask, pooling, torch):
    """Pool ``hidden`` (batch, tokens, dim) over ``mask`` (batch, tokens) into float32.

    Correct for left and right padding alike: "last" is the last position whose mask is
    1 and "first" the first one, wherever the padding is.
    """
    if pooling == "mean":
        h = hidden.float()
        m = mask.to(h.dtype).unsqueeze(-1)
        return (h * m).sum(1) / m.sum(1).clamp(min=1.0)
    if pooling == "first":
        idx = mask.argmax(1)
    else:
        idx = mask.shape[1] - 1 - mask.flip(1).argmax(1)
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), idx].float()


def text_key(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _atomic_save(path, array):
    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)
    os.replace(tmp, path)


class VectorCache:
    """Per-text vectors on disk, in one folder per embedding configuration.

    The folder name hashes ``config``; each write adds one shard, a pair of ``.npy``
    files (``<id>.vecs.npy`` float32 rows, then ``<id>.keys.npy`` the hashes of their
    texts: a shard counts once its keys file exists), so concurrent writers never clash
    and a partly cached corpus only embeds the texts it lacks.
    """

    def __init__(self, root, config):
        blob = json.dumps(config, sort_keys=True, default=str).encode()
        digest = hashlib.blake2b(blob, digest_size=10).hexdigest()
        name = os.path.basename(str(config["model"]).rstrip("/\\")) or "model"
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[-40:]
        self.root = os.fspath(root)
        self.path = os.path.join(self.root, f"{name}-{digest}")
        self.config = config
        self._index = {}
        self._seen = set()

    def _refresh(self):
        if not os.path.isdir(self.path):
            return
        for fn in sorted(os.listdir(self.path)):
            if not fn.endswith(".keys.npy") or fn in self._seen:
                continue
            try:
                keys = np.load(os.path.join(self.path, fn), allow_pickle=False)
            except (OSError, ValueError):  # unreadable: ignore it, the texts get re-embedded
                continue
            shard = fn[: -len(".keys.npy")]
            for row, key in enumerate(keys.tolist()):
                self._index.setdefault(key, (shard, row))
            self._seen.add(fn)

    def get(self, keys, out):
        """Fill the rows of ``out`` whose key is cached; return the boolean mask of hits."""
        self._refresh()
        hits = np.fromiter((k in self._index for k in keys), dtype=bool, count=len(keys))
        by_shard = {}
        for i in np.flatnonzero(hits):
            shard, row = self._index[keys[i]]
            by_shard.setdefault(shard, ([], []))
            by_shard[shard][0].append(i)
            by_shard[shard][1].append(row)
        for shard, (pos, rows) in by_shard.items():
            vecs = np.load(os.path.join(self.path, shard + ".vecs.npy"), mmap_mode="r")
            out[pos] = vecs[rows]
        return hits

    def put(self, keys, vectors):
        if not len(keys):
            return
        os.makedirs(self.path, exist_ok=True)
        info = os.path.join(self.path, "config.json")
        if not os.path.exists(info):
            with open(info, "w") as fh:
                json.dump(self.config, fh, indent=1, sort_keys=True, default=str)
        shard = uuid.uuid4().hex
        _atomic_save(os.path.join(self.path, shard + ".vecs.npy"), vectors.astype(np.float32))
        _atomic_save(os.path.join(self.path, shard + ".keys.npy"), np.asarray(keys, dtype="U32"))
        self._seen.add(shard + ".keys.npy")
        for row, key in enumerate(keys):
            self._index.setdefault(key, (shard, row))


def check_texts(X):
    """Return ``X`` as a list of str, or raise a clear TypeError/ValueError."""
    if isinstance(X, (str, bytes)):
        raise TypeError(
            "X must be a sequence of texts, got a single string; wrap it in a list."
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"X is a DataFrame with {X.shape[1]} columns; HFEmbedder expects one "
                "column of texts (select it first, e.g. with a ColumnTransformer)."
            )
        X = X.iloc[:, 0]
    if hasattr(X, "tocsr") or hasattr(X, "todense"):
        raise TypeError("X is a sparse matrix; HFEmbedder expects a sequence of texts.")
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != 1:
            raise ValueError(
                f"X is an array of shape {X.shape}; HFEmbedder expects a 1-D sequence "
                "of texts (or a single column)."
            )
        if X.dtype.kind in "biufcmM":
            raise TypeError(
                f"X is a numeric array (dtype {X.dtype}); HFEmbedder expects texts."
            )
    try:
        texts = X.tolist() if hasattr(X, "tolist") else list(X)
    except TypeError:
        raise TypeError(
            f"X must be a sequence of texts, got {type(X).__name__}."
        ) from None
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(
                f"HFEmbedder expects texts (str); element {i} of X is "
                f"{type(t).__name__} ({t!r})."
            )
    return texts

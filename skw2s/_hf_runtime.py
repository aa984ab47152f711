"""Private helpers of :class:`skw2s.embedding.HFEmbedder`.

Parameter checks, devices and dtypes, padding, pooling, and the on-disk vector cache
(model loading lives in :mod:`skw2s._hf_loading`; the check of the texts, shared with
:mod:`skw2s.weak_labellers`, in :mod:`skw2s._utils`). Nothing here imports torch or
transformers at module level.
"""

import hashlib
import json
import os
import re
import sys
import time
import uuid
import warnings

import numpy as np

from . import _hf_loading as _hfl
from ._utils import check_bool, check_int, is_int

POOLINGS = ("auto", "mean", "last", "first")
DTYPES = ("auto", "float32", "float16", "bfloat16")
DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|(cuda|xpu)(:\d+)?)$")
MAX_LENGTH_CAP = 512
CACHE_FORMAT = 1


def check_params(est):
    """Validate the parameters of an HFEmbedder (``est``), raising TypeError/ValueError."""
    if not isinstance(est.model, (str, os.PathLike)) or not os.fspath(est.model):
        raise TypeError(
            f"model must be a hub name or a local path (str), got {est.model!r}."
        )
    layers = est.layer if isinstance(est.layer, (list, tuple)) else [est.layer]
    if not layers:
        raise ValueError("layer must not be an empty list.")
    for value in layers:
        if not (is_int(value) or (isinstance(value, str) and value == "middle")):
            raise TypeError(
                f"layer must be an int, a list of ints or 'middle'; got {est.layer!r}."
            )
    if est.pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {est.pooling!r}.")
    for name in ("normalize", "truncation", "trust_remote_code"):
        check_bool(getattr(est, name), name)
    check_bool(est.progress_bar, "progress_bar", allow_none=True)
    check_int(est.max_length, "max_length", min_value=1, allow_none=True)
    check_int(est.batch_size, "batch_size", min_value=1)
    if not isinstance(est.device, str) or not DEVICE_PATTERN.match(est.device):
        raise ValueError(
            "device must be 'auto', 'cpu', 'cuda', 'cuda:N', 'mps' or 'xpu', "
            f"got {est.device!r}."
        )
    if est.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {est.dtype!r}.")
    for name in ("template", "revision"):
        if getattr(est, name) is not None and not isinstance(getattr(est, name), str):
            raise TypeError(f"{name} must be a str or None, got {getattr(est, name)!r}.")
    cache_root(est.cache)
    model_kwargs = _hfl.check_kwargs(est.model_kwargs, "model_kwargs")
    _hfl.check_kwargs(est.tokenizer_kwargs, "tokenizer_kwargs")
    if est.dtype != "auto" and any(k in model_kwargs for k in _hfl.DTYPE_KEYS):
        raise ValueError(
            f"dtype={est.dtype!r} and a dtype in model_kwargs: give one of them "
            "(leave dtype='auto' to use model_kwargs')."
        )
    if "device_map" in model_kwargs and est.device != "auto":
        raise ValueError(
            f"device={est.device!r} and a device_map in model_kwargs: the device_map "
            "places the model, leave device='auto'."
        )


def cache_root(cache):
    """The folder of ``cache`` as a str (None for no cache), or a TypeError.

    Only a path is accepted: the vector cache is skw2s' own, so a joblib.Memory, whose
    settings would be ignored, is refused with the fix in the message.
    """
    if cache is None:
        return None
    if isinstance(cache, (str, os.PathLike)):
        return os.fspath(cache)
    hint = ""
    if hasattr(cache, "location"):  # a joblib.Memory
        hint = (
            ": HFEmbedder writes its own per-text vector files and would use none of the "
            "Memory's settings (compress, mmap_mode, verbose, bytes_limit); pass "
            "memory.location instead"
        )
    raise TypeError(
        f"cache must be None or a folder path (str or os.PathLike); got {type(cache).__name__}{hint}."
    )


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


def embed_or_halve(embed_batch, loaded, seqs, extras, torch, batching):
    """``embed_batch``'s vectors of a batch, or None after halving ``batching["size"]`` on
    out-of-memory (warned once per call of :func:`embed_texts`)."""
    try:
        return embed_batch(loaded, seqs, extras, torch)
    except torch.cuda.OutOfMemoryError:
        if len(seqs) == 1:
            raise
        batching["size"] = len(seqs) // 2
        if not batching["warned"]:
            batching["warned"] = True
            warnings.warn(
                f"HFEmbedder: out of memory on a batch of {len(seqs)} texts; "
                f"retrying with batches of {batching['size']}.",
                RuntimeWarning,
                stacklevel=6,
            )
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return None


def embed_texts(est, loaded, texts, out, rows, store, keys, torch, *, embed_batch, estimate,
                chunk_size):
    """Embed ``texts`` into ``out[rows]`` for an HFEmbedder ``est``, longest first.

    Texts are tokenized ``chunk_size`` at a time, sorted by token length and batched; each
    batch goes through ``embed_batch(loaded, seqs, extras, torch)`` (halved on
    out-of-memory, :func:`embed_or_halve`); each chunk's vectors go to ``store`` (when not
    None). ``estimate`` is ``(after_s, above_s)`` of :class:`CPUTimeEstimate`.
    """
    tokenizer = loaded.tokenizer
    extra_names = [
        n for n in getattr(tokenizer, "model_input_names", ())
        if n not in ("input_ids", "attention_mask")
    ]
    tok_kwargs = {"truncation": bool(est.truncation), "verbose": False}
    if est.truncation:
        tok_kwargs["max_length"] = est.max_length_
    # Sort by characters first (cheap), then by tokens within each chunk.
    chars = np.fromiter(map(len, texts), np.int64, len(texts))
    by_chars = np.argsort(-chars, kind="stable")
    batching = {"size": int(est.batch_size), "warned": False}  # halved on out-of-memory
    if loaded.input_device.startswith("cpu"):
        estimate = CPUTimeEstimate(loaded.model, chars, est.max_length_, *estimate)
    else:
        estimate = None
    bar = progress_bar(est.progress_bar, len(texts))
    try:
        for start in range(0, len(texts), chunk_size):
            chunk = by_chars[start : start + chunk_size]
            enc = tokenizer([texts[i] for i in chunk], **tok_kwargs)
            seqs = [ids if len(ids) else [loaded.empty_id] for ids in enc["input_ids"]]
            extras = {
                n: [v if len(v) else [0] for v in enc[n]] for n in extra_names if n in enc
            }
            lengths = np.fromiter(map(len, seqs), np.int64, len(seqs))
            order = np.argsort(-lengths, kind="stable")
            vecs = np.empty((len(chunk), est.n_features_out_), dtype=np.float32)
            pos = 0
            while pos < len(order):
                batch = order[pos : pos + batching["size"]]
                vec = embed_or_halve(
                    embed_batch,
                    loaded,
                    [seqs[i] for i in batch],
                    {n: [v[i] for i in batch] for n, v in extras.items()},
                    torch,
                    batching,
                )
                if vec is None:  # out of memory: the batch size was halved
                    continue
                vecs[batch] = vec
                pos += len(batch)
                if bar is not None:
                    bar.update(len(batch))
                if estimate is not None:
                    estimate.update(chars[chunk[batch]])
            out[rows[chunk]] = vecs
            if store is not None:
                store.put([keys[rows[i]] for i in chunk], vecs)
    finally:
        if bar is not None:
            bar.close()


def shows_progress(show):
    """Whether progress bars are shown: ``show``, or for None, whether stderr is a terminal."""
    if show is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(show)


def progress_bar(show, total):
    """A tqdm bar, or None; ``show=None`` shows it when stderr is a terminal."""
    if not shows_progress(show):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if show is True:
            raise ImportError("progress_bar=True needs tqdm: pip install tqdm") from None
        return None
    return tqdm(total=total, desc="HFEmbedder", unit="text")


class CPUTimeEstimate:
    """Warns once, early, when embedding on CPU is projected to take long.

    The work of a text is taken as its length in characters, capped at ``max_length``
    tokens of about 4 characters; the projection is the elapsed time divided by the
    fraction of that work done.
    """

    def __init__(self, model, chars, max_length, after_s, above_s):
        self.model, self.after_s, self.above_s = model, after_s, above_s
        self.cap = 4 * max_length
        self.weights = np.minimum(chars, self.cap).astype(float) + 1.0
        self.total = self.weights.sum()
        self.done = 0.0
        self.start = time.perf_counter()
        self.finished = False

    def update(self, chars):
        if self.finished:
            return
        self.done += (np.minimum(chars, self.cap) + 1.0).sum()
        elapsed = time.perf_counter() - self.start
        if elapsed < self.after_s:
            return
        self.finished = True
        projected = elapsed * self.total / self.done
        if projected > self.above_s:
            n_params = sum(p.numel() for p in self.model.parameters())
            warnings.warn(
                f"HFEmbedder: embedding {len(self.weights)} texts with a model of "
                f"{n_params / 1e6:.0f} M parameters on CPU will take about "
                f"{duration(projected)} in all ({duration(elapsed)} so far, "
                f"{self.done / self.total:.0%} done). A GPU (device='cuda'), a smaller "
                "max_length or fewer texts would be faster; cache= keeps the vectors.",
                RuntimeWarning,
                stacklevel=6,
            )


def duration(seconds):
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"

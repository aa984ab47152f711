"""HFEmbedder.transform_partitions: a corpus embedded on dask, one model load per worker.

A tiny random BERT is built from a config saved to a temporary folder (no download).
Each test runs on dask's threaded scheduler and on the session cluster of 2 worker processes
(the ``scheduler`` fixture of conftest.py). Model loads are counted where they happen:
in this process for threads, inside each worker process for the cluster.
"""

import string
import sys

import cloudpickle
import numpy as np
import pytest

DASK_REASON = 'dask support needs the dask extra: pip install "skw2s[dask]"'
dask = pytest.importorskip("dask", reason=DASK_REASON)
db = pytest.importorskip("dask.bag", reason=DASK_REASON)
distributed = pytest.importorskip("distributed", reason=DASK_REASON)
torch = pytest.importorskip("torch", reason="HFEmbedder needs torch (pip install skw2s[hf])")
transformers = pytest.importorskip("transformers", reason="HFEmbedder needs transformers")

from skw2s import HFEmbedder, OverlapDetector, _dask_embedding, _hf_loading  # noqa: E402

# The helpers below run inside the worker processes, which cannot import this module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

TEXTS = [f"review {i}: " + "good " * (i % 5) + "bad " * (i % 3) for i in range(60)]
TEXTS += TEXTS[:10]  # duplicates across partitions


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A 1-layer BERT of width 16 with a character-level tokenizer, saved to disk."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    chars = string.ascii_lowercase + string.digits + string.punctuation
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + list(chars))}
    vocab.update({"##" + c: len(vocab) + i for i, c in enumerate(chars)})
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=10_000))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", model_max_length=64,
    )
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
    )
    path = tmp_path_factory.mktemp("dask-tiny-bert") / "bert"
    transformers.BertModel(config).save_pretrained(path)
    fast.save_pretrained(path)
    return str(path)


# Run in each worker process (closures are pickled by value): count real model loads.
def _install_load_counter():
    from skw2s import _dask_embedding as d
    from skw2s import _hf_loading as h

    d._EMBEDDERS.clear()
    original = getattr(h, "_original_load", h._load)
    h._original_load = original
    h.load_count = 0

    def counting(*args, **kwargs):
        h.load_count += 1
        return original(*args, **kwargs)

    h._load = counting


def _load_count():
    from skw2s import _hf_loading as h

    return h.load_count


class LoadCounter:
    """Counts ``_hf_loading._load`` calls in this process or in every worker process."""

    def __init__(self, client, monkeypatch):
        self.client = client
        if client is None:
            monkeypatch.setattr(_dask_embedding, "_EMBEDDERS", {})
            self.count = 0
            original = _hf_loading._load

            def counting(*args, **kwargs):
                self.count += 1
                return original(*args, **kwargs)

            monkeypatch.setattr(_hf_loading, "_load", counting)
        else:
            client.run(_install_load_counter)

    def per_worker(self):
        if self.client is None:
            return {"local": self.count}
        return self.client.run(_load_count)


def _as_input(kind, texts):
    if kind == "bag":
        return db.from_sequence(texts, npartitions=7), None
    return texts, 7


@pytest.mark.parametrize("kind", ["list", "bag"])
def test_partitions_embed_like_memory_with_one_load_per_worker(
    scheduler, tiny_bert, kind, monkeypatch
):
    counter = LoadCounter(scheduler, monkeypatch)
    X, npartitions = _as_input(kind, TEXTS)
    Z = HFEmbedder(tiny_bert).transform_partitions(X, npartitions=npartitions)
    assert isinstance(Z, dask.array.Array)
    assert Z.shape == (len(TEXTS), 16) and Z.dtype == np.float32
    assert len(Z.chunks[0]) == 7 and Z.chunks[1] == (16,)
    values = Z.compute()
    loads = counter.per_worker()
    # 1 width task + 7 partitions, yet each process loaded the model at most once
    assert all(n <= 1 for n in loads.values()), loads
    assert sum(loads.values()) >= 1
    reference = HFEmbedder(tiny_bert).fit_transform(TEXTS)
    np.testing.assert_allclose(values, reference, atol=1e-5)
    # a second corpus reuses the loaded models: no new load anywhere
    HFEmbedder(tiny_bert).transform_partitions(TEXTS[:20], npartitions=4).compute()
    assert counter.per_worker() == loads


def test_fitted_embedder_sends_params_not_model(scheduler, tiny_bert):
    emb = HFEmbedder(tiny_bert, layer=[0, -1]).fit()
    Z = emb.transform_partitions(TEXTS, npartitions=3)
    assert Z.shape == (len(TEXTS), 32)
    graph = dict(Z.__dask_graph__())
    # the tasks carry the embedder's parameters (a small dict), never the loaded model
    assert not any("BertModel" in repr(task) for task in graph.values())
    np.testing.assert_allclose(Z.compute(), emb.transform(TEXTS), atol=1e-5)


def test_workers_share_the_disk_cache(scheduler, tiny_bert, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    Z = HFEmbedder(tiny_bert, cache=str(cache)).transform_partitions(TEXTS, npartitions=5)
    values = Z.compute()
    shards = list(cache.glob("*/*.keys.npy"))
    assert len(shards) >= 5  # every partition wrote its vectors
    # a fresh embedder on the same folder finds every text cached: no forward pass
    emb = HFEmbedder(tiny_bert, cache=str(cache)).fit()

    def no_forward(*args, **kwargs):
        raise AssertionError("embedded a text that the workers had cached")

    monkeypatch.setattr(HFEmbedder, "_forward", no_forward)
    np.testing.assert_allclose(emb.transform(TEXTS), values, atol=1e-6)


def test_embeddings_feed_the_detector(scheduler, tiny_bert):
    Z = HFEmbedder(tiny_bert).transform_partitions(TEXTS, npartitions=4)
    rng = np.random.RandomState(0)  # a third of the texts the weak model is unsure about
    hard = np.arange(len(TEXTS)) % 3 == 0
    p = np.where(hard, 0.5 + rng.uniform(-0.02, 0.02, len(TEXTS)), 0.97)
    det = OverlapDetector().fit(Z, weak_proba=p)
    ref = OverlapDetector().fit(Z.compute(), weak_proba=p)
    assert det.confidence_two_groups_ and 0 < len(det.hard_indices_) <= hard.sum()
    np.testing.assert_array_equal(det.hard_indices_, ref.hard_indices_)
    np.testing.assert_array_equal(det.labels_.compute(), ref.labels_)
    np.testing.assert_allclose(det.overlap_score_.compute(), ref.overlap_score_, rtol=1e-5)


def test_dask_series_input(scheduler, tiny_bert):
    dd = pytest.importorskip("dask.dataframe", reason="dask.dataframe needs pandas and pyarrow")
    pd = pytest.importorskip("pandas")
    series = dd.from_pandas(pd.Series(TEXTS), npartitions=3)
    Z = HFEmbedder(tiny_bert).transform_partitions(series)
    np.testing.assert_allclose(Z.compute(), HFEmbedder(tiny_bert).fit_transform(TEXTS), atol=1e-5)


def test_dask_dataframe_input(scheduler, tiny_bert):
    dd = pytest.importorskip("dask.dataframe", reason="dask.dataframe needs pandas and pyarrow")
    pd = pytest.importorskip("pandas")
    one = dd.from_pandas(pd.DataFrame({"text": TEXTS}), npartitions=3)
    Z = HFEmbedder(tiny_bert).transform_partitions(one)
    np.testing.assert_allclose(Z.compute(), HFEmbedder(tiny_bert).fit_transform(TEXTS), atol=1e-5)
    two = dd.from_pandas(pd.DataFrame({"text": TEXTS, "label": 0}), npartitions=3)
    with pytest.raises(ValueError, match="dask DataFrame with 2 columns"):
        HFEmbedder(tiny_bert).transform_partitions(two)


def test_resources_route_tasks_to_gpu_workers(tiny_bert, dask_cluster):
    """Only the worker declaring a GPU resource embeds (and loads the model)."""
    with distributed.Client(dask_cluster) as client:
        client.run(_install_load_counter)
        gpu = next(a for a, w in client.scheduler_info()["workers"].items() if w["resources"])
        Z = HFEmbedder(tiny_bert).transform_partitions(
            TEXTS, npartitions=6, resources={"GPU": 1}
        )
        with distributed.get_task_stream(client) as stream:
            with dask.config.set({"optimization.fuse.active": False}):
                values = Z.compute()
        embed_workers = {t["worker"] for t in stream.data if "_embed_partition" in t["key"]}
        assert embed_workers == {gpu}
        loads = client.run(_load_count)
        assert loads[gpu] == 1 and sum(loads.values()) == 1
    np.testing.assert_allclose(values, HFEmbedder(tiny_bert).fit_transform(TEXTS), atol=1e-5)


def test_bad_input(tiny_bert):
    emb = HFEmbedder(tiny_bert)
    with pytest.raises(TypeError, match="resources must be a dict"):
        emb.transform_partitions(TEXTS, resources="GPU")
    with pytest.raises(ValueError, match="npartitions must be an int >= 1; got 0"):
        emb.transform_partitions(TEXTS, npartitions=0)
    with pytest.raises(TypeError, match="npartitions must be an int >= 1; got 2.5"):
        emb.transform_partitions(TEXTS, npartitions=2.5)
    with pytest.raises(ValueError, match="npartitions applies to in-memory texts only"):
        emb.transform_partitions(db.from_sequence(TEXTS, npartitions=2), npartitions=3)
    with pytest.raises(TypeError, match="single string"):
        emb.transform_partitions("one text")
    with pytest.raises(TypeError, match="dask Bag or dask Series"):
        emb.transform_partitions(dask.array.zeros((3, 2)))
    with pytest.raises(ValueError, match="pooling must be one of"):
        HFEmbedder(tiny_bert, pooling="max").transform_partitions(TEXTS)

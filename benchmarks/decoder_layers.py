"""Gold-label probe accuracy of every hidden layer of the packaged decoders.

Measures, for ``skw2s run --weak-layer/--strong-layer auto``, which hidden layer of
SmolLM2-135M-Instruct and Gemma-3-270M gives the best logistic probe on movie-review
sentiment with a given pooling and prompt template. The texts are drawn from the
movie reviews *minus* the samples ``skw2s run`` uses with ``--random-state 0`` and
``--n-samples`` 1500 or 3000, so the recorded layers are not chosen on the study's
own texts.

One forward pass per model embeds every layer (``HFEmbedder(layer=[0, ..., L])``);
each layer is then scored by 5-fold cross-validated accuracy of
``StandardScaler + LogisticRegression(C)`` on gold labels.

Usage (2 CPU cores: about 5 to 15 minutes per model and pooling)::

    .venv/bin/python benchmarks/decoder_layers.py --models smollm2 gemma3 --pooling last \\
        --template "Review: {text}\\nSentiment:" --n 1000 --max-length 64
"""

import argparse
import json
import pathlib
import time

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["smollm2", "gemma3"])
    parser.add_argument("--pooling", default="last", choices=("last", "mean"))
    parser.add_argument("--template", default=None, help="\\n stands for a newline")
    parser.add_argument("--n", type=int, default=1000, help="texts (stratified)")
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--C", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--random-state", type=int, default=1)
    parser.add_argument("--cache-dir", default=None, help="default: $SKW2S_CACHE or ~/.cache/skw2s")
    parser.add_argument("--output", default="benchmarks/out/decoder_layers.json")
    args = parser.parse_args(argv)
    template = args.template.replace("\\n", "\n") if args.template else None

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skw2s._packaged import default_cache_dir, packaged_model
    from skw2s._cli_run import _stratified_sample
    from skw2s.datasets import load_movie_reviews
    from skw2s.embedding import HFEmbedder

    texts, y01 = load_movie_reviews(return_X_y=True)
    y = np.where(y01 == 1, "fresh", "rotten")  # as skw2s run labels them
    study = set()
    for n in (1500, 3000):  # the samples skw2s run draws with --random-state 0
        study.update(_stratified_sample(y, n, np.random.RandomState(0)).tolist())
    pool = np.array(sorted(set(range(len(texts))) - study))
    rng = np.random.RandomState(args.random_state)
    keep = pool[_stratified_sample(y[pool], args.n, rng)]
    texts = [texts[i] for i in keep]
    y = y[keep]
    print(f"{len(texts)} review snippets disjoint from the {len(study)} texts of skw2s run's "
          f"default samples; pooling={args.pooling}, template={template!r}, "
          f"max_length={args.max_length}, probe C={args.C}", flush=True)

    cache_root = pathlib.Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    results = {}
    for name in args.models:
        path, model_kwargs = packaged_model(name, cache_root)
        start = time.perf_counter()
        emb = HFEmbedder(path, model_kwargs=model_kwargs, layer=0, pooling=args.pooling,
                         template=template, max_length=args.max_length,
                         batch_size=args.batch_size, cache=str(cache_root / "embeddings"))
        n_states = emb.fit().n_hidden_states_
        load_s = time.perf_counter() - start
        emb.set_params(layer=list(range(n_states))).fit()
        start = time.perf_counter()
        Z = emb.transform(texts)
        embed_s = time.perf_counter() - start
        width = Z.shape[1] // n_states
        scores = []
        for k in range(n_states):
            probe = make_pipeline(StandardScaler(), LogisticRegression(C=args.C, max_iter=3000))
            acc = cross_val_score(probe, Z[:, k * width:(k + 1) * width], y, cv=cv)
            scores.append((float(acc.mean()), float(acc.std())))
        best = 1 + int(np.argmax([m for m, _ in scores[1:]]))  # layer 0 is the embeddings
        results[name] = {"n_hidden_states": n_states, "best_layer": best, "accuracy": scores,
                         "load_s": round(load_s, 1), "embed_s": round(embed_s, 1)}
        print(f"\n{name}: {n_states - 1} layers, load {load_s:.0f} s, embedding {embed_s:.0f} s; "
              f"best layer {best} ({scores[best][0]:.3f}), last layer {scores[-1][0]:.3f}")
        print("| layer | " + " | ".join(str(k) for k in range(n_states)) + " |")
        print("|---" * (n_states + 1) + "|")
        print("| acc | " + " | ".join(f"{m:.3f}" for m, _ in scores) + " |", flush=True)
    out = pathlib.Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=1))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()

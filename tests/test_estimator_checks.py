"""scikit-learn's estimator checks, on the defaults and on non-default constructions.

Every estimator is checked here, with parameter sets chosen to run distinct code paths
(not a cross product): each threshold rule in each of the detector's two threshold
parameters, each ``train_on`` of the classifier, a detector passed to the selector under
both detections, the resampler keeping different groups. An estimator that stored state
on a parameter (a threshold rule, a detector) fails ``check_estimators_overwrite_params``
here (issue 17). The resampler also runs imbalanced-learn's checks of samplers.

The only exclusion is the classifier's ``check_classifiers_classes`` (reason below).
skw2s does not claim array-API support, so scikit-learn runs one array-API check per
construction: NumPy inputs with array API dispatch on must give the same results. It skips
unless SCIPY_ARRAY_API is set; ``conftest.py`` sets it, so it runs (it found cleanlab's
call inside ``train_on="auto"`` raising under dispatch).
"""

import re
import subprocess
import sys
import warnings

import pytest
import ruptures
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from skw2s import (
    DegenerateDataWarning,
    OverlapDetector,
    OverlapResampler,
    UCBSourceSelector,
    WeakLabelTrust,
    WeakToStrongClassifier,
)
from skw2s.thresholds import (
    ChangePointThreshold,
    FixedThreshold,
    MixtureThreshold,
    QuantileThreshold,
    RupturesThreshold,
)


def _ruptures(breakpoint):
    return RupturesThreshold(ruptures.Binseg(model="l2"), breakpoint=breakpoint)


# Each rule once as confidence_threshold and once as overlap_threshold. The bootstrap at
# its default size (n_resamples=50) is checked on the default construction; the others that
# run it use a few resamples (the same code path, a tenth of the fits): these checks are
# about the API, and the suite answers in two minutes (issue 26).
DETECTORS = [
    OverlapDetector(),
    OverlapDetector(aggregation="max", center=True, n_resamples=3, random_state=0),
    OverlapDetector(n_resamples=0),
    OverlapDetector(confidence_threshold=MixtureThreshold(scale="logit"),
                    overlap_threshold=ChangePointThreshold(jump=5), n_resamples=5, random_state=0),
    OverlapDetector(confidence_threshold=ChangePointThreshold(),
                    overlap_threshold=QuantileThreshold(0.5), aggregation="mean"),
    OverlapDetector(confidence_threshold=QuantileThreshold(0.2),
                    overlap_threshold=FixedThreshold(0.3), similarity="dot"),
    OverlapDetector(confidence_threshold=FixedThreshold(0.5),
                    overlap_threshold=_ruptures("last"), hard_inclusive=True),
    OverlapDetector(confidence_threshold=_ruptures("first"),
                    overlap_threshold=MixtureThreshold(valley=0.5), n_resamples=5, random_state=0),
    # the hard-only side from the gold rows (every row of the checks' y is one)
    OverlapDetector(LogisticRegression(), hard_from="gold", n_neighbors=5, n_resamples=3,
                    random_state=0),
]

# The default construction fits the default detector (with its bootstrap); the others
# choose rows from the detector's partition, which needs no bootstrap (n_resamples=0).
CLASSIFIERS = [
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression()),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on="nonhard",
                           pseudolabels="soft", detector=OverlapDetector(n_resamples=0)),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on="overlap",
                           detector=OverlapDetector(overlap_threshold=MixtureThreshold(),
                                                    n_resamples=0)),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on=0.5,
                           detector=OverlapDetector(n_resamples=0), random_state=0),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on="auto", cv=2,
                           detector=OverlapDetector(n_resamples=0), random_state=0),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on=("trust", 0.6), cv=2,
                           random_state=0),
    WeakToStrongClassifier(LogisticRegression(), LogisticRegression(), train_on=("cut", 0.7)),
]

SELECTORS = [
    UCBSourceSelector(random_state=0),
    UCBSourceSelector(detection="full", bonus="authors", n_rounds=10, random_state=0),
    # A detector passed in: it is cloned, never changed (issue 17). Few rounds keep
    # the checks fast; the detections are those of the defaults above.
    UCBSourceSelector(
        detector=OverlapDetector(confidence_threshold=ChangePointThreshold(),
                                 overlap_threshold=MixtureThreshold(), center=True),
        n_rounds=10, random_state=0,
    ),
    UCBSourceSelector(
        detector=OverlapDetector(aggregation="max", overlap_threshold=_ruptures("last")),
        detection="full", strategy="random", n_rounds=5, random_state=0,
    ),
]

# The default keeps the overlap points, which the checks' random data often lack (an
# empty result); the others keep rows there.
RESAMPLERS = [
    OverlapResampler(),
    OverlapResampler(OverlapDetector(n_resamples=0), keep="nonhard"),
    OverlapResampler(OverlapDetector(confidence_threshold="changepoint",
                                     overlap_threshold="changepoint")),
]

TRUSTS = [
    WeakLabelTrust(),
    WeakLabelTrust(LogisticRegression(C=0.1), LogisticRegression(), n_neighbors=3, cv=2,
                   random_state=0),
]

# The semi-supervised -1 marker makes y in {-1, 1} half unlabelled; scikit-learn
# special-cases its own semi-supervised estimators in this check
# (_choose_check_classifiers_labels), a third-party one cannot be.
CLASSIFIER_EXPECTED_FAILED = {
    "check_classifiers_classes": "y in {-1, 1}: -1 marks unlabelled rows (semi-supervised "
    "convention, special-cased by scikit-learn for SelfTrainingClassifier only).",
}


def _expected_failed(estimator):
    return CLASSIFIER_EXPECTED_FAILED if isinstance(estimator, WeakToStrongClassifier) else {}


_CHECKS = parametrize_with_checks(DETECTORS + CLASSIFIERS + SELECTORS + RESAMPLERS + TRUSTS,
                                  expected_failed_checks=_expected_failed)


def _stable_id(obj):
    # scikit-learn's id of an estimator is its repr, which for a ruptures search object
    # holds a memory address: dropped, so that test ids are the same from run to run.
    name = _CHECKS.kwargs["ids"](obj)
    return None if name is None else re.sub(r"objectat0x[0-9a-fA-F]+", "", name)


# The default construction of each estimator is checked by `make test-fast`; the other
# constructions are marked slow (`make test` runs them all).
_DEFAULTS = {id(DETECTORS[0]), id(CLASSIFIERS[0]), id(SELECTORS[0]), id(RESAMPLERS[0]), id(TRUSTS[0])}


def _mark_non_defaults(cases):
    for case in cases:
        values, marks = (case.values, list(case.marks)) if hasattr(case, "values") else (case, [])
        if id(values[0]) not in _DEFAULTS:
            marks.append(pytest.mark.slow)
        yield pytest.param(*values, marks=marks)


@pytest.mark.parametrize(_CHECKS.args[0], list(_mark_non_defaults(_CHECKS.args[1])),
                         ids=_stable_id)
def test_sklearn_compatible(estimator, check):
    # The checks' tiny random datasets often hold one group of scores: documented
    # behaviour, announced by a DegenerateDataWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        check(estimator)


# imbalanced-learn's checks of samplers. Its generator (estimator_checks_generator) reads
# a tag this scikit-learn no longer has (input_tags.dataframe), so the checks that apply
# are called one by one. Not run: the checks of balancing samplers (sampling_strategy_),
# of sparse, NaN and string input (the tags say none is accepted), of one-hot targets (y
# is a vector of labels), and of imbalanced-learn's own tags (sampler_tags; the tests of
# tests/test_detection.py check sample_indices_).
IMBLEARN_CHECKS = [
    "check_target_type",
    "check_samplers_one_label",
    "check_samplers_fit_resample",
    "check_samplers_pandas",
    "check_samplers_list",
    "check_samplers_preserve_dtype",
    "check_samplers_2d_target",
    "check_sampler_get_feature_names_out",
    "check_sampler_get_feature_names_out_pandas",
]


@pytest.mark.parametrize("resampler", RESAMPLERS[1:], ids=_stable_id)
@pytest.mark.parametrize("check", IMBLEARN_CHECKS)
def test_imblearn_sampler_checks(resampler, check):
    # RESAMPLERS[0] is left out: on the checks' data it keeps no row, and an empty list
    # result cannot have the shape check_samplers_list compares.
    checks = pytest.importorskip(
        "imblearn.utils.estimator_checks", reason="imbalanced-learn (the test extra) is not installed"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        getattr(checks, check)(type(resampler).__name__, resampler)


def test_import_is_light():
    code = (
        "import sys, skw2s; "
        "heavy = [m for m in ('torch', 'transformers', 'matplotlib') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Tests of WeakToStrongClassifier."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC

from skw2s import EASY, HARD, OVERLAP, DegenerateDataWarning, OverlapDetector
from skw2s._utils import is_unlabelled
from skw2s.classifier import WeakToStrongClassifier
from skw2s.datasets import make_overlap_classification

# scikit-learn's common checks: tests/test_estimator_checks.py.


@pytest.fixture(scope="module")
def data():
    X, y, group, weak_cols = make_overlap_classification(300, 300, 300, random_state=0)
    y_semi = y.copy()
    y_semi[200:] = -1
    return X, y, y_semi, group, weak_cols


def weak_pipe(cols):
    return make_pipeline(ColumnTransformer([("easy", "passthrough", cols)]), LogisticRegression())


def test_fit_attributes_and_pool(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), LogisticRegression(), train_on="overlap")
    clf.fit(X, y_semi)
    np.testing.assert_array_equal(clf.pool_indices_, np.arange(200, 900))
    assert clf.pseudolabels_.shape == (700,)
    assert clf.pseudolabel_proba_.shape == (700, 2)
    assert set(np.unique(clf.pool_labels_)) <= {EASY, HARD, OVERLAP}
    # the strong model trained exactly on the detected overlap rows of the pool
    np.testing.assert_array_equal(clf.train_indices_, clf.pool_indices_[clf.pool_labels_ == OVERLAP])
    assert clf.overlap_density_ == pytest.approx(np.mean(clf.pool_labels_ == OVERLAP), abs=0.01)
    # the weak model never saw the pool; the pseudolabels are its predictions
    np.testing.assert_array_equal(clf.pseudolabels_, clf.weak_estimator_.predict(X[200:]))
    assert clf.n_features_in_ == X.shape[1]
    # the detector saw the pool and the weak probabilities
    np.testing.assert_allclose(
        clf.detector_.confidence_, np.abs(2 * clf.pseudolabel_proba_[:, 1] - 1), atol=1e-12
    )
    # detection on the pool matches the truth well
    assert np.mean((clf.pool_labels_ == OVERLAP) == (group[200:] == OVERLAP)) > 0.85


def test_train_on_all_without_detector(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_semi)
    assert clf.detector_ is None and clf.pool_labels_ is None and clf.overlap_density_ is None
    np.testing.assert_array_equal(clf.train_indices_, clf.pool_indices_)
    # with a detector but train_on="all": diagnostics only
    clf2 = WeakToStrongClassifier(weak_pipe(cols), detector=OverlapDetector()).fit(X, y_semi)
    assert clf2.pool_labels_ is not None
    np.testing.assert_array_equal(clf2.train_indices_, clf2.pool_indices_)
    np.testing.assert_allclose(clf.predict_proba(X), clf2.predict_proba(X))


def test_nonhard_and_float_train_on(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), train_on="nonhard").fit(X, y_semi)
    np.testing.assert_array_equal(clf.train_indices_, clf.pool_indices_[clf.pool_labels_ != HARD])
    n_o = np.sum(clf.pool_labels_ == OVERLAP)
    N = min(n_o, clf.pool_labels_.size - n_o)
    for q in (0.0, 0.3, 1.0):
        c = WeakToStrongClassifier(weak_pipe(cols), train_on=q, random_state=0).fit(X, y_semi)
        pos = np.searchsorted(c.pool_indices_, c.train_indices_)
        assert c.train_indices_.size == N
        assert np.sum(c.pool_labels_[pos] == OVERLAP) == round(q * N)
    # reproducible with random_state
    a = WeakToStrongClassifier(weak_pipe(cols), train_on=0.5, random_state=3).fit(X, y_semi)
    b = WeakToStrongClassifier(weak_pipe(cols), train_on=0.5, random_state=3).fit(X, y_semi)
    np.testing.assert_array_equal(a.train_indices_, b.train_indices_)


def test_detected_overlap_beats_nonoverlap():
    """The paper's claim on a clear case: overlap points teach the strong model more."""
    # one draw (one theta), split into the training rows and a test set
    Xall, yall, gall, cols = make_overlap_classification(800, 800, 600, noise=1.5, random_state=1)
    X, y, group = Xall[:1100], yall[:1100], gall[:1100]
    Xt, yt = Xall[1100:], yall[1100:]
    y_semi = y.copy()
    y_semi[150:] = -1
    accs = {}
    for q in (1.0, 0.0):
        clf = WeakToStrongClassifier(
            weak_pipe(cols), LogisticRegression(C=0.01), train_on=q, random_state=0
        ).fit(X, y_semi)
        accs[q] = clf.score(Xt, yt)
    assert accs[1.0] > accs[0.0] + 0.03, accs


def test_soft_pseudolabels(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), LogisticRegression(), pseudolabels="soft").fit(X, y_semi)
    hard = WeakToStrongClassifier(weak_pipe(cols), LogisticRegression()).fit(X, y_semi)
    assert clf.score(X[:200], y[:200]) > 0.7
    # soft and hard give different models
    assert not np.allclose(clf.predict_proba(X), hard.predict_proba(X))
    # soft labels reach a Pipeline's last step through step__sample_weight
    pipe = WeakToStrongClassifier(
        weak_pipe(cols), make_pipeline(FunctionTransformer(), LogisticRegression()), pseudolabels="soft"
    ).fit(X, y_semi)
    np.testing.assert_allclose(pipe.predict_proba(X), clf.predict_proba(X), atol=1e-6)

    class NoWeights(LogisticRegression):
        def fit(self, X, y):
            return super().fit(X, y)

    with pytest.raises(TypeError, match="sample_weight"):
        WeakToStrongClassifier(weak_pipe(cols), NoWeights(), pseudolabels="soft").fit(X, y_semi)


def test_weak_proba_input(data):
    X, y, y_semi, group, cols = data
    weak = LogisticRegression().fit(X[:200, cols], y[:200])
    proba = weak.predict_proba(X[:, cols])  # one row per sample of X
    a = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_semi)
    # the labelled rows' probabilities are ignored: garbage there changes nothing
    noisy = proba.copy()
    noisy[:200] = [0.5, 0.5]
    b = WeakToStrongClassifier().fit(X, y_semi, weak_proba=noisy)
    assert b.weak_estimator_ is None
    np.testing.assert_array_equal(a.pseudolabels_, b.pseudolabels_)
    # 1-D P(class 1) and no labelled row at all: classes are range(2)
    c = WeakToStrongClassifier().fit(X[200:], np.full(700, -1), weak_proba=proba[200:, 1])
    np.testing.assert_array_equal(c.classes_, [0, 1])
    np.testing.assert_array_equal(c.pseudolabels_, a.pseudolabels_)
    # classes= names the columns
    d = WeakToStrongClassifier(classes=["neg", "pos"]).fit(X[200:], None, weak_proba=proba[200:])
    assert set(d.predict(X[:5])) <= {"neg", "pos"}
    with pytest.raises(ValueError, match="classes"):
        WeakToStrongClassifier(classes=["a"]).fit(X[200:], None, weak_proba=proba[200:])
    with pytest.raises(ValueError, match="rows"):
        WeakToStrongClassifier().fit(X, y_semi, weak_proba=proba[200:])  # pool-sized: wrong


def test_unsorted_classes_follow_scikit_learn(data):
    # classes= ["b", "a"] names the columns; classes_ is sorted and predict_proba follows it
    X, y, y_semi, group, cols = data
    P = LogisticRegression().fit(X[:200, cols], y[:200]).predict_proba(X[200:, cols])
    clf = WeakToStrongClassifier(classes=["b", "a"]).fit(X[200:], None, weak_proba=P)
    assert clf.classes_.tolist() == ["a", "b"]
    # column 0 of P was class "b": the pseudolabels say so
    np.testing.assert_array_equal(clf.pseudolabels_ == "b", P[:, 0] > P[:, 1])
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    ref = WeakToStrongClassifier(classes=["a", "b"]).fit(X[200:], None, weak_proba=P[:, ::-1])
    np.testing.assert_allclose(ref.predict_proba(X), proba)


@pytest.mark.parametrize("routing", [False, True])
def test_weak_proba_in_cross_validate_and_grid_search(data, routing):
    import sklearn
    from sklearn.model_selection import KFold, cross_validate

    X, y, y_semi, group, cols = data
    P = LogisticRegression().fit(X[:200, cols], y[:200]).predict_proba(X[:, cols])
    rng = np.random.RandomState(0)
    y_cv = np.where(rng.rand(y.size) < 0.3, y, -1)  # labelled rows spread over the folds
    cv = KFold(3, shuffle=True, random_state=0)
    with sklearn.config_context(enable_metadata_routing=routing):
        est = WeakToStrongClassifier(strong_estimator=LogisticRegression())
        if routing:
            est.set_fit_request(weak_proba=True)
        res = cross_validate(est, X, y_cv, cv=cv, params={"weak_proba": P}, return_estimator=True)
        for (train, _), fitted in zip(cv.split(X), res["estimator"]):
            pool = train[y_cv[train] == -1]
            np.testing.assert_array_equal(fitted.pseudolabels_, P[pool].argmax(axis=1))
        assert np.all(res["test_score"] > 0.6)
        search = GridSearchCV(est, {"strong_estimator__C": [0.01, 1.0]}, cv=cv).fit(
            X, y_cv, weak_proba=P)
        assert search.best_estimator_.pseudolabels_.shape == (np.sum(y_cv == -1),)


def test_clear_errors_on_ordinary_mistakes(data):
    X, y, y_semi, group, cols = data
    with pytest.raises(ValueError, match="0 samples"):
        WeakToStrongClassifier().fit(np.zeros((0, 40)), np.zeros(0))
    clf = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_semi)
    with pytest.raises(ValueError, match="WeakToStrongClassifier is expecting 40 features"):
        clf.predict(X[:, :30])


@pytest.mark.parametrize("k", [3, 5, 10])
def test_every_subset_keeps_the_pool_classes(k):
    X, y, group, cols = make_overlap_classification(
        600, 600, 300 * k // 3, n_classes=k, noise=2.0, random_state=k)
    y_semi = np.where(np.arange(y.size) < 400, y, -1)
    for train_on in ("overlap", "nonhard", 0.8):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            clf = WeakToStrongClassifier(weak_pipe(cols), train_on=train_on, random_state=0).fit(
                X, y_semi)
        held = np.unique(clf.pseudolabels_)
        trained = np.unique(clf.pseudolabels_[np.isin(clf.pool_indices_, clf.train_indices_)])
        np.testing.assert_array_equal(trained, held)
        np.testing.assert_array_equal(np.sort(clf.strong_estimator_.classes_), held)
        assert np.isin(clf.coverage_indices_, clf.train_indices_).all()


def test_missing_class_is_added_with_a_warning(data):
    X, y, y_semi, group, cols = data
    P = np.tile([0.2, 0.7, 0.1], (X.shape[0], 1))
    P[::3] = [0.7, 0.2, 0.1]
    P[1::7] = [0.1, 0.3, 0.6]  # class 2: few rows, all hard-only under a fixed threshold
    det = OverlapDetector(confidence_threshold=0.5, overlap_threshold=0.0)
    with pytest.warns(DegenerateDataWarning, match=r"class\(es\) \[2\]"):
        clf = WeakToStrongClassifier(detector=det, train_on="nonhard", classes=[0, 1, 2]).fit(
            X, np.full(X.shape[0], -1), weak_proba=P)
    assert set(clf.pseudolabels_[clf.pool_labels_ != HARD]) == {0, 1}
    added = clf.coverage_indices_
    assert added.size == round(np.sum(clf.pool_labels_ != HARD) * np.mean(clf.pseudolabels_ == 2))
    assert np.all(clf.pseudolabels_[added] == 2) and np.isin(added, clf.train_indices_).all()
    assert set(clf.strong_estimator_.classes_) == {0, 1, 2}


def test_frozen_weak_estimator_every_row_unlabelled(data):
    X, y, y_semi, group, cols = data
    weak = weak_pipe(cols).fit(X[:200], y[:200])
    clf = WeakToStrongClassifier(FrozenEstimator(weak)).fit(X[200:], None)
    np.testing.assert_array_equal(clf.pseudolabels_, weak.predict(X[200:]))
    assert clf.weak_estimator_.estimator is weak  # not refitted
    clf2 = WeakToStrongClassifier(FrozenEstimator(weak)).fit(X[200:], np.full(700, -1))
    np.testing.assert_allclose(clf.predict_proba(X), clf2.predict_proba(X))


def test_string_and_multiclass_labels():
    X, y, group, cols = make_overlap_classification(200, 200, 200, n_classes=3, random_state=0)
    names = np.array(["cat", "dog", "emu"], dtype=object)
    y_str = names[y].astype(object)
    y_str[150:] = -1
    assert is_unlabelled(y_str).sum() == 450
    clf = WeakToStrongClassifier(weak_pipe(cols), train_on="nonhard").fit(X, y_str)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]
    assert set(clf.predict(X)) <= set(names)
    assert clf.predict_proba(X).shape == (600, 3)
    assert clf.score(X, y_str) == pytest.approx(np.mean(clf.predict(X[:150]) == names[y[:150]]))
    assert clf.score(X[:150], names[y[:150]]) > 0.5


def test_score_ignores_unlabelled(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_semi)
    expected = np.mean(clf.predict(X[:200]) == y[:200])
    assert clf.score(X, y_semi) == pytest.approx(expected)
    with pytest.warns(DegenerateDataWarning):
        assert np.isnan(clf.score(X[200:], y_semi[200:]))


def test_degenerate_cases(data):
    X, y, y_semi, group, cols = data
    # no unlabelled row: warn, pool = every row
    with pytest.warns(DegenerateDataWarning, match="no unlabelled"):
        clf = WeakToStrongClassifier().fit(X, y)
    assert clf.pool_indices_.size == X.shape[0]
    # a single labelled class
    y1 = y_semi.copy()
    y1[:200] = 1
    with pytest.raises(ValueError, match="class"):
        WeakToStrongClassifier().fit(X, y1)
    # no overlap point: a detector with an overlap threshold nobody reaches
    det = OverlapDetector(overlap_threshold=2.0)
    with pytest.warns(DegenerateDataWarning, match="every pool row"):
        clf = WeakToStrongClassifier(weak_pipe(cols), detector=det, train_on="overlap").fit(X, y_semi)
    np.testing.assert_array_equal(clf.train_indices_, clf.pool_indices_)
    # all pseudolabels of one class with hard labels
    proba = np.tile([0.9, 0.1], (900, 1))  # one row per sample
    with pytest.raises(ValueError, match="single class"):
        WeakToStrongClassifier().fit(X, y_semi, weak_proba=proba)
    # ...which soft labels handle
    WeakToStrongClassifier(pseudolabels="soft").fit(X, y_semi, weak_proba=proba)
    with pytest.raises(ValueError, match="requires y"):
        WeakToStrongClassifier().fit(X, None)


@pytest.mark.parametrize(
    "params, err, match",
    [
        ({"train_on": "easy"}, ValueError, "train_on"),
        ({"train_on": 1.5}, ValueError, "train_on"),
        ({"train_on": True}, ValueError, "train_on"),
        ({"pseudolabels": "fuzzy"}, ValueError, "pseudolabels"),
        ({"weak_estimator": LinearSVC()}, TypeError, "weak_estimator"),
        ({"strong_estimator": "svm"}, TypeError, "strong_estimator"),
        ({"detector": 3}, TypeError, "detector"),
    ],
)
def test_bad_params(data, params, err, match):
    X, y, y_semi, group, cols = data
    with pytest.raises(err, match=match):
        WeakToStrongClassifier(**params).fit(X, y_semi)


def test_params_not_mutated_and_delegation(data):
    X, y, y_semi, group, cols = data
    strong = LinearSVC()
    clf = WeakToStrongClassifier(weak_pipe(cols), strong)
    before = clone(clf).get_params(deep=True)
    clf.fit(X, y_semi)
    assert not hasattr(strong, "coef_")
    assert clf.get_params(deep=True).keys() == before.keys()
    assert not hasattr(clf, "predict_proba")  # LinearSVC has none
    assert clf.decision_function(X).shape == (900,)
    assert hasattr(WeakToStrongClassifier(), "predict_log_proba")


def test_gridsearch_nested_params(data):
    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(
        weak_pipe(cols), LogisticRegression(), detector=OverlapDetector(), train_on="overlap"
    )
    grid = GridSearchCV(
        clf,
        {"detector__overlap_threshold": ["changepoint", 0.5], "strong_estimator__C": [0.01, 1.0]},
        cv=3,
        n_jobs=2,
        error_score="raise",
    )
    grid.fit(X, y_semi)
    assert len(grid.cv_results_["params"]) == 4
    # the default scoring (our score) ignores -1 rows: every fold has labelled rows
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_score_ > 0.7
    assert grid.best_estimator_.detector_ is not None


def test_raw_text_pipelines():
    from sklearn.feature_extraction.text import CountVectorizer

    rng = np.random.RandomState(0)
    texts, labels = [], []
    for i in range(120):
        lab = i % 2
        word = ("good" if lab else "bad") if i % 3 else "meh"
        texts.append(f"{word} {rng.choice(['x', 'y', 'z'])} {'great' if lab else 'awful'}")
        labels.append(lab)
    y = np.array(labels)
    y[40:] = -1
    clf = WeakToStrongClassifier(
        make_pipeline(CountVectorizer(), LogisticRegression()),
        make_pipeline(CountVectorizer(), LogisticRegression()),
    ).fit(texts, y)
    assert not hasattr(clf, "n_features_in_")
    assert clf.score(texts[:40], labels[:40]) > 0.9


# ----------------------------------------------------------------- metadata routing
class _RecordingLR(LogisticRegression):
    """Logistic regression remembering the sample_weight its fit received."""

    def fit(self, X, y, sample_weight=None):
        self.seen_weight_ = None if sample_weight is None else np.asarray(sample_weight).copy()
        return super().fit(X, y, sample_weight=sample_weight)


def _routing_data():
    X, y, group, weak_cols = make_overlap_classification(150, 150, 150, random_state=0)
    y_semi = y.copy()
    y_semi[100:] = -1
    weight = np.arange(1, X.shape[0] + 1, dtype=float)
    return X, y_semi, weight


def test_sample_weight_is_routed_to_the_rows_each_model_trains_on():
    import sklearn

    X, y_semi, weight = _routing_data()
    with sklearn.config_context(enable_metadata_routing=True):
        weak = _RecordingLR().set_fit_request(sample_weight=True)
        strong = _RecordingLR().set_fit_request(sample_weight=True)
        clf = WeakToStrongClassifier(weak, strong, train_on="nonhard").fit(X, y_semi, sample_weight=weight)
    np.testing.assert_array_equal(clf.weak_estimator_.seen_weight_, weight[:100])
    np.testing.assert_array_equal(clf.strong_estimator_.seen_weight_, weight[clf.train_indices_])


def test_soft_pseudolabels_multiply_routed_weights():
    import sklearn

    X, y_semi, weight = _routing_data()
    with sklearn.config_context(enable_metadata_routing=True):
        weak = LogisticRegression().set_fit_request(sample_weight=False)
        strong = _RecordingLR().set_fit_request(sample_weight=True)
        clf = WeakToStrongClassifier(weak, strong, pseudolabels="soft").fit(X, y_semi, sample_weight=weight)
    P = clf.pseudolabel_proba_
    expected = (P * weight[clf.pool_indices_][:, None]).ravel()
    np.testing.assert_allclose(clf.strong_estimator_.seen_weight_, expected[P.ravel() > 0])


def test_unrequested_metadata_raises_and_routing_off_raises():
    import sklearn
    from sklearn.exceptions import UnsetMetadataPassedError

    X, y_semi, weight = _routing_data()
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(UnsetMetadataPassedError):
            WeakToStrongClassifier(_RecordingLR(), _RecordingLR()).fit(X, y_semi, sample_weight=weight)
    with pytest.raises(ValueError, match="sample_weight"):
        WeakToStrongClassifier().fit(X, y_semi, sample_weight=weight)


class _RecordingDetector(OverlapDetector):
    """Overlap detector remembering the sample_weight its fit received."""

    def fit(self, X, y=None, *, weak_proba=None, sample_weight=None):
        self.seen_weight_ = None if sample_weight is None else np.asarray(sample_weight).copy()
        return super().fit(X, y, weak_proba=weak_proba)


class _PredictRecorder(LogisticRegression):
    """Logistic regression remembering the ``tag`` its prediction methods received."""

    def _record(self, method, tag):
        self.__dict__.setdefault("seen_tags_", {})[method] = tag

    def predict(self, X, tag=None):
        self._record("predict", tag)
        return super().predict(X)

    def predict_proba(self, X, tag=None):
        self._record("predict_proba", tag)
        return super().predict_proba(X)

    def predict_log_proba(self, X, tag=None):
        self._record("predict_log_proba", tag)
        return super().predict_log_proba(X)

    def decision_function(self, X, tag=None):
        self._record("decision_function", tag)
        return super().decision_function(X)


def test_sample_weight_is_routed_to_the_detector_on_the_pool():
    import sklearn

    X, y_semi, weight = _routing_data()
    with sklearn.config_context(enable_metadata_routing=True):
        weak = LogisticRegression().set_fit_request(sample_weight=False)
        strong = LogisticRegression().set_fit_request(sample_weight=False)
        det = _RecordingDetector().set_fit_request(sample_weight=True)
        clf = WeakToStrongClassifier(weak, strong, detector=det, train_on="overlap")
        clf.fit(X, y_semi, sample_weight=weight)
        np.testing.assert_array_equal(clf.detector_.seen_weight_, weight[clf.pool_indices_])
        # the default detector consumes no sample_weight: then nobody does
        with pytest.raises(TypeError, match="sample_weight"):
            WeakToStrongClassifier(weak, strong, train_on="overlap").fit(X, y_semi, sample_weight=weight)


def test_prediction_metadata_is_routed_to_the_strong_estimator():
    import sklearn
    from sklearn.exceptions import UnsetMetadataPassedError

    X, y_semi, weight = _routing_data()
    methods = ("predict", "predict_proba", "predict_log_proba", "decision_function")
    with sklearn.config_context(enable_metadata_routing=True):
        strong = _PredictRecorder()
        for m in methods:
            getattr(strong, f"set_{m}_request")(tag=True)
        clf = WeakToStrongClassifier(LogisticRegression(), strong).fit(X, y_semi)
        for m in methods:
            getattr(clf, m)(X[:5], tag=m)
            assert clf.strong_estimator_.seen_tags_[m] == m
        # score routes to the strong estimator's predict, and keeps its own sample_weight
        assert clf.score(X[:100], y_semi[:100], sample_weight=weight[:100], tag="via-score") > 0.5
        assert clf.strong_estimator_.seen_tags_["predict"] == "via-score"
        unset = WeakToStrongClassifier(LogisticRegression(), _PredictRecorder()).fit(X, y_semi)
        with pytest.raises(UnsetMetadataPassedError):
            unset.predict(X[:5], tag=1)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        clf.predict(X[:5], tag=1)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        clf.score(X[:5], y_semi[:5], tag=1)


def test_routing_composes_with_cross_validation_and_soft_pipelines():
    import sklearn
    from sklearn.model_selection import cross_validate

    X, y_semi, weight = _routing_data()
    with sklearn.config_context(enable_metadata_routing=True):
        clf = WeakToStrongClassifier(
            _RecordingLR().set_fit_request(sample_weight=True),
            LogisticRegression().set_fit_request(sample_weight=False),
        ).set_score_request(sample_weight=True)
        router = clf.get_metadata_routing()
        assert router.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        assert router.consumes("score", ["sample_weight"]) == {"sample_weight"}
        res = cross_validate(
            clf, X, y_semi, cv=3, params={"sample_weight": weight},
            return_estimator=True, return_indices=True,
        )
        for est, train in zip(res["estimator"], res["indices"]["train"]):
            labelled = train[y_semi[train] != -1]
            np.testing.assert_array_equal(est.weak_estimator_.seen_weight_, weight[labelled])
        # soft pseudolabels through a Pipeline: its last step must request sample_weight
        pipe = make_pipeline(FunctionTransformer(), LogisticRegression().set_fit_request(sample_weight=True))
        routed = WeakToStrongClassifier(LogisticRegression(), pipe, pseudolabels="soft").fit(X, y_semi)
    plain = WeakToStrongClassifier(LogisticRegression(), pseudolabels="soft").fit(X, y_semi)
    np.testing.assert_allclose(routed.predict_proba(X), plain.predict_proba(X), atol=1e-6)


def test_frozen_detector_is_used_as_it_is(data):
    """A detector fitted on the pool and frozen is not refitted; train_on_ says what was used."""
    X, y, y_semi, group, cols = data
    weak = weak_pipe(cols).fit(X[:200], y[:200])
    P = weak.predict_proba(X[200:])
    det = OverlapDetector().fit(X[200:], weak_proba=P)
    ref = WeakToStrongClassifier(detector=OverlapDetector(), train_on="overlap").fit(X[200:], None, weak_proba=P)
    clf = WeakToStrongClassifier(detector=FrozenEstimator(det), train_on="overlap").fit(X[200:], None, weak_proba=P)
    assert clf.detector_.estimator is det  # not refitted
    np.testing.assert_array_equal(clf.train_indices_, ref.train_indices_)
    np.testing.assert_array_equal(clf.pool_labels_, det.labels_)
    np.testing.assert_allclose(clf.predict_proba(X[:200]), ref.predict_proba(X[:200]))
    assert clf.train_on_ == "overlap" and clf.overlap_density_ == det.overlap_density_
    with pytest.raises(ValueError, match="frozen detector labelled 700 points but the pool has 699"):
        WeakToStrongClassifier(detector=FrozenEstimator(det), train_on="overlap").fit(
            X[201:], None, weak_proba=P[1:])
    # an empty subset: every pool row, and train_on_ says so
    none = OverlapDetector(overlap_threshold=2.0).fit(X[200:], weak_proba=P)
    with pytest.warns(DegenerateDataWarning, match="every pool row"):
        clf = WeakToStrongClassifier(detector=FrozenEstimator(none), train_on="overlap").fit(
            X[200:], None, weak_proba=P)
    assert clf.train_on_ == "all" and clf.train_indices_.size == 700
    assert WeakToStrongClassifier(train_on="nonhard").fit(X, y_semi).train_on_ == "nonhard"


# ----------------------------------------------------------------- train_on="auto"
def _linear_pool(seed, n=1300, n_gold=300, d=10):
    """Labels linear in X; the weak and the strong model see the same X, so the
    pseudolabels are as reliable everywhere as a linear model can make them."""
    rng = np.random.RandomState(seed)
    w = rng.randn(d)
    X = rng.randn(n, d)
    y = (X @ w > 0).astype(int)
    y_semi = y.copy()
    y_semi[n_gold:] = -1
    return X, y, y_semi


def _trap_proba(X, y, seed):
    """Weak probabilities whose least confident 40% all say class 1 (systematically
    wrong on about half of them); the confident ones are right."""
    c = np.random.RandomState(seed).uniform(0, 1, y.size)
    label = np.where(c < 0.4, 1, y)
    p1 = np.where(label == 1, 0.5 + c / 2, 0.5 - c / 2)
    return np.column_stack([1 - p1, p1])


class _EvenlyNoisyWeak(BaseEstimator, ClassifierMixin):
    """A weak labeller as reliable everywhere: the truth ``X[:, :5] @ 1 > 0`` flipped on
    the rows where ``X[:, 9] > 0.84`` (20%), its confidence ``|erf(X[:, 8])|``
    unrelated to being right. ``fit`` only records the classes. A strong model seeing
    ``X[:, :8]`` only sees random label noise: each subset is a smaller sample of it."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        from scipy.special import erf

        X = np.asarray(X)
        label = (X[:, :5].sum(axis=1) > 0) ^ (X[:, 9] > 0.84)
        p1 = np.where(label, 0.5 + np.abs(erf(X[:, 8])) / 2, 0.5 - np.abs(erf(X[:, 8])) / 2)
        return np.column_stack([1 - p1, p1])


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_auto_keeps_its_reference_when_no_subset_helps(seed):
    """Every pseudolabel right: each subset is a smaller sample of the same clean labels,
    so "auto" certifies none and keeps its reference, the confident-learning filter
    (cross-fitted and on a fixed weak side), which flags nothing here."""
    rng = np.random.RandomState(seed)
    X = rng.randn(3300, 10)
    y = (X[:, :5].sum(axis=1) > 0).astype(int)
    y_semi = np.where(np.arange(3300) < 300, y, -1)
    strong = weak_pipe(np.arange(8))
    P = np.where(y[:, None] == np.arange(2), 0.9, 0.1)  # right everywhere, equally sure
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        crossed = WeakToStrongClassifier(FrozenEstimator(_Oracle()), strong, train_on="auto", cv=3,
                                         random_state=seed).fit(X, y_semi)
        fixed = WeakToStrongClassifier(strong_estimator=strong, train_on="auto",
                                       random_state=seed).fit(X, y_semi, weak_proba=P)
    plain = WeakToStrongClassifier(strong_estimator=strong).fit(X, y_semi, weak_proba=P)
    for clf in (crossed, fixed):
        assert clf.train_on_ == "confident_learning", clf.validation_scores_
        assert not clf.validation_scores_["certified"].any()
        assert clf.train_indices_.size >= 0.99 * clf.pool_indices_.size  # (almost) nothing flagged
        np.testing.assert_allclose(clf.predict_proba(X), plain.predict_proba(X), atol=0.02)


class _Oracle(ClassifierMixin, BaseEstimator):
    """A weak model that is right everywhere with probability 0.9 (for FrozenEstimator)."""

    classes_ = np.array([0, 1])

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        y = (np.asarray(X)[:, :5].sum(axis=1) > 0).astype(int)
        return np.where(y[:, None] == np.arange(2), 0.9, 0.1)


def test_auto_on_evenly_noisy_pseudolabels_never_costs_accuracy():
    """Noise the strong side sees as uniform (it depends on a column the strong model
    does not see): its filters cannot find the wrong rows (the trust can, its neighbours
    being found in X), and whatever "auto" chooses must not lower the accuracy."""
    rng = np.random.RandomState(1)
    X = rng.randn(5300, 10)  # a pool of 5,000 (the trust's neighbourhoods grow with its square)
    y = (X[:, :5].sum(axis=1) > 0).astype(int)
    y_semi = np.where(np.arange(5300) < 300, y, -1)
    weak, strong = _EvenlyNoisyWeak(), weak_pipe(np.arange(8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        auto = WeakToStrongClassifier(strong_estimator=strong, train_on="auto", random_state=1).fit(
            X, y_semi, weak_proba=weak.predict_proba(X))
    plain = WeakToStrongClassifier(strong_estimator=strong).fit(X, y_semi, weak_proba=weak.predict_proba(X))
    Xt = rng.randn(5000, 10)
    yt = (Xt[:, :5].sum(axis=1) > 0).astype(int)
    i = auto.validation_scores_["train_on"].index(auto.train_on_)
    assert auto.validation_scores_["accuracy_gain"][i] >= 0
    assert auto.score(Xt, yt) >= plain.score(Xt, yt) - 0.01


def test_auto_picks_a_subset_that_helps(data):
    # the detector's subsets (the paper's structure) with a trained weak model
    X, y, y_semi, group, cols = data
    Xt, yt, gt, _ = make_overlap_classification(300, 300, 300, random_state=1)
    auto = WeakToStrongClassifier(weak_pipe(cols), LogisticRegression(C=0.01), train_on="auto",
                                  cv=3, random_state=0).fit(X, y_semi)
    assert auto.train_on_ in ("nonhard", "overlap")
    plain = WeakToStrongClassifier(weak_pipe(cols), LogisticRegression(C=0.01)).fit(X, y_semi)
    # the same make_overlap_classification seed draws the same theta: test on fresh rows
    Xf, yf, _, _ = make_overlap_classification(300, 300, 300, random_state=0)
    assert auto.score(Xf, yf) > plain.score(Xf, yf) + 0.05
    # a confidence-ranked subset, when the least confident pseudolabels are wrong
    X2, y2, y2_semi = _linear_pool(3, n=4300)  # rows 1300.. for testing
    X2, y2, y2_semi, Xt2, yt2 = X2[:1300], y2[:1300], y2_semi[:1300], X2[1300:], y2[1300:]
    P = _trap_proba(X2, y2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        auto2 = WeakToStrongClassifier(train_on="auto").fit(X2, y2_semi, weak_proba=P)
        plain2 = WeakToStrongClassifier().fit(X2, y2_semi, weak_proba=P)
    assert auto2.train_on_ != "all"
    assert auto2.score(Xt2, yt2) > plain2.score(Xt2, yt2) + 0.1


def test_auto_validation_scores_hold_every_candidate(data):
    from skw2s._training_rows import AUTO_CANDIDATES

    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), train_on="auto", cv=4, random_state=0).fit(X, y_semi)
    scores = clf.validation_scores_
    assert scores["train_on"] == list(AUTO_CANDIDATES)
    assert scores["train_on"] == ["all", "nonhard", "overlap", ("confident", 0.5), "confident_learning",
                                  ("strong", 0.8), ("strong", 0.6), ("trust", 0.8), ("trust", 0.6)]
    n = len(AUTO_CANDIDATES)
    for key in ("mean_score", "std_score", "accuracy_gain", "mean_brier", "gain", "gain_se", "gain_lower",
                "certified", "mean_n_rows", "rank_score"):
        assert len(scores[key]) == n
    splits = np.column_stack([scores[f"split{k}_score"] for k in range(4)])
    assert "split4_score" not in scores
    # the mean is over every labelled row: the fold scores weighted by fold size (50 each)
    np.testing.assert_allclose(scores["mean_score"], splits.mean(axis=1))
    # gains are against the reference, the confident-learning filter
    ref = scores["train_on"].index("confident_learning")
    np.testing.assert_array_equal(scores["reference"], np.arange(n) == ref)
    np.testing.assert_allclose(scores["accuracy_gain"], scores["mean_score"] - scores["mean_score"][ref])
    # the decision's gain is the decrease of the mean Brier score against the reference
    np.testing.assert_allclose(scores["gain"], scores["mean_brier"][ref] - scores["mean_brier"])
    assert scores["gain"][ref] == 0 and scores["gain_se"][ref] == 0 and np.isnan(scores["gain_lower"][ref])
    live = scores["gain_se"] > 0  # a lower bound below the gain, by a common multiple of the se
    crit = (scores["gain"][live] - scores["gain_lower"][live]) / scores["gain_se"][live]
    np.testing.assert_allclose(crit, crit[0])
    assert 1.645 < crit[0] < 3.5  # above the one-sided normal quantile: the max over candidates
    # certified: a bound above the margin (0) and a labelled accuracy not below the reference's
    np.testing.assert_array_equal(scores["certified"], (np.nan_to_num(scores["gain_lower"], nan=-1) > 0)
                                  & (scores["accuracy_gain"] >= 0))
    assert sorted(scores["rank_score"]) == list(range(1, n + 1))
    assert scores["mean_n_rows"][0] == 700  # "all": the pool
    # the strong-ranked subsets are ceil(q n_c) rows of each pseudolabel class
    assert scores["mean_n_rows"][5] > scores["mean_n_rows"][6]
    # the chosen rule is a train_on value that reproduces the final rows
    again = clone(clf).set_params(train_on=clf.train_on_).fit(X, y_semi)
    np.testing.assert_array_equal(again.train_indices_, clf.train_indices_)
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X))


def test_auto_is_deterministic_with_random_state(data):
    X, y, y_semi, group, cols = data
    fits = [WeakToStrongClassifier(weak_pipe(cols), train_on="auto", cv=3, random_state=rs).fit(X, y_semi)
            for rs in (7, 7, 8)]
    a, b, c = (f.validation_scores_ for f in fits)
    assert a["train_on"] == b["train_on"]
    for key in set(a) - {"train_on"}:
        np.testing.assert_array_equal(a[key], b[key])  # NaN where NaN
    assert fits[0].train_on_ == fits[1].train_on_
    np.testing.assert_array_equal(fits[0].train_indices_, fits[1].train_indices_)
    # another random_state gives other folds
    assert not np.array_equal(a["split0_score"], c["split0_score"])


def test_auto_splits_in_parallel_give_the_same_fit(data):
    # n_jobs: the validation splits run in joblib workers; with an int random_state the
    # fit is the same, bit for bit, and each distinct warning of the splits comes once
    X, y, y_semi, group, cols = data
    fits, warned = [], []
    for n_jobs in (1, 2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fits.append(WeakToStrongClassifier(weak_pipe(cols), train_on="auto", cv=3, random_state=7,
                                               n_jobs=n_jobs).fit(X, y_semi))
        warned.append(sorted(str(w.message) for w in caught if "validation" in str(w.message)))
    a, b = (f.validation_scores_ for f in fits)
    assert a["train_on"] == b["train_on"]
    for key in set(a) - {"train_on"}:
        np.testing.assert_array_equal(a[key], b[key])
    np.testing.assert_array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))
    assert warned[0] == warned[1] and len(warned[0]) == len(set(warned[0]))
    # a fixed weak side: the trust candidates' folds in workers, their warnings carried back
    # (the weak labels of the labelled rows all right: the trust cannot be learnt)
    P = np.where(y[:, None] == np.arange(2), 0.7, 0.3)
    fits, warned = [], []
    for n_jobs in (1, 2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fits.append(WeakToStrongClassifier(train_on="auto", cv=3, random_state=7, n_jobs=n_jobs).fit(
                X, y_semi, weak_proba=P))
        warned.append(sorted(str(w.message) for w in caught if "validation" in str(w.message)))
    a, b = (f.validation_scores_ for f in fits)
    assert a["train_on"] == b["train_on"] and ("trust", 0.6) in a["train_on"]
    for key in set(a) - {"train_on"}:
        np.testing.assert_array_equal(a[key], b[key])
    assert warned[0] == warned[1]
    assert any("weak labels are all right" in w for w in warned[0])


@pytest.mark.parametrize("n_jobs", [0, 1.5, True, "2"])
def test_bad_n_jobs(data, n_jobs):
    X, y, y_semi, group, cols = data
    with pytest.raises(ValueError, match="n_jobs must be None or a nonzero int"):
        WeakToStrongClassifier(weak_pipe(cols), n_jobs=n_jobs).fit(X, y_semi)


class _Counting(LogisticRegression):
    """Logistic regression counting its fits in a class-level log (clones share it)."""

    log = []

    def fit(self, X, y, sample_weight=None):
        type(self).log.append(len(y))
        return super().fit(X, y, sample_weight=sample_weight)


class _CountingWeak(_Counting):
    log = []


class _CountingDetector(OverlapDetector):
    log = []

    def fit(self, X, y=None, *, weak_proba=None):
        type(self).log.append(len(X))
        return super().fit(X, y, weak_proba=weak_proba)


def test_auto_fit_counts_match_the_docstring(data):
    X, y, y_semi, group, cols = data
    for log in (_Counting.log, _CountingWeak.log, _CountingDetector.log):
        log.clear()
    clf = WeakToStrongClassifier(_CountingWeak(), _Counting(), detector=_CountingDetector(),
                                 train_on="auto", cv=3, random_state=0).fit(X, y_semi)
    # per fold: its weak fit (2/3 of the 200 gold rows), then 3 on 2/3 of those for the
    # trust's cross-fitted labelled rows; the final weak fit on all 200 (and 3 more for
    # the trust when a trust rule is chosen)
    chose_trust = clf.train_on_[0] == "trust"
    assert len(_CountingWeak.log) == 3 + 1 + 3 * 3 + 3 * chose_trust
    assert sorted(n for n in _CountingWeak.log if n > 100) == [133, 133, 134] + [133, 133, 134] * chose_trust + [200]
    assert all(80 <= n <= 90 for n in _CountingWeak.log if n < 100)
    assert len(_CountingDetector.log) == 3 + 1 and set(_CountingDetector.log) == {700}
    assert len(_Counting.log) <= (5 + 9) * 3 + 5 + 2  # per fold: the strong view, the candidates
    assert _Counting.log[-1] == clf.train_indices_.size  # the final fit, on the chosen rows
    # a fixed weak side: one detector fit; the strong view (5 fits), at most 7 candidates
    # fitted once, 2 trust candidates per fold of the labelled rows (cv=3), and 2 more
    # (all rows for the trust, the final fit) when a trust rule is chosen
    for log in (_Counting.log, _CountingDetector.log):
        log.clear()
    P = weak_pipe(cols).fit(X[:200], y[:200]).predict_proba(X)
    fixed = WeakToStrongClassifier(strong_estimator=_Counting(), detector=_CountingDetector(),
                                   train_on="auto", cv=3).fit(X, y_semi, weak_proba=P)
    chose_trust = fixed.train_on_[0] == "trust"
    assert len(_CountingDetector.log) == 1
    assert 5 + 1 + 2 * 3 <= len(_Counting.log) <= 5 + 7 + 2 * 3 + 2 * chose_trust
    assert fixed.strong_estimator_.coef_.shape == (1, 40)


def test_auto_on_a_fixed_weak_side(data):
    """Frozen weak model or weak_proba: the labelled rows validate each candidate directly."""
    X, y, y_semi, group, cols = data
    weak = weak_pipe(cols).fit(X[:200], y[:200])
    frozen = WeakToStrongClassifier(FrozenEstimator(weak), LogisticRegression(C=0.01),
                                    train_on="auto", cv=3, random_state=0).fit(X, y_semi)
    given = WeakToStrongClassifier(strong_estimator=LogisticRegression(C=0.01), train_on="auto",
                                   cv=3, random_state=0).fit(X, y_semi, weak_proba=weak.predict_proba(X))
    assert frozen.weak_estimator_.estimator is weak  # never refitted
    scores = frozen.validation_scores_
    assert "split0_score" in scores and "split1_score" not in scores  # one split: no folds
    np.testing.assert_array_equal(scores["std_score"], 0.0)
    for key in ("mean_score", "gain", "gain_se"):
        np.testing.assert_allclose(scores[key], given.validation_scores_[key])
    assert frozen.train_on_ == given.train_on_ != "all"
    # the validation score of the chosen candidate is the final model's labelled accuracy
    i = scores["train_on"].index(frozen.train_on_)
    assert scores["mean_score"][i] == pytest.approx(frozen.score(X, y_semi))
    np.testing.assert_allclose(frozen.predict_proba(X), given.predict_proba(X))


def test_auto_without_labelled_rows_falls_back_to_the_reference(data):
    # nothing can be certified: the reference, as when no candidate is certified
    X, y, y_semi, group, cols = data
    P = weak_pipe(cols).fit(X[:200], y[:200]).predict_proba(X[200:])
    noisy = np.random.RandomState(0).rand(700) < 0.2  # label noise that the filter can find
    P[noisy] = P[noisy, ::-1]
    with pytest.warns(DegenerateDataWarning, match="train_on='auto'.*none.*reference 'confident_learning'"):
        clf = WeakToStrongClassifier(train_on="auto", random_state=0).fit(X[200:], None, weak_proba=P)
    assert clf.train_on_ == "confident_learning" and clf.validation_scores_ is None
    assert clf.pool_labels_ is not None  # the detector still gives its diagnostics
    filtered = WeakToStrongClassifier(train_on="confident_learning", random_state=0).fit(X[200:], None,
                                                                                        weak_proba=P)
    np.testing.assert_array_equal(clf.train_indices_, filtered.train_indices_)
    assert 0 < clf.train_indices_.size < 700  # the filter drops rows on this pool
    np.testing.assert_allclose(clf.predict_proba(X), filtered.predict_proba(X))


@pytest.mark.parametrize(
    "cv, err, match",
    [
        (1, ValueError, "cv must be at least 2"),
        (0, ValueError, "cv must be at least 2"),
        (2.5, TypeError, "cv must be an int"),
        ("3", TypeError, "cv must be an int"),
        (True, TypeError, "cv must be an int"),
        (None, TypeError, "cv must be an int"),
    ],
)
def test_auto_bad_cv(data, cv, err, match):
    X, y, y_semi, group, cols = data
    with pytest.raises(err, match=match):
        WeakToStrongClassifier(train_on="auto", cv=cv).fit(X, y_semi)


def test_auto_too_few_labelled_rows_for_the_folds(data):
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, y_semi, group, cols = data
    y_few = np.full_like(y, -1)
    ones = np.flatnonzero(y == 1)[:3]
    zeros = np.flatnonzero(y == 0)[:20]
    y_few[ones], y_few[zeros] = 1, 0
    # class 1 has 3 labelled rows: 3 folds instead of 5, with a warning naming cv
    with pytest.warns(DegenerateDataWarning, match=r"cv=5 folds need 5 .* class 1 has 3, so 3"):
        clf = WeakToStrongClassifier(train_on="auto", random_state=0).fit(X, y_few)
    assert "split2_score" in clf.validation_scores_ and "split3_score" not in clf.validation_scores_
    # a single labelled row of a class: no stratified folds; a clear error
    y_one = y_few.copy()
    y_one[ones[1:]] = -1
    with pytest.raises(ValueError, match="cv=5 .* at least 2 labelled rows per class; class 1 has 1"):
        WeakToStrongClassifier(train_on="auto").fit(X, y_one)
    # ... which a fixed weak side does not need
    P = np.column_stack([1 - X[:, 0] / 100 - 0.5, X[:, 0] / 100 + 0.5]).clip(0, 1)
    WeakToStrongClassifier(train_on="auto").fit(X, y_one, weak_proba=P)
    # a splitter is used as it is; one whose training folds miss a class is refused
    ok = WeakToStrongClassifier(train_on="auto", cv=StratifiedKFold(2)).fit(X, y_semi)
    assert "split1_score" in ok.validation_scores_
    y_sorted = y_semi.copy()
    y_sorted[:200] = np.sort(y[:200])  # unshuffled KFold(2): each half holds one class
    with pytest.raises(ValueError, match=r"KFold.*fold \d misses a class"):
        WeakToStrongClassifier(train_on="auto", cv=KFold(2)).fit(X, y_sorted)


def test_auto_passes_validation_warnings_once(data):
    X, y, y_semi, group, cols = data
    det = OverlapDetector(overlap_threshold=2.0)  # never any overlap point
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = WeakToStrongClassifier(weak_pipe(cols), detector=det, train_on="auto", cv=3,
                                     random_state=0).fit(X, y_semi)
    texts = [str(w.message) for w in caught]
    prefixed = [t for t in texts if t.startswith("train_on='auto' validation:")]
    assert sum("no overlap point" in t for t in prefixed) == 1  # 3 folds, one warning
    assert len(prefixed) == len(set(prefixed))
    assert clf.train_on_ != "overlap"


def test_confident_train_on(data):
    from skw2s._weak import weak_confidence

    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), train_on=("confident", 0.3)).fit(X, y_semi)
    assert clf.detector_ is None and clf.train_on_ == ("confident", 0.3)
    conf = weak_confidence(clf.pseudolabel_proba_)
    chosen = np.isin(clf.pool_indices_, clf.train_indices_)
    for c in (0, 1):
        in_c = clf.pseudolabels_ == c
        assert chosen[in_c].sum() == np.ceil(0.3 * in_c.sum())
        # the kept rows of a class are its most confident
        assert conf[in_c & chosen].min() >= conf[in_c & ~chosen].max()
    as_list = WeakToStrongClassifier(weak_pipe(cols), train_on=["confident", 0.3]).fit(X, y_semi)
    np.testing.assert_array_equal(as_list.train_indices_, clf.train_indices_)
    for bad in (("confident", 0.0), ("confident", 1.5), ("confident",), ("sure", 0.5),
                ("confident", True)):
        with pytest.raises(ValueError, match="train_on"):
            WeakToStrongClassifier(train_on=bad).fit(X, y_semi)


def test_score_is_labelled_accuracy_score():
    """One implementation: the classifier's score and the metric agree on string labels,
    -1 markers, object integers and sample weights."""
    from skw2s.metrics import labelled_accuracy_score

    X, y, group, cols = make_overlap_classification(100, 100, 100, n_classes=3, random_state=0)
    names = np.array(["cat", "dog", "emu"], dtype=object)
    y_str = names[y].astype(object)
    y_str[100:] = -1
    clf = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_str)
    pred = clf.predict(X)
    w = np.linspace(1, 2, 300)
    for truth in (y_str, names[y].astype(str), y_str[:100]):
        rows = slice(0, truth.size)
        assert clf.score(X[rows], truth) == labelled_accuracy_score(truth, pred[rows])
        assert clf.score(X[rows], truth, sample_weight=w[rows]) == labelled_accuracy_score(
            truth, pred[rows], sample_weight=w[rows])
    assert clf.score(X, y_str) == pytest.approx(np.mean(pred[:100] == names[y[:100]]))
    # object arrays of integers with the -1 marker (a pandas object column, say)
    y_int = y.astype(object)
    y_int[150:] = -1
    num = WeakToStrongClassifier(weak_pipe(cols)).fit(X, y_int)
    assert num.classes_.tolist() == [0, 1, 2]
    assert num.score(X, y_int) == labelled_accuracy_score(y_int, num.predict(X))
    assert num.score(X, y_int) == pytest.approx(np.mean(num.predict(X[:150]) == y[:150]))
    with pytest.warns(DegenerateDataWarning, match="WeakToStrongClassifier.score"):
        assert np.isnan(clf.score(X, np.full(300, -1)))
    # numbers compare as numbers, not as their strings ("1" != "1.0" before)
    assert labelled_accuracy_score(np.array([1, 0, -1, 1], dtype=object), [1.0, 0.0, 0.0, 1.0]) == 1.0


def test_auto_fold_with_one_pseudolabel_class():
    """A fold whose weak model gives the whole pool one class cannot rank the candidates:
    each predicts that class there (a warning), and the fit goes on."""
    rnd = np.random.RandomState(0)
    X = rnd.uniform(size=(10, 3))
    y = np.r_[np.zeros(5), np.ones(5)]  # scikit-learn's check_estimators_nan_inf data
    with pytest.warns(DegenerateDataWarning, match="validation: .*every candidate predicts"):
        clf = WeakToStrongClassifier(train_on="auto", cv=2, random_state=1).fit(X, y)
    assert clf.train_on_ == "confident_learning"  # the reference: nothing certified
    scores = clf.validation_scores_
    np.testing.assert_array_equal(scores["gain"], 0.0)  # both folds: no candidate fitted
    assert np.isnan(scores["mean_n_rows"]).all()


def test_auto_with_soft_pseudolabels_and_routed_weights():
    import sklearn

    X, y_semi, weight = _routing_data()
    soft = WeakToStrongClassifier(train_on="auto", pseudolabels="soft", cv=3, random_state=0)
    soft.fit(X, y_semi)
    same = clone(soft).set_params(train_on=soft.train_on_).fit(X, y_semi)
    np.testing.assert_allclose(soft.predict_proba(X), same.predict_proba(X))
    with sklearn.config_context(enable_metadata_routing=True):
        weak = _RecordingLR().set_fit_request(sample_weight=True)
        strong = _RecordingLR().set_fit_request(sample_weight=True)
        clf = WeakToStrongClassifier(weak, strong, train_on="auto", cv=3, random_state=0)
        clf.fit(X, y_semi, sample_weight=weight)
    # the final models saw the weights of the rows they trained on
    np.testing.assert_array_equal(clf.weak_estimator_.seen_weight_, weight[:100])
    np.testing.assert_array_equal(clf.strong_estimator_.seen_weight_, weight[clf.train_indices_])


# ------------------------------------------------------------ issue 24: defects of 3cc44f0
def _labelled_task(seed=0):
    from skw2s.datasets import make_overlap_classification

    X, y, _, weak_cols = make_overlap_classification(200, 200, 200, random_state=seed)
    y_fit = y.copy()
    y_fit[150:] = -1
    P = LogisticRegression().fit(X[:150, weak_cols], y[:150]).predict_proba(X[:, weak_cols])
    return X, y, y_fit, P


def test_classes_must_name_the_labels_of_y():
    X, _, y_fit, P = _labelled_task()
    clf = WeakToStrongClassifier(train_on="auto", classes=["a", "b"], random_state=0)
    with pytest.raises(ValueError, match="label 0, which is not one of them"):
        clf.fit(X, y_fit, weak_proba=P)
    with pytest.raises(ValueError, match="label 0, which is not one of them"):
        WeakToStrongClassifier(classes=["0", "1"]).fit(X, y_fit, weak_proba=P)  # '0' is not 0
    fitted = WeakToStrongClassifier(classes=[1, 0]).fit(X, y_fit, weak_proba=P[:, ::-1])
    assert fitted.classes_.tolist() == [0, 1]


def test_one_random_state_makes_the_default_detector_reproducible():
    X, _, y_fit, P = _labelled_task()
    fits = [WeakToStrongClassifier(train_on="nonhard", random_state=0).fit(X, y_fit, weak_proba=P)
            for _ in range(3)]
    intervals = {tuple(f.detector_.overlap_density_interval_) for f in fits}
    assert len(intervals) == 1 and len({f.overlap_density_ for f in fits}) == 1
    assert fits[0].detector_.random_state is not None
    # a detector with its own seed keeps it
    own = WeakToStrongClassifier(train_on="nonhard", detector=OverlapDetector(random_state=7),
                                 random_state=0).fit(X, y_fit, weak_proba=P)
    assert own.detector_.random_state == 7
    # auto too: the same validation table, bit for bit
    autos = [WeakToStrongClassifier(LogisticRegression(), train_on="auto", cv=3, random_state=1).fit(X, y_fit)
             for _ in range(2)]
    for key in set(autos[0].validation_scores_) - {"train_on"}:
        np.testing.assert_array_equal(autos[0].validation_scores_[key], autos[1].validation_scores_[key])
    assert autos[0].overlap_density_ == autos[1].overlap_density_


def test_auto_with_a_frozen_detector_does_not_leak_into_its_folds():
    # The frozen partition was made with the weak model of every labelled row; each
    # validation fold must partition its pool with its own probabilities, exactly as
    # an unfrozen detector of the same settings does.
    from sklearn.frozen import FrozenEstimator

    X, y, y_fit, _ = _labelled_task(seed=2)
    weak = LogisticRegression()
    det = OverlapDetector(n_resamples=0)
    plain = WeakToStrongClassifier(weak, train_on="auto", detector=det, cv=3, random_state=0).fit(X, y_fit)
    frozen_det = clone(det).fit(X[plain.pool_indices_], weak_proba=plain.pseudolabel_proba_)
    frozen = WeakToStrongClassifier(weak, train_on="auto", detector=FrozenEstimator(frozen_det), cv=3,
                                    random_state=0).fit(X, y_fit)
    for key in ("mean_score", "gain", "mean_n_rows"):
        np.testing.assert_array_equal(frozen.validation_scores_[key], plain.validation_scores_[key])
    np.testing.assert_array_equal(frozen.pool_labels_, plain.pool_labels_)


class _RowRecorder(ClassifierMixin, BaseEstimator):
    """A logistic regression on X[:, 1:] that records the ids (X[:, 0]) it trains on and
    predicts: the validation of train_on='auto' must never score a row a candidate saw."""

    log = []

    def fit(self, X, y):
        self.model_ = LogisticRegression().fit(X[:, 1:], y)
        self.classes_ = self.model_.classes_
        self.trained_ = set(X[:, 0].tolist())
        return self

    def predict(self, X):
        _RowRecorder.log.append((self.trained_, set(X[:, 0].tolist())))
        return self.model_.predict(X[:, 1:])


@pytest.mark.parametrize("fixed", [False, True])
def test_auto_without_unlabelled_rows_never_scores_a_row_it_trained_on(fixed):
    X, y, _, P = _labelled_task(seed=3)
    X = np.c_[np.arange(len(y)), X][:300]  # every row labelled: the pool is every row
    y, P = y[:300], P[:300]
    _RowRecorder.log = []
    weak = make_pipeline(FunctionTransformer(lambda Z: Z[:, 1:]), LogisticRegression())
    clf = WeakToStrongClassifier(weak, _RowRecorder(), train_on="auto", cv=3, random_state=0)
    with pytest.warns(DegenerateDataWarning, match="no unlabelled row"):
        clf.fit(X, y, weak_proba=P if fixed else None)
    assert _RowRecorder.log  # the validation predicted
    for trained, scored in _RowRecorder.log:
        assert not trained & scored
    assert "split2_score" in clf.validation_scores_  # cross-fitted, also on a fixed weak side


def test_trust_train_on(data):
    """("trust", q): the gold rows' trust ranks each pseudolabel class (issue 25)."""
    from sklearn.metrics import roc_auc_score

    from skw2s.trust import TrustModel

    X, y, y_semi, group, cols = data
    clf = WeakToStrongClassifier(weak_pipe(cols), train_on=("trust", 0.6), random_state=0).fit(X, y_semi)
    assert clf.train_on_ == ("trust", 0.6) and clf.trust_.shape == (700,)
    assert clf.strong_oof_proba_ is not None  # one of the trust's signals
    right = clf.pseudolabels_ == y[200:]
    assert roc_auc_score(right, clf.trust_) > roc_auc_score(right, clf.pseudolabel_proba_.max(1)) + 0.03
    chosen = np.isin(clf.pool_indices_, clf.train_indices_)
    for c in (0, 1):
        in_c = clf.pseudolabels_ == c
        assert chosen[in_c].sum() == np.ceil(0.6 * in_c.sum())
        assert clf.trust_[in_c & chosen].min() >= clf.trust_[in_c & ~chosen].max()
    # the same trust as the estimator's core, fed the classifier's pieces by hand
    from sklearn.model_selection import StratifiedKFold

    gold = np.arange(200)
    P_gold = np.zeros((200, 2))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(X[gold], y[gold]):
        P_gold[te] = weak_pipe(cols).fit(X[tr], y[tr]).predict_proba(X[te])
    model_all = LogisticRegression().fit(X[200:], clf.pseudolabels_)
    by_hand = TrustModel(clf.classes_, clf.pseudolabel_proba_, clf.strong_oof_proba_, X[200:], P_gold,
                         model_all.predict_proba(X[gold]), X[gold], y[gold], n_neighbors=10,
                         estimator=make_pipeline(StandardScaler(), LogisticRegression())).trust
    np.testing.assert_allclose(clf.trust_, by_hand)
    # no labelled row: nothing to learn from, every pool row, with a warning
    P = weak_pipe(cols).fit(X[:200], y[:200]).predict_proba(X[200:])
    with pytest.warns(DegenerateDataWarning, match="trust"):
        none = WeakToStrongClassifier(train_on=("trust", 0.6)).fit(X[200:], None, weak_proba=P)
    assert none.train_on_ == "all" and none.trust_ is None and none.train_indices_.size == 700
    with pytest.raises(ValueError, match="train_on"):
        WeakToStrongClassifier(train_on=("trust", 0)).fit(X, y_semi)


def test_trust_needs_numeric_features_or_a_representation():
    texts = np.array([f"text {i}" for i in range(40)], dtype=object)[:, None]
    y = np.r_[np.tile([0, 1], 10), np.full(20, -1)]
    weak = make_pipeline(FunctionTransformer(lambda T: np.array([[int(t[0].split()[1]) % 2, 1.0] for t in T])),
                         LogisticRegression())
    with pytest.raises(ValueError, match="representation"):
        WeakToStrongClassifier(weak, weak, train_on=("trust", 0.5)).fit(texts, y)


def test_auto_cross_fits_the_trust_on_a_fixed_weak_side(data):
    """Validated directly (a fixed weak side), the other candidates are fitted once, but
    the trust candidates are cross-fitted over ``cv`` folds of the labelled rows: a fold's
    rows are scored by ``("trust", q)`` fitted without them (rebuilt here by hand)."""
    from sklearn.model_selection import StratifiedKFold

    X, y, y_semi, group, cols = data
    P = weak_pipe(cols).fit(X[200:300], y[200:300]).predict_proba(X)  # someone else's labeller
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        fixed = WeakToStrongClassifier(train_on="auto", cv=3, random_state=0).fit(X, y_semi, weak_proba=P)
    scores = fixed.validation_scores_
    assert scores["train_on"][-2:] == [("trust", 0.8), ("trust", 0.6)]
    assert "split1_score" not in scores  # the other candidates: one split, every labelled row
    for q in (0.8, 0.6):
        proba, n_rows = np.zeros((200, 2)), []
        for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X[:200], y[:200]):
            rows = np.concatenate([train, np.arange(200, 900)])  # the fold's rows left out
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                alone = WeakToStrongClassifier(train_on=("trust", q), random_state=0).fit(
                    X[rows], y_semi[rows], weak_proba=P[rows])
            proba[test] = alone.predict_proba(X[test])
            n_rows.append(alone.train_indices_.size)
        i = scores["train_on"].index(("trust", q))
        assert scores["mean_score"][i] == pytest.approx(np.mean(proba.argmax(axis=1) == y[:200]))
        onehot = np.eye(2)[y[:200]]
        assert scores["mean_brier"][i] == pytest.approx(((proba - onehot) ** 2).sum(axis=1).mean())
        assert scores["mean_n_rows"][i] == pytest.approx(np.mean(n_rows))
    # a chosen trust rule is refitted with the trust of every labelled row
    again = clone(fixed).set_params(train_on=("trust", 0.6)).fit(X, y_semi, weak_proba=P)
    assert again.trust_ is not None and again.train_indices_.size == pytest.approx(0.6 * 700, abs=2)


def test_auto_leaves_the_trust_out_on_a_fixed_weak_side_too_small_to_fold(data):
    # a class with a single labelled row: no fold of the labelled rows holds it twice
    X, y, y_semi, group, cols = data
    y_one = y_semi.copy()
    ones = np.flatnonzero(y_semi == 1)
    y_one[ones[1:]] = -1
    P = weak_pipe(cols).fit(X[:200], y[:200]).predict_proba(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        fixed = WeakToStrongClassifier(train_on="auto", random_state=0).fit(X, y_one, weak_proba=P)
    assert [c for c in fixed.validation_scores_["train_on"] if c[0] == "trust"] == []
    assert len(fixed.validation_scores_["train_on"]) == 7


def test_weak_proba_of_labelled_rows_may_be_unknown(data):
    """NaN rows of weak_proba mean 'unknown' where the rows are labelled: the pool is
    pseudolabelled as before, the trust (which learns from the labelled rows' weak labels)
    cannot be learnt; a NaN row in the pool, or a row partly NaN, is refused."""
    X, y, y_semi, group, cols = data
    P = weak_pipe(cols).fit(X[200:300], y[200:300]).predict_proba(X)
    P_unknown = P.copy()
    P_unknown[:200] = np.nan
    plain = WeakToStrongClassifier(random_state=0).fit(X, y_semi, weak_proba=P)
    unknown = WeakToStrongClassifier(random_state=0).fit(X, y_semi, weak_proba=P_unknown)
    np.testing.assert_array_equal(unknown.pseudolabel_proba_, plain.pseudolabel_proba_)
    np.testing.assert_allclose(unknown.predict_proba(X), plain.predict_proba(X))
    with pytest.warns(DegenerateDataWarning, match="NaN .*unknown.* rows there: every pool row is used"):
        trust = WeakToStrongClassifier(train_on=("trust", 0.6), random_state=0).fit(
            X, y_semi, weak_proba=P_unknown)
    assert trust.trust_ is None and trust.train_indices_.size == 700
    # a 1-D weak_proba: NaN entries of labelled rows as well
    one_d = WeakToStrongClassifier(random_state=0).fit(X, y_semi, weak_proba=P_unknown[:, 1])
    np.testing.assert_allclose(one_d.predict_proba(X), plain.predict_proba(X))
    bad = P_unknown.copy()
    bad[250] = np.nan
    with pytest.raises(ValueError, match="NaN rows at 1 pool row"):
        WeakToStrongClassifier().fit(X, y_semi, weak_proba=bad)
    bad = P.copy()
    bad[5, 0] = np.nan  # part of a row
    with pytest.raises(ValueError, match="weak_proba contains NaN"):
        WeakToStrongClassifier().fit(X, y_semi, weak_proba=bad)
    with pytest.raises(ValueError, match="NaN rows at 900 pool row"):  # no -1: every row is a pool row
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            WeakToStrongClassifier().fit(X, y, weak_proba=np.full_like(P, np.nan))

"""OverlapDetector: ground-truth recovery, fitted API, degenerate pools, exactness."""

import pickle
import warnings

import numpy as np
import pytest
import ruptures
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skw2s import (
    EASY,
    GROUP_NAMES,
    HARD,
    OVERLAP,
    DegenerateDataWarning,
    OverlapDetector,
    OverlapResampler,
)
from skw2s._similarity import SimilarityIndex
from skw2s.datasets import make_overlap_classification
from skw2s.thresholds import FixedThreshold, MixtureThreshold


@pytest.fixture(scope="module")
def clear_pool():
    """20 + 20 dimensions, 30% overlap, clear signal; weak model trained on another draw."""
    X, y, group, weak_cols = make_overlap_classification(700, 700, 600, random_state=0)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    return X, y, group, weak_cols, weak.predict_proba(X[:, weak_cols])


def _precision_recall(pred, true):
    tp = np.sum(pred & true)
    return tp / max(pred.sum(), 1), tp / max(true.sum(), 1)


def test_recovers_true_overlap_with_defaults(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector().fit(X, weak_proba=proba)
    precision, recall = _precision_recall(det.labels_ == OVERLAP, group == OVERLAP)
    assert precision >= 0.9 and recall >= 0.9
    # hard-only points are found too
    assert np.mean(det.labels_[group == HARD] == HARD) > 0.95
    # the bootstrap's (bagged) density agrees with the partition on a clear pool
    assert det.overlap_density_ == pytest.approx(det.group_proba_[:, OVERLAP].mean())
    assert det.overlap_density_ == pytest.approx(np.mean(det.labels_ == OVERLAP), abs=0.01)
    lo, hi = det.overlap_density_interval_
    assert lo <= np.mean(group == OVERLAP) <= hi and hi - lo < 0.1
    assert 0.25 < det.overlap_density_ < 0.35


def test_fitted_attributes(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector().fit(X, weak_proba=proba)
    n = X.shape[0]
    assert det.labels_.shape == det.confidence_.shape == det.overlap_score_.shape == (n,)
    assert set(np.unique(det.labels_)) <= {EASY, HARD, OVERLAP}
    assert GROUP_NAMES[OVERLAP] == "overlap"
    np.testing.assert_allclose(det.confidence_, 2 * np.abs(proba[:, 1] - 0.5))
    hard = det.labels_ == HARD
    assert np.all(det.confidence_[hard] < det.confidence_threshold_)
    assert np.all(det.confidence_[~hard] >= det.confidence_threshold_)
    assert np.all(np.isnan(det.overlap_score_[hard]))
    assert np.all(det.overlap_score_[det.labels_ == OVERLAP] >= det.overlap_threshold_)
    assert np.all(det.overlap_score_[det.labels_ == EASY] < det.overlap_threshold_)
    np.testing.assert_array_equal(det.hard_indices_, np.flatnonzero(hard))
    assert det.n_features_in_ == X.shape[1]
    assert det.weak_estimator_ is None
    assert 0.8 < det.confidence_split_quality_ <= 1 and 0.5 < det.overlap_split_quality_ <= 1


def test_predict_on_pool_reproduces_labels(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector().fit(X, weak_proba=proba)
    np.testing.assert_array_equal(det.predict(X, weak_proba=proba), det.labels_)
    scores = det.transform(X, weak_proba=proba)
    nonhard = det.labels_ != HARD
    np.testing.assert_allclose(scores[nonhard, 1], det.overlap_score_[nonhard])
    np.testing.assert_allclose(scores[:, 0], det.confidence_)
    with pytest.raises(ValueError, match="weak_proba is required"):
        det.predict(X)


def test_predict_new_points_from_same_distribution(clear_pool):
    X, y, group, weak_cols, proba = clear_pool
    det = OverlapDetector().fit(X, weak_proba=proba)
    X2, y2, group2, _ = make_overlap_classification(700, 700, 600, random_state=1)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    pred = det.predict(X2, weak_proba=weak.predict_proba(X2[:, weak_cols]))
    precision, recall = _precision_recall(pred == OVERLAP, group2 == OVERLAP)
    assert precision > 0.85 and recall > 0.85


def test_weak_estimator_is_fitted_on_labelled_rows(clear_pool):
    X, y, group, weak_cols, _ = clear_pool
    select = ColumnTransformer([("easy", "passthrough", weak_cols)])
    weak = make_pipeline(select, LogisticRegression())
    y_semi = y.copy()
    y_semi[::2] = -1
    det = OverlapDetector(weak).fit(X, y_semi)
    assert det.weak_estimator_ is not weak and not hasattr(weak, "classes_")
    assert det.weak_estimator_.n_features_in_ == X.shape[1]
    precision, recall = _precision_recall(det.labels_ == OVERLAP, group == OVERLAP)
    assert precision >= 0.9 and recall >= 0.85
    # predict uses the fitted weak estimator
    np.testing.assert_array_equal(det.predict(X), det.labels_)


def test_frozen_weak_estimator_is_not_refit(clear_pool):
    X, y, group, weak_cols, proba = clear_pool
    weak = make_pipeline(ColumnTransformer([("e", "passthrough", weak_cols)]), LogisticRegression()).fit(X, y)
    coef = weak[-1].coef_.copy()
    det = OverlapDetector(FrozenEstimator(weak)).fit(X)  # no y needed
    np.testing.assert_array_equal(weak[-1].coef_, coef)
    np.testing.assert_allclose(det.confidence_, 2 * np.abs(weak.predict_proba(X)[:, 1] - 0.5))


def test_representation_transformer(clear_pool):
    X, y, group, weak_cols, proba = clear_pool
    hard_block = FunctionTransformer(lambda Z: Z[:, 20:])
    det = OverlapDetector(representation=hard_block).fit(X, weak_proba=proba)
    ref = OverlapDetector().fit(X[:, 20:], weak_proba=proba)
    np.testing.assert_array_equal(det.labels_, ref.labels_)
    np.testing.assert_array_equal(det.predict(X, weak_proba=proba), det.labels_)


def test_raw_text_flows_through_representation():
    texts = [f"doc {i % 7} {'good' if i % 2 else 'bad'}" for i in range(60)]
    proba = np.where(np.arange(60) % 3 == 0, 0.5, 0.95)

    def featurize(docs):
        return np.array([[len(d), d.count("good"), d.count("bad"), int(d.split()[1])] for d in docs], float)

    det = OverlapDetector(representation=FunctionTransformer(featurize)).fit(texts, weak_proba=proba)
    # exactly the detector run on the features themselves
    ref = OverlapDetector().fit(featurize(texts), weak_proba=proba)
    np.testing.assert_array_equal(det.labels_, ref.labels_)
    np.testing.assert_allclose(det.overlap_score_, ref.overlap_score_)
    assert np.all(det.labels_[::3] == HARD) and np.sum(det.labels_ == HARD) == 20
    assert not hasattr(det, "n_features_in_")
    np.testing.assert_array_equal(det.predict(texts[:5], weak_proba=proba[:5]), ref.labels_[:5])


def test_multiclass_confidence():
    X, y, group, weak_cols = make_overlap_classification(300, 300, 300, n_classes=4, random_state=0)
    weak = LogisticRegression().fit(X[:, weak_cols], y)
    p = weak.predict_proba(X[:, weak_cols])
    det = OverlapDetector().fit(X, weak_proba=p)
    np.testing.assert_allclose(det.confidence_, (4 * p.max(1) - 1) / 3)
    det_m = OverlapDetector(confidence="margin").fit(X, weak_proba=p)
    top = np.sort(p, axis=1)
    np.testing.assert_allclose(det_m.confidence_, top[:, -1] - top[:, -2])
    assert np.mean(det.labels_[group == HARD] == HARD) > 0.8
    precision, recall = _precision_recall(det.labels_ == OVERLAP, group == OVERLAP)
    assert precision > 0.8 and recall > 0.6


def test_binary_confidences_agree_and_1d_proba_accepted(clear_pool):
    X, y, group, _, proba = clear_pool
    a = OverlapDetector().fit(X, weak_proba=proba[:, 1])
    b = OverlapDetector(confidence="margin").fit(X, weak_proba=proba)
    np.testing.assert_allclose(a.confidence_, b.confidence_)
    np.testing.assert_array_equal(a.labels_, b.labels_)


@pytest.mark.parametrize("similarity", ["abs_cosine", "cosine", "dot"])
@pytest.mark.parametrize("aggregation", ["max", "mean", "rms"])
@pytest.mark.parametrize("working_memory", [64, 0.01])
def test_overlap_scores_match_dense_reference(similarity, aggregation, working_memory):
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(137, 9))
    R = rng.normal(size=(53, 9))
    Q[3] = 0.0  # zero-norm row
    if similarity == "dot":
        S = Q @ R.T
    else:
        nq = np.linalg.norm(Q, axis=1, keepdims=True)
        nq[nq == 0] = 1
        S = (Q / nq) @ (R / np.linalg.norm(R, axis=1, keepdims=True)).T
    if similarity == "abs_cosine":
        S = np.abs(S)
    expected = {"max": S.max(1), "mean": S.mean(1), "rms": np.sqrt((S**2).mean(1))}[aggregation]
    got = SimilarityIndex(similarity, aggregation, working_memory).fit(R).score(Q)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert not np.any(np.isnan(got))


def test_float32_is_preserved_and_close():
    rng = np.random.default_rng(0)
    Q, R = rng.normal(size=(50, 16)), rng.normal(size=(20, 16))
    idx64 = SimilarityIndex("abs_cosine", "max").fit(R)
    idx32 = SimilarityIndex("abs_cosine", "max").fit(R.astype(np.float32))
    assert idx32.reference_.dtype == np.float32
    np.testing.assert_allclose(idx32.score(Q.astype(np.float32)), idx64.score(Q), atol=1e-5)


def test_authors_configuration_is_one_setting_away(clear_pool):
    X, y, group, _, proba = clear_pool
    from skw2s.thresholds import ChangePointThreshold

    det = OverlapDetector(
        aggregation="max",
        confidence_threshold=ChangePointThreshold(jump=5),
        overlap_threshold=ChangePointThreshold(jump=5),
    ).fit(X, weak_proba=proba)
    c = np.sort(2 * np.abs(proba[:, 1] - 0.5))
    b = ruptures.Binseg(model="l2").fit(c[:, None]).predict(n_bkps=1)[0]
    assert det.confidence_threshold_ == c[b]
    hard = det.confidence_ < c[b]
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    s = np.abs(U[~hard] @ U[hard].T).max(1)
    np.testing.assert_allclose(det.overlap_score_[~hard], s)
    s_sorted = np.sort(s)
    b2 = ruptures.Binseg(model="l2").fit(s_sorted[:, None]).predict(n_bkps=1)[0]
    assert det.overlap_threshold_ == pytest.approx(s_sorted[b2])


def test_center_option(clear_pool):
    X, y, group, _, proba = clear_pool
    shifted = X + 25.0  # a large common direction: raw cosines are all near 1
    raw = OverlapDetector().fit(shifted, weak_proba=proba)
    centred = OverlapDetector(center=True).fit(shifted, weak_proba=proba)
    f_raw = _precision_recall(raw.labels_ == OVERLAP, group == OVERLAP)
    f_cen = _precision_recall(centred.labels_ == OVERLAP, group == OVERLAP)
    assert min(f_cen) > 0.85 > min(f_raw)
    np.testing.assert_allclose(centred.center_, shifted.mean(0))


def test_fixed_thresholds_and_gridsearch_style_params(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector(confidence_threshold=0.2, overlap_threshold=FixedThreshold(0.3)).fit(X, weak_proba=proba)
    assert det.confidence_threshold_ == 0.2 and det.overlap_threshold_ == 0.3
    assert np.all((det.labels_ == HARD) == (det.confidence_ < 0.2))


def test_fit_resample(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector()
    X_res, y_res = det.fit_resample(X, y, weak_proba=proba)
    np.testing.assert_array_equal(det.sample_indices_, np.flatnonzero(det.labels_ == OVERLAP))
    np.testing.assert_array_equal(X_res, X[det.sample_indices_])
    np.testing.assert_array_equal(y_res, y[det.sample_indices_])


def test_set_output_pandas(clear_pool):
    pd = pytest.importorskip("pandas", reason="pandas output needs pandas")
    X, y, group, _, proba = clear_pool
    det = OverlapDetector().set_output(transform="pandas").fit(X, weak_proba=proba)
    out = det.transform(X, weak_proba=proba)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["confidence", "overlap_score"]


def test_clone_and_pickle(clear_pool):
    X, y, group, _, proba = clear_pool
    det = OverlapDetector(aggregation="max", overlap_threshold=ruptures.Pelt(model="rbf"))
    cloned = clone(det)
    assert cloned.get_params()["aggregation"] == "max"
    det.set_params(overlap_threshold="changepoint").fit(X, weak_proba=proba)
    again = pickle.loads(pickle.dumps(det))
    np.testing.assert_array_equal(again.predict(X, weak_proba=proba), det.labels_)


# ----------------------------------------------------------------- degenerate pools
def test_constant_confidence_gives_no_hard_points():
    X = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.warns(DegenerateDataWarning) as record:
        det = OverlapDetector().fit(X, weak_proba=np.full(50, 0.9))
    messages = " ".join(str(w.message) for w in record)
    assert "form one group" in messages and "overlap density 0 is not meaningful" in messages
    assert np.all(det.labels_ == EASY) and det.overlap_density_ == 0.0
    assert np.all(det.overlap_score_ == 0.0) and det.overlap_threshold_ == np.inf
    # one group of confidences: no cut at all, so new points are never hard-only either
    assert det.confidence_two_groups_ is False and det.confidence_threshold_ == -np.inf
    assert np.all(det.predict(X, weak_proba=np.full(50, 0.2)) == EASY)


def test_all_hard_points():
    X = np.random.default_rng(0).normal(size=(30, 4))
    with pytest.warns(DegenerateDataWarning, match="Every point of the pool is hard-only"):
        det = OverlapDetector(confidence_threshold=1.0, hard_inclusive=True).fit(
            X, weak_proba=np.linspace(0.2, 0.8, 30))
    assert np.all(det.labels_ == HARD)
    # a fixed confidence threshold outside [0, 1] is a mistake, not "everything hard"
    with pytest.raises(ValueError, match=r"confidence_threshold must lie in \[0, 1\]"):
        OverlapDetector(confidence_threshold=2.0).fit(X, weak_proba=np.linspace(0.2, 0.8, 30))


def test_too_few_points_do_not_crash():
    X = np.random.default_rng(0).normal(size=(3, 4))
    # fewer than 8 confidences are one group for the mixture rule: no hard-only point
    with pytest.warns(DegenerateDataWarning, match="one group"):
        det = OverlapDetector().fit(X, weak_proba=np.array([0.5, 0.95, 0.99]))
    assert det.labels_.tolist() == [EASY] * 3
    # the change point always cuts (on a relaxed grid)
    with pytest.warns(DegenerateDataWarning):
        det = OverlapDetector(confidence_threshold="changepoint").fit(
            X, weak_proba=np.array([0.5, 0.95, 0.99]))
    assert det.labels_[0] == HARD and det.labels_.shape == (3,)
    with pytest.warns(DegenerateDataWarning):
        det = OverlapDetector().fit(X[:1], weak_proba=[0.7])
    assert det.labels_.tolist() == [EASY]


def test_zero_norm_rows_give_no_nan():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    X[:5] = 0.0
    proba = np.r_[np.full(20, 0.95), np.full(20, 0.52)]
    det = OverlapDetector(aggregation="max").fit(X, weak_proba=proba)
    assert not np.any(np.isnan(det.overlap_score_[det.labels_ != HARD]))
    assert np.all(det.overlap_score_[:5] == 0.0)


def test_single_class_y_raises_clearly():
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="one class"):
        OverlapDetector().fit(X, np.zeros(20))


def test_no_y_no_proba_raises_clearly():
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="requires y"):
        OverlapDetector().fit(X)


@pytest.mark.parametrize(
    "params,match",
    [
        ({"similarity": "euclid"}, "similarity must be one of"),
        ({"aggregation": "median"}, "aggregation must be one of"),
        ({"confidence": "entropy"}, "confidence must be one of"),
        ({"confidence_threshold": "otsu"}, "confidence_threshold must be"),
        ({"working_memory": 0}, "working_memory must be"),
    ],
)
def test_bad_parameters(params, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=match):
        OverlapDetector(**params).fit(X, weak_proba=np.linspace(0, 1, 20))


def test_bad_parameter_types():
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(TypeError, match="weak_estimator must be an estimator with predict_proba"):
        OverlapDetector(weak_estimator="logreg").fit(X, np.arange(20) % 2)
    with pytest.raises(TypeError, match="center must be a bool"):
        OverlapDetector(center="yes").fit(X, weak_proba=np.linspace(0, 1, 20))


@pytest.mark.parametrize(
    "proba,match",
    [
        (np.linspace(0, 1, 19), "has 19 rows but X has 20"),
        (np.r_[np.nan, np.linspace(0, 1, 19)], "NaN"),
        (np.linspace(0, 2, 20), r"must lie in \[0, 1\]"),
        (np.full((20, 3), 0.5), "sum to 1"),
        (np.zeros((20, 2, 2)), "shape"),
    ],
)
def test_bad_weak_proba(proba, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=match):
        OverlapDetector().fit(X, weak_proba=proba)


def test_nan_and_inf_input_rejected():
    X = np.random.default_rng(0).normal(size=(20, 3))
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity|NaN"):
        OverlapDetector().fit(X, weak_proba=np.linspace(0, 1, 20))
    bad_repr = FunctionTransformer(lambda Z: np.full_like(Z, np.nan))
    with pytest.raises(ValueError, match="representation"):
        OverlapDetector(representation=bad_repr).fit(np.ones((20, 3)), weak_proba=np.linspace(0, 1, 20))


def test_text_without_representation_is_a_clear_error():
    with pytest.raises(ValueError, match="non-numeric X.*representation"):
        OverlapDetector().fit(["a text", "another"], weak_proba=[0.2, 0.9])


@pytest.mark.parametrize("name", ["confidence_threshold", "overlap_threshold"])
def test_fit_leaves_a_threshold_parameter_unchanged(name):
    # issue 17: MixtureThreshold stored details_ on the rule the user passed, so fit
    # changed the parameter's repr, equality and hash.
    from sklearn.utils.estimator_checks import check_estimators_overwrite_params

    check_estimators_overwrite_params("OverlapDetector", OverlapDetector(**{name: MixtureThreshold()}))
    rule = MixtureThreshold()
    X, y, _, weak_cols = make_overlap_classification(300, 300, 200, random_state=0)
    proba = LogisticRegression().fit(X[:, weak_cols], y).predict_proba(X[:, weak_cols])
    OverlapDetector(**{name: rule}).fit(X, weak_proba=proba)
    assert rule == MixtureThreshold() and vars(rule) == vars(MixtureThreshold())


# ------------------------------------------------- OverlapResampler (issue 17, defect 3)
def _weak_pipeline(weak_cols):
    return make_pipeline(
        ColumnTransformer([("weak", "passthrough", list(weak_cols))]), LogisticRegression()
    )


def test_resampler_is_a_step_of_an_imblearn_pipeline(clear_pool):
    # The detector implements fit_resample and transform, which imbalanced-learn's
    # Pipeline refuses (TypeError); the resampler implements fit_resample only.
    imblearn_pipeline = pytest.importorskip(
        "imblearn.pipeline", reason="imbalanced-learn (the test extra) is not installed"
    )
    X, y, group, weak_cols, _ = clear_pool
    with pytest.raises(TypeError):
        imblearn_pipeline.make_pipeline(OverlapDetector(), LogisticRegression()).fit(X, y)
    detector = OverlapDetector(weak_estimator=_weak_pipeline(weak_cols))
    pipe = imblearn_pipeline.make_pipeline(OverlapResampler(detector), LogisticRegression())
    pipe.fit(X, y)
    resampler = pipe.steps[0][1]
    idx = resampler.sample_indices_
    assert np.array_equal(idx, np.flatnonzero(resampler.detector_.labels_ == OVERLAP))
    # the detected overlap points are the true ones, and only they train the last step
    assert np.mean(group[idx] == OVERLAP) > 0.9 and idx.size > 0.8 * np.sum(group == OVERLAP)
    alone = LogisticRegression().fit(X[idx], y[idx])
    np.testing.assert_allclose(pipe[-1].coef_, alone.coef_)
    # at prediction time the resampler is skipped: every row is predicted
    np.testing.assert_array_equal(pipe.predict(X), alone.predict(X))
    # the parameters are clone-safe: a grid search over keep runs through the pipeline
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(pipe, {"overlapresampler__keep": ["overlap", "nonhard"]}, cv=2).fit(X, y)
    assert search.best_params_["overlapresampler__keep"] in ("overlap", "nonhard")
    assert detector.__dict__.keys() == OverlapDetector().__dict__.keys()  # never fitted itself


@pytest.mark.parametrize("keep,groups", [
    ("overlap", [OVERLAP]), ("nonhard", [EASY, OVERLAP]), ("hard", [HARD]),
    (["easy", "hard"], [EASY, HARD]),
])
def test_resampler_keeps_the_chosen_groups(clear_pool, keep, groups):
    X, y, _, _, proba = clear_pool
    res = OverlapResampler(keep=keep)
    X_res, y_res = res.fit_resample(X, y, weak_proba=proba)
    labels = res.detector_.labels_
    np.testing.assert_array_equal(res.sample_indices_, np.flatnonzero(np.isin(labels, groups)))
    np.testing.assert_array_equal(X_res, X[res.sample_indices_])
    np.testing.assert_array_equal(y_res, y[res.sample_indices_])
    assert res.n_features_in_ == X.shape[1] and not hasattr(res, "transform")
    if keep == "overlap":  # the detector's own fit_resample gives the same rows (one code path)
        det = OverlapDetector()
        X_det, y_det = det.fit_resample(X, y, weak_proba=proba)
        np.testing.assert_array_equal(det.sample_indices_, res.sample_indices_)
        np.testing.assert_array_equal(X_det, X_res)


def test_resampler_keeps_input_types_and_warns_when_empty(clear_pool):
    pd = pytest.importorskip("pandas", reason="pandas input needs pandas")
    X, y, _, _, proba = clear_pool
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    res = OverlapResampler()
    X_res, y_res = res.fit_resample(X_df, pd.Series(y, name="label"), weak_proba=proba)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(res.feature_names_in_) == list(X_df.columns)
    X_list, y_none = res.fit_resample(X.tolist(), weak_proba=proba)
    assert isinstance(X_list, list) and y_none is None
    # nothing above an overlap threshold of 10: an empty result, announced
    never = OverlapResampler(OverlapDetector(overlap_threshold=10.0))
    with pytest.warns(DegenerateDataWarning, match="no row was detected"):
        X_res, y_res = never.fit_resample(X, y, weak_proba=proba)
    assert X_res.shape == (0, X.shape[1]) and y_res.shape == (0,)


@pytest.mark.parametrize("params,error,match", [
    (dict(keep="overlaps"), ValueError, "keep must be one of"),
    (dict(keep=["overlap", "nonhard"]), ValueError, "keep must be one of"),
    (dict(keep=[]), TypeError, "keep must be a group name"),
    (dict(keep=2), TypeError, "keep must be a group name"),
    (dict(detector=LogisticRegression()), TypeError, "detector must be an OverlapDetector"),
])
def test_resampler_bad_parameters(clear_pool, params, error, match):
    X, y, _, _, proba = clear_pool
    with pytest.raises(error, match=match):
        OverlapResampler(**params).fit_resample(X, y, weak_proba=proba)


# ---------------------------------------------------------------- the bootstrap (issue 16)
def _borderline_pool(seed, n=500):
    """30% hard-only points whose confidences overlap the others' (a continuum): whether
    the confidences hold a distinct low group changes from one draw to the next."""
    rng = np.random.RandomState(seed)
    hard = rng.rand(n) < 0.3
    c = np.clip(np.where(hard, rng.normal(0.25, 0.12, n), rng.normal(0.65, 0.2, n)), 0, 1)
    overlap = ~hard & (rng.rand(n) < 0.5)
    Z = rng.normal(size=(n, 20)) + (hard | overlap)[:, None] * rng.normal(size=20) * 0.7
    return Z, 0.5 + c / 2


def test_bootstrap_is_reproducible_and_consistent(clear_pool):
    X, _, _, _, proba = clear_pool
    a = OverlapDetector(n_resamples=20, random_state=3).fit(X, weak_proba=proba)
    b = OverlapDetector(n_resamples=20, random_state=3).fit(X, weak_proba=proba)
    np.testing.assert_array_equal(a.group_proba_, b.group_proba_)
    assert a.overlap_density_interval_ == b.overlap_density_interval_
    assert a.group_proba_.shape == (X.shape[0], 3)
    np.testing.assert_allclose(a.group_proba_.sum(axis=1), 1.0)
    assert a.overlap_density_resamples_.shape == (20,)
    lo, hi = a.overlap_density_interval_
    assert lo <= np.median(a.overlap_density_resamples_) <= hi
    # the bootstrap changes neither the partition nor the thresholds
    off = OverlapDetector(n_resamples=0).fit(X, weak_proba=proba)
    np.testing.assert_array_equal(a.labels_, off.labels_)
    assert a.overlap_threshold_ == off.overlap_threshold_
    # without it: the fraction of labels_, no interval, one-hot group probabilities
    assert off.overlap_density_ == np.mean(off.labels_ == OVERLAP)
    assert np.isnan(off.overlap_density_interval_).all()
    np.testing.assert_array_equal(off.group_proba_.argmax(axis=1), off.labels_)


@pytest.mark.parametrize("density", [0.1, 0.5, 0.8])
def test_bootstrap_interval_covers_the_true_density(density):
    n_overlap = int(1000 * density)
    n_easy = (1000 - n_overlap) // 2
    X, y, group, weak_cols = make_overlap_classification(
        n_easy, 1000 - n_overlap - n_easy, n_overlap, random_state=1)
    proba = LogisticRegression().fit(X[:, weak_cols], y).predict_proba(X[:, weak_cols])
    det = OverlapDetector(n_resamples=30, random_state=0).fit(X, weak_proba=proba)
    lo, hi = det.overlap_density_interval_
    truth = np.mean(group == OVERLAP)
    assert lo <= truth <= hi
    # at 0.1 a few resamples read the overlap scores as one group (about 0.4): the
    # interval widens, the bagged density stays near the truth
    assert det.overlap_density_ == pytest.approx(truth, abs=0.05)


def test_bootstrap_answers_by_degree_on_a_continuum():
    # The partition alone flips between "no overlap" and "much overlap" across draws of
    # the same population; the bagged density moves less, and each draw's interval
    # reaches the mean of the other draws' answers.
    part, bagged, intervals = [], [], []
    for seed in range(6):
        Z, p = _borderline_pool(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)  # one group, by design
            part.append(OverlapDetector(n_resamples=0).fit(Z, weak_proba=p).overlap_density_)
            det = OverlapDetector(n_resamples=30, random_state=0).fit(Z, weak_proba=p)
        bagged.append(det.overlap_density_)
        intervals.append(det.overlap_density_interval_)
    assert np.ptp(part) > 0.5  # the partition flips on this population
    assert np.std(bagged) < 0.75 * np.std(part)
    centre = np.mean(bagged)
    covered = sum(lo <= centre <= hi for lo, hi in intervals)
    assert covered >= 4



@pytest.mark.parametrize("value,error", [(-1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_bad_n_resamples(clear_pool, value, error):
    X, _, _, _, proba = clear_pool
    with pytest.raises(error, match="n_resamples"):
        OverlapDetector(n_resamples=value).fit(X, weak_proba=proba)


def test_large_pool_bootstrap_holds_the_scores(clear_pool, monkeypatch):
    # Past _EXACT_RESAMPLE_ROWS rows (and no n x n matrix in working_memory) each
    # resample reruns the rules on the scores against the pool's own hard set; on a
    # clear pool that gives the exact bootstrap's answer.
    import skw2s.detection as detection

    X, _, group, _, proba = clear_pool
    exact = OverlapDetector(n_resamples=20, random_state=0).fit(X, weak_proba=proba)
    monkeypatch.setattr(detection, "_EXACT_RESAMPLE_ROWS", 100)
    held = OverlapDetector(n_resamples=20, random_state=0, working_memory=1).fit(X, weak_proba=proba)
    assert held.overlap_density_ == pytest.approx(exact.overlap_density_, abs=0.01)
    assert np.mean(held.group_proba_.argmax(axis=1) == exact.group_proba_.argmax(axis=1)) > 0.99


def test_sparse_x_without_a_representation_says_what_to_do():
    # the detectors compare rows by cosine similarity on dense features: sparse X (TF-IDF)
    # needs a representation mapping it to dense features, which then works end to end
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD

    X, y, group, weak_cols = make_overlap_classification(150, 150, 150, random_state=0)
    P = np.full((X.shape[0], 2), 0.5)
    with pytest.raises(TypeError, match="sparse X and no representation.*representation= .*TruncatedSVD"):
        OverlapDetector().fit(sp.csr_matrix(X), weak_proba=P)
    P = LogisticRegression().fit(X[:, weak_cols], y).predict_proba(X[:, weak_cols])
    dense = OverlapDetector(representation=TruncatedSVD(5, random_state=0), n_resamples=0).fit(X, weak_proba=P)
    sparse = OverlapDetector(representation=TruncatedSVD(5, random_state=0), n_resamples=0).fit(
        sp.csr_matrix(X), weak_proba=P)
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)

"""The shared parameter and input checks of skw2s._utils (issue 17: one helper each).

One error type per kind of mistake: TypeError for a value of the wrong type, ValueError for
a value of the right type out of range; the message names the parameter and what was
expected.
"""

import numpy as np
import pytest

from skw2s._utils import check_bool, check_int, check_texts, is_int


@pytest.mark.parametrize("value", [0, 3, -2, np.int64(5), np.uint8(1)])
def test_is_int_accepts_integers(value):
    assert is_int(value)


@pytest.mark.parametrize("value", [True, np.True_, 1.0, 1.5, "3", None, np.float64(2.0)])
def test_is_int_refuses_the_rest(value):
    assert not is_int(value)


def test_check_int_returns_a_python_int():
    value = check_int(np.int64(7), "n_rounds", min_value=1)
    assert value == 7 and type(value) is int
    assert check_int(-3, "abstain") == -3
    assert check_int(None, "max_length", min_value=1, allow_none=True) is None


@pytest.mark.parametrize("value", [1.5, 2.0, "8", True, np.bool_(False), None, [1]])
def test_check_int_wrong_type_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"^batch_size must be an int >= 1; got "):
        check_int(value, "batch_size", min_value=1)


@pytest.mark.parametrize("value", [0, -1, np.int32(0)])
def test_check_int_out_of_range_is_a_value_error(value):
    with pytest.raises(ValueError, match=r"^batch_size must be an int >= 1; got "):
        check_int(value, "batch_size", min_value=1)


def test_check_int_message_says_none_is_allowed():
    with pytest.raises(ValueError, match=r"^n_classes must be an int >= 2 or None; got 1\.$"):
        check_int(1, "n_classes", min_value=2, allow_none=True)
    with pytest.raises(TypeError, match=r"^n_classes must be an int >= 2 or None; got 2\.5\.$"):
        check_int(2.5, "n_classes", min_value=2, allow_none=True)
    with pytest.raises(TypeError, match=r"^jump must be an int; got '1'\.$"):
        check_int("1", "jump")


def test_check_bool():
    assert check_bool(True, "normalize") is True
    assert check_bool(np.False_, "normalize") is False
    assert check_bool(None, "progress_bar", allow_none=True) is None
    for value in (1, 0, "yes", None, 1.0):
        with pytest.raises(TypeError, match=r"^normalize must be a bool; got "):
            check_bool(value, "normalize")
    with pytest.raises(TypeError, match=r"^progress_bar must be a bool or None; got 1\.$"):
        check_bool(1, "progress_bar", allow_none=True)


def test_check_texts_accepts_the_containers():
    pd = pytest.importorskip("pandas")
    texts = ["a", "b c", ""]
    for X in (texts, tuple(texts), np.array(texts), np.array(texts, dtype=object)[:, None],
              pd.Series(texts, index=[5, 3, 1]), pd.DataFrame({"t": texts}), iter(texts)):
        assert check_texts(X) == texts


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("one string", TypeError, "got a single string"),
        (b"bytes", TypeError, "got a single string"),
        (np.arange(6.0), TypeError, "numeric array"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), ValueError, r"shape \(2, 2\)"),
        (["ok", 3], TypeError, "element 1 is int"),
        (["ok", None], TypeError, "element 1 is NoneType"),
        (42, TypeError, "sequence of texts, got int"),
    ],
)
def test_check_texts_mistakes(X, error, match):
    with pytest.raises(error, match=match):
        check_texts(X)
    with pytest.raises(error, match=r"^texts "):  # the message names the argument
        check_texts(X, name="texts")


def test_check_texts_frames_and_sparse():
    pd = pytest.importorskip("pandas")
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(ValueError, match="DataFrame with 2 columns"):
        check_texts(pd.DataFrame({"a": ["x"], "b": ["y"]}))
    with pytest.raises(TypeError, match="sparse matrix"):
        check_texts(sp.csr_matrix(np.eye(2)))

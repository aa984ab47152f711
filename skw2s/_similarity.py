"""Overlap score: aggregated similarity of query rows to a hard reference set (step 3).

The exact max and mean of |cos| are one matrix product of (n_query x d) by
(d x n_ref); it is computed block by block so that no more than ``working_memory``
MiB of similarities exist at a time, and each block product runs multi-threaded in
BLAS. The root-mean-square aggregation needs only the reference set's d x d second
moment matrix: O((n_query + n_ref) d^2). Query rows are gathered block by block, so
scoring a subset of a large pool never copies the subset whole.

NumPy only: for a dask representation, :mod:`skw2s._dask` computes the same second moment
and scores blockwise with this index (``fit_index``, ``score``).
"""

import numpy as np

SIMILARITIES = ("abs_cosine", "cosine", "dot")
AGGREGATIONS = ("rms", "mean", "max")


def _normalize_rows(Z):
    norms = np.sqrt(np.einsum("ij,ij->i", Z, Z))
    # A zero row stays zero: its cosine with anything is 0, never NaN.
    norms[norms == 0] = 1.0
    return Z / norms[:, None].astype(Z.dtype, copy=False)


def rms_scores(Q, M):
    """Root-mean-square similarity of each (prepared) row of ``Q`` to a reference set.

    ``M`` is the reference rows' second moment ``mean_j r_j r_j^T``: the mean of
    ``(q . r_j)^2`` over the reference is ``q^T M q``, so the cost is O(d^2) per row,
    whatever the size of the reference.
    """
    return np.sqrt(np.maximum(np.einsum("ij,ij->i", Q @ M, Q), 0.0))


def _blocks(Z, rows, step):
    """Yield (slice into the output, block of rows of Z) for rows (None: all)."""
    n = Z.shape[0] if rows is None else rows.shape[0]
    for start in range(0, n, step):
        stop = min(start + step, n)
        yield slice(start, stop), (Z[start:stop] if rows is None else Z[rows[start:stop]])


class SimilarityIndex:
    """What a fitted detector keeps of its hard reference set to score new points."""

    def __init__(self, similarity="abs_cosine", aggregation="rms", working_memory=128):
        self.similarity = similarity
        self.aggregation = aggregation
        self.working_memory = working_memory

    def prepare(self, Q):
        return _normalize_rows(Q) if self.similarity != "dot" else Q

    def _row_step(self, n_cols, itemsize):
        budget = max(int(self.working_memory * 2**20), 1)
        return max(1, budget // max(n_cols * itemsize, 1))

    def fit(self, Z, rows=None):
        """Index the reference rows ``Z[rows]`` (all rows when ``rows`` is None)."""
        self.n_ref_ = Z.shape[0] if rows is None else rows.shape[0]
        self.dtype_ = Z.dtype
        d = Z.shape[1]
        step = self._row_step(d, Z.dtype.itemsize)
        if self.aggregation == "rms":
            self.set_second_moment(self.second_moment_sum(Z, rows), self.n_ref_, Z.dtype)
        elif self.aggregation == "mean" and self.similarity != "abs_cosine":
            # Signed similarity: the mean is linear, so the mean row is enough.
            total = np.zeros(d, dtype=np.float64)
            for _, R in _blocks(Z, rows, step):
                total += self.prepare(R).sum(axis=0)
            self.mean_ref_ = (total / max(self.n_ref_, 1)).astype(Z.dtype)
        else:
            R = Z if rows is None else Z[rows]
            self.reference_ = np.ascontiguousarray(self.prepare(R))
        return self

    def second_moment_sum(self, Z, rows=None):
        """Sum of ``r r^T`` over the prepared rows ``r`` of ``Z[rows]``, in ``Z``'s dtype.

        Sums over disjoint row sets add up: a distributed fit sums them over blocks of
        rows and passes the total to :meth:`set_second_moment`.
        """
        d = Z.shape[1]
        M = np.zeros((d, d), dtype=Z.dtype)
        for _, R in _blocks(Z, rows, self._row_step(d, Z.dtype.itemsize)):
            R = self.prepare(R)
            M += R.T @ R
        return M

    def set_second_moment(self, total, n_ref, dtype):
        """Finish an ``"rms"`` index from the summed second moment of ``n_ref`` rows.

        ``dtype`` is the dtype of the representation (queries are cast to it).
        """
        self.n_ref_ = int(n_ref)
        self.dtype_ = np.dtype(dtype)
        # Second moment of the reference rows: mean_j (u . r_j)^2 = u^T M u.
        self.second_moment_ = (total / max(self.n_ref_, 1)).astype(self.dtype_, copy=False)
        return self

    def score(self, Z, rows=None):
        """Overlap score of each row of ``Z[rows]`` against the reference set."""
        n = Z.shape[0] if rows is None else rows.shape[0]
        out = np.zeros(n, dtype=np.float64)
        if self.n_ref_ == 0 or n == 0:
            return out
        if Z.dtype != self.dtype_:
            Z = Z.astype(self.dtype_)
        d = Z.shape[1]
        if self.aggregation == "rms":
            M = self.second_moment_
            for sl, Q in _blocks(Z, rows, self._row_step(2 * d, Z.dtype.itemsize)):
                out[sl] = rms_scores(self.prepare(Q), M)
            return out
        if self.aggregation == "mean" and self.similarity != "abs_cosine":
            for sl, Q in _blocks(Z, rows, self._row_step(d, Z.dtype.itemsize)):
                out[sl] = self.prepare(Q) @ self.mean_ref_
            return out
        return self._score_exact(Z, rows, out)

    def _score_exact(self, Z, rows, out):
        R = self.reference_
        n_ref = R.shape[0]
        itemsize = R.dtype.itemsize
        # Whole reference rows per block when they fit, so that each block is one
        # large BLAS call; otherwise reference chunks of 256 query rows' worth.
        col_step = min(n_ref, max(1, self._row_step(256, itemsize)))
        row_step = self._row_step(col_step, itemsize)
        use_abs = self.similarity == "abs_cosine"
        is_max = self.aggregation == "max"
        buf = np.empty(min(row_step, out.shape[0]) * col_step, dtype=R.dtype)
        for sl, Q in _blocks(Z, rows, row_step):
            Q = self.prepare(Q)
            acc = np.full(Q.shape[0], -np.inf if is_max else 0.0)
            for c0 in range(0, n_ref, col_step):
                Rc = R[c0 : c0 + col_step]
                P = buf[: Q.shape[0] * Rc.shape[0]].reshape(Q.shape[0], Rc.shape[0])
                np.matmul(Q, Rc.T, out=P)
                if use_abs:
                    np.abs(P, out=P)
                if is_max:
                    np.maximum(acc, P.max(axis=1), out=acc)
                else:
                    acc += P.sum(axis=1, dtype=np.float64)
            out[sl] = acc if is_max else acc / n_ref
        return out

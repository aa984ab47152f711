"""Overlap score: aggregated similarity of query rows to a hard reference set (step 3).

The exact max and mean of |cos| are one matrix product of (n_query x d) by
(d x n_ref); it is computed block by block so that no more than ``working_memory``
MiB of similarities exist at a time, and each block product runs multi-threaded in
BLAS. The root-mean-square aggregation needs only the reference set's d x d second
moment matrix: O((n_query + n_ref) d^2).
"""

import numpy as np

SIMILARITIES = ("abs_cosine", "cosine", "dot")
AGGREGATIONS = ("rms", "mean", "max")


def _normalize_rows(Z):
    norms = np.sqrt(np.einsum("ij,ij->i", Z, Z))
    # A zero row stays zero: its cosine with anything is 0, never NaN.
    norms[norms == 0] = 1.0
    return Z / norms[:, None].astype(Z.dtype, copy=False)


class SimilarityIndex:
    """What a fitted detector keeps of its hard reference set to score new points."""

    def __init__(self, similarity="abs_cosine", aggregation="rms", working_memory=64):
        self.similarity = similarity
        self.aggregation = aggregation
        self.working_memory = working_memory

    def fit(self, Z_ref):
        self.n_ref_ = Z_ref.shape[0]
        self.dtype_ = Z_ref.dtype
        R = _normalize_rows(Z_ref) if self.similarity != "dot" else Z_ref
        if self.aggregation == "rms":
            # Second moment of the reference rows: mean_j (u . r_j)^2 = u^T M u.
            self.second_moment_ = (R.T @ R) / max(self.n_ref_, 1)
        elif self.aggregation == "mean" and self.similarity != "abs_cosine":
            # Signed similarity: the mean is linear, so the mean row is enough.
            self.mean_ref_ = R.mean(axis=0) if self.n_ref_ else np.zeros(R.shape[1], R.dtype)
        else:
            self.reference_ = np.ascontiguousarray(R)
        return self

    def _row_block(self, n_cols, itemsize):
        budget = max(int(self.working_memory * 2**20), 1)
        return max(1, budget // max(n_cols * itemsize, 1))

    def score(self, Z):
        """Overlap score of each row of Z against the reference set."""
        n = Z.shape[0]
        out = np.zeros(n, dtype=np.float64)
        if self.n_ref_ == 0 or n == 0:
            return out
        Q_all = Z.astype(self.dtype_, copy=False)
        if self.aggregation == "rms":
            M = self.second_moment_
            step = self._row_block(M.shape[0] * 2, Q_all.dtype.itemsize)
            for start in range(0, n, step):
                Q = Q_all[start : start + step]
                if self.similarity != "dot":
                    Q = _normalize_rows(Q)
                out[start : start + step] = np.einsum("ij,ij->i", Q @ M, Q)
            return np.sqrt(np.maximum(out, 0.0))
        if self.aggregation == "mean" and self.similarity != "abs_cosine":
            step = self._row_block(Q_all.shape[1], Q_all.dtype.itemsize)
            for start in range(0, n, step):
                Q = Q_all[start : start + step]
                if self.similarity != "dot":
                    Q = _normalize_rows(Q)
                out[start : start + step] = Q @ self.mean_ref_
            return out
        R = self.reference_
        n_ref = R.shape[0]
        col_step = min(n_ref, max(1, int(self.working_memory * 2**20) // (256 * R.dtype.itemsize)))
        row_step = self._row_block(col_step, R.dtype.itemsize)
        use_abs = self.similarity == "abs_cosine"
        is_max = self.aggregation == "max"
        buf = np.empty(min(row_step, n) * col_step, dtype=R.dtype)
        for start in range(0, n, row_step):
            Q = Q_all[start : start + row_step]
            if self.similarity != "dot":
                Q = _normalize_rows(Q)
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
            out[start : start + row_step] = acc if is_max else acc / n_ref
        return out

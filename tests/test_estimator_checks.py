"""scikit-learn's estimator checks on the detector.

No check is excluded for OverlapDetector. scikit-learn itself skips its array-API check
unless SCIPY_ARRAY_API is set: skw2s does not claim array-API support. (The other
estimators run their own
``parametrize_with_checks`` in their test modules, each with its list of exclusions.)
"""

import subprocess
import sys

from sklearn.utils.estimator_checks import parametrize_with_checks

from skw2s import OverlapDetector


@parametrize_with_checks([OverlapDetector(), OverlapDetector(aggregation="max", center=True)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_import_is_light():
    code = (
        "import sys, skw2s; "
        "heavy = [m for m in ('torch', 'transformers', 'matplotlib') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Shared fixtures: the dask schedulers the dask tests run on.

Importing this file never imports dask; the fixtures skip (with the reason) when the
``dask`` extra is not installed.
"""

import pytest

DASK_REASON = 'dask support needs the dask extra: pip install "skw2s[dask]"'


@pytest.fixture(scope="session")
def dask_cluster():
    """An in-process LocalCluster: 2 worker processes, 1 thread each, 1 GiB each."""
    pytest.importorskip("dask.array", reason=DASK_REASON)
    distributed = pytest.importorskip("distributed", reason=DASK_REASON)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, memory_limit="1GiB", processes=True,
        dashboard_address=None,
    ) as cluster:
        yield cluster


@pytest.fixture(params=["threads", "distributed"])
def scheduler(request):
    """Run the test on dask's threaded scheduler, then on a distributed Client.

    Yields the Client (None for threads). The cluster is started once per session.
    """
    dask = pytest.importorskip("dask", reason=DASK_REASON)
    if request.param == "threads":
        with dask.config.set(scheduler="threads"):
            yield None
        return
    distributed = pytest.importorskip("distributed", reason=DASK_REASON)
    cluster = request.getfixturevalue("dask_cluster")
    with distributed.Client(cluster) as client:
        yield client

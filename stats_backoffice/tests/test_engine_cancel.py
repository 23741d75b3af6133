"""A cancel stops a run between blocks on every engine, Dask included (not only between passes)."""

from __future__ import annotations

import numpy as np
import pytest

from stats_backoffice.engine import ArraySource, executors, run

BLOCKS = 120


class Stop(Exception):
    pass


class CountingSource(ArraySource):
    """Counts the block tasks that ran."""

    ran = 0

    def block_tasks(self, names):  # type: ignore[no-untyped-def]
        def counted(task):  # type: ignore[no-untyped-def]
            def call():  # type: ignore[no-untyped-def]
                CountingSource.ran += 1
                return task()

            return call

        return [counted(task) for task in super().block_tasks(names)]


@pytest.mark.parametrize("engine", ["chunked", "dask"])
def test_a_cancel_stops_the_pass_it_arrives_in(engine, monkeypatch):
    monkeypatch.setattr(executors, "CANCEL_POLL_SECONDS", 0.0)  # look after every task
    rng = np.random.default_rng(1)
    data = {f"x{i}": rng.normal(size=BLOCKS * 500) for i in range(5)}
    data["y"] = sum(data.values()) + rng.normal(size=BLOCKS * 500)
    source = CountingSource(data, block_rows=500)
    calls = {"n": 0}

    def check():
        calls["n"] += 1
        if calls["n"] == 3:  # the first pass has begun: stop it
            raise Stop()

    CountingSource.ran = 0
    with pytest.raises(Stop):
        run("ols", source, {"y": "y", "x": [f"x{i}" for i in range(5)]}, engine=engine, check_cancelled=check)
    assert CountingSource.ran < BLOCKS  # far from every block of the first pass, let alone the three passes

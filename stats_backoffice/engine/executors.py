"""How a pass over the data runs: all in memory, streamed block by block, or as Dask tasks.

Every analysis is written as passes of ``map_fn(block) -> part`` and an associative, order-preserving
``combine_fn(left, right) -> part``. The three engines only differ in *where* the blocks are read:

* ``memory``: the blocks are concatenated once (cached per column set) and ``map_fn`` sees one block;
* ``chunked``: blocks are read one at a time in this process, so memory does not grow with rows;
* ``dask``: each block becomes a ``dask.delayed`` task that runs the source's ``BlockTask`` (a file path and
  a row range, never the data) and a pairwise tree of ``combine_fn`` tasks reduces them. With
  ``DASK_SCHEDULER_ADDRESS`` set, a ``distributed.Client`` is created lazily inside the run (never at import,
  never a LocalCluster: it cannot start inside a Celery prefork child); else the threaded scheduler runs in
  this process.

``consume`` (a callback receiving each part in row order, e.g. a Parquet writer) forces an in-process
sequential pass, because only this process can write the file in order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .source import Block, Source

MapFn = Callable[[Block], Any]
CombineFn = Callable[[Any, Any], Any]
ProgressFn = Callable[[float, str], None]
#: How often a Dask pass looks for a cancel request while its tasks run (seconds).
CANCEL_POLL_SECONDS = 0.25


class Progress:
    """Throttled progress: at most ~5 calls a second, always the first and the last."""

    def __init__(self, callback: ProgressFn | None, min_interval: float = 0.2) -> None:
        self._callback = callback
        self._min_interval = min_interval
        self._last = 0.0
        self.base = 0.0
        self.span = 100.0

    def stage(self, base: float, span: float) -> None:
        """The next pass covers [base, base + span] percent."""
        self.base, self.span = base, span

    def __call__(self, fraction: float, stage: str, *, force: bool = False) -> None:
        if self._callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self._min_interval:
            return
        self._last = now
        self._callback(round(min(100.0, self.base + self.span * fraction), 1), stage)


def _apply(map_fn: MapFn, task: Callable[[], Block]) -> Any:
    """One Dask task: read one block (from its path) and reduce it."""
    return map_fn(task())


def _concat(blocks: Sequence[Block], names: Sequence[str]) -> Block:
    if not blocks:
        return {name: np.empty(0) for name in names}
    return {name: np.concatenate([b[name] for b in blocks]) for name in names}


class Executor:
    """Base: sequential in-process passes (the ``chunked`` engine)."""

    name = "chunked"

    def __init__(self, progress: ProgressFn | None = None, check_cancelled: Callable[[], None] | None = None) -> None:
        self.progress = Progress(progress)
        self._check = check_cancelled
        self.blocks = 0

    def check_cancelled(self) -> None:
        if self._check is not None:
            self._check()

    def run_pass(
        self,
        source: Source,
        names: Sequence[str],
        map_fn: MapFn,
        combine_fn: CombineFn,
        *,
        stage: str,
        consume: Callable[[Any], None] | None = None,
    ) -> Any:
        """Stream the blocks in row order: read, reduce, combine; check for cancellation between blocks."""
        tasks = source.block_tasks(list(names))
        self.blocks = len(tasks)
        acc: Any = None
        for i, task in enumerate(tasks):
            self.check_cancelled()
            part = map_fn(task())
            if consume is not None:
                consume(part)
            acc = part if acc is None else combine_fn(acc, part)
            self.progress((i + 1) / max(1, len(tasks)), stage)
        if acc is None:
            acc = map_fn(_concat([], names) if not tasks else tasks[0]())
        return acc

    def close(self) -> None:
        """Release resources (a Dask client)."""


class ChunkedExecutor(Executor):
    name = "chunked"


class MemoryExecutor(Executor):
    """All blocks in one array: read once per set of columns, then every pass sees one block."""

    name = "memory"

    def __init__(self, progress: ProgressFn | None = None, check_cancelled: Callable[[], None] | None = None) -> None:
        super().__init__(progress, check_cancelled)
        self._cache: dict[tuple[str, ...], Block] = {}

    def _data(self, source: Source, names: Sequence[str]) -> Block:
        key = tuple(names)
        if key not in self._cache:
            self._cache.clear()
            blocks = []
            tasks = source.block_tasks(list(names))
            self.blocks = len(tasks)
            for task in tasks:
                self.check_cancelled()
                blocks.append(task())
            self._cache[key] = _concat(blocks, names)
        return self._cache[key]

    def run_pass(
        self,
        source: Source,
        names: Sequence[str],
        map_fn: MapFn,
        combine_fn: CombineFn,
        *,
        stage: str,
        consume: Callable[[Any], None] | None = None,
    ) -> Any:
        self.check_cancelled()
        part = map_fn(self._data(source, names))
        if consume is not None:
            consume(part)
        self.progress(1.0, stage, force=True)
        return part


class DaskExecutor(Executor):
    """Per-block tasks as ``dask.delayed``; a pairwise tree of combines; a Client only if an address is set."""

    name = "dask"

    def __init__(self, progress: ProgressFn | None = None, check_cancelled: Callable[[], None] | None = None) -> None:
        super().__init__(progress, check_cancelled)
        self._client: Any = None

    def _compute(self, graph: Any, stage: str = "") -> Any:
        """Compute ``graph``; ``check_cancelled`` runs every ~0.25 s meanwhile, on this thread (the job's
        callback needs this thread's database connection), so a cancel stops a pass between blocks."""
        address = os.environ.get("DASK_SCHEDULER_ADDRESS")
        if address:
            if self._client is None:
                from distributed import Client  # lazily: never at import, never a LocalCluster

                self._client = Client(address, set_as_default=False, timeout=30)
            future = self._client.compute(graph)
            while True:
                try:
                    return future.result(timeout=CANCEL_POLL_SECONDS)
                except TimeoutError:
                    try:
                        self.check_cancelled()
                    except BaseException:
                        future.cancel()
                        raise
        import dask
        from dask.callbacks import Callback

        executor = self
        state = {"last": time.monotonic(), "done": 0}

        class _Watch(Callback):
            def _posttask(self, key: Any, result: Any, dsk: Any, st: Any, worker_id: Any) -> None:
                # the local scheduler calls this on the computing (this) thread after each task
                state["done"] += 1
                now = time.monotonic()
                if now - state["last"] >= CANCEL_POLL_SECONDS:
                    state["last"] = now
                    executor.check_cancelled()
                    total = max(1, len(dsk))
                    executor.progress(min(0.99, state["done"] / total), stage)

        with _Watch():
            (result,) = dask.compute(graph, scheduler="threads")
        return result

    def run_pass(
        self,
        source: Source,
        names: Sequence[str],
        map_fn: MapFn,
        combine_fn: CombineFn,
        *,
        stage: str,
        consume: Callable[[Any], None] | None = None,
    ) -> Any:
        if consume is not None:
            return super().run_pass(source, names, map_fn, combine_fn, stage=stage, consume=consume)
        from dask import delayed

        self.check_cancelled()
        tasks = source.block_tasks(list(names))
        self.blocks = len(tasks)
        if not tasks:
            return map_fn(_concat([], names))
        parts = [delayed(_apply, pure=False)(map_fn, task) for task in tasks]
        while len(parts) > 1:
            parts = [
                delayed(combine_fn, pure=False)(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
                for i in range(0, len(parts), 2)
            ]
        self.progress(0.0, stage, force=True)
        result = self._compute(parts[0], stage)
        self.check_cancelled()
        self.progress(1.0, stage, force=True)
        return result

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def make_executor(
    engine: str, progress: ProgressFn | None = None, check_cancelled: Callable[[], None] | None = None
) -> Executor:
    """The executor for ``engine`` ("memory", "chunked" or "dask")."""
    from .errors import AnalysisError

    classes: dict[str, type[Executor]] = {"memory": MemoryExecutor, "chunked": ChunkedExecutor, "dask": DaskExecutor}
    if engine not in classes:
        raise AnalysisError(f"Unknown engine {engine!r}: choose memory, chunked or dask.")
    return classes[engine](progress, check_cancelled)

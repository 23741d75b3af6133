"""Fit a process into an address-space cap (``RLIMIT_AS``, e.g. ``prlimit --as`` or ``ulimit -v`` on a worker).

Called from ``config/celery.py``, so it runs in every Django and Celery process *before* numpy, polars or
pyarrow are imported; without a cap it does nothing. Measured on 2 cores: after importing numpy, scipy,
polars and pyarrow and starting polars' threads, the process has reserved 1.16 GB of address space, most of it
glibc's per-thread malloc arenas (64 MB reserved each) and pyarrow's mimalloc pool (which reserves 1 GB at
its first allocation). Under a cap those reservations, not the data, make a 1 GB worker fail. So, when capped:

* at most 2 malloc arenas (``mallopt(M_ARENA_MAX)``, the runtime form of ``MALLOC_ARENA_MAX``);
* pyarrow allocates with the system allocator (``ARROW_DEFAULT_MEMORY_POOL=system``);
* one BLAS / OpenMP thread, and polars at most 2 threads (fewer threads, fewer stacks and arenas);
* polars' jemalloc returns freed memory (``_RJEM_MALLOC_CONF``) instead of retaining it.

A variable already set in the environment is left as it is. The ingest reads the file in bounded byte ranges
instead of mapping it whole (``stats_backoffice.engine.ingest``), which is the other half of running a
data set larger than the memory a worker is given.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource

M_ARENA_MAX = -8
CAPPED_ENV = {
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "POLARS_MAX_THREADS": "2",
    # polars' own jemalloc (prefix _rjem_): give freed memory back instead of retaining it (measured: +120 MB
    # of address space kept after the ingest's write pass, enough to make the profile fail under 1 GB)
    "_RJEM_MALLOC_CONF": "retain:false,narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0",
}


def address_space_cap() -> int | None:
    """The soft ``RLIMIT_AS`` in bytes, or None when there is none."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def fit_to_address_space() -> bool:
    """Apply the settings above when the process is capped; True when it is."""
    if address_space_cap() is None:
        return False
    for name, value in CAPPED_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # for child processes
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, 2)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass
    return True

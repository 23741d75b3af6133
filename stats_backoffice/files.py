"""Where data-set files live, and the one way a worker opens them.

Files go to the storage named ``datasets`` (``settings.STORAGES``): local files under ``MEDIA_ROOT`` by
default, an S3-compatible store in production through settings alone. Every name starts with
``datasets/<tenant id>/``; ``local_path`` refuses a name outside the active tenant's folder, so a task
(which runs inside its job's tenant) can read only its own tenant's files, whatever id it was handed.
Analyses need a local path (Parquet is read by row groups): with a filesystem storage that is the
file itself, otherwise a streamed copy in a temporary file.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import Storage, storages

from core.tenancy import current_tenant_id

STORAGE_ALIAS = "datasets"
COPY_CHUNK = 8 * 1024 * 1024


def storage() -> Storage:
    return storages[STORAGE_ALIAS]


def tenant_prefix() -> str:
    return f"datasets/{current_tenant_id()}/"


def check_tenant_name(name: str) -> None:
    """Refuse a storage name outside the active tenant's folder (or one that climbs out of it)."""
    parts = Path(name).parts
    if not name.startswith(tenant_prefix()) or ".." in parts or name.startswith("/"):
        raise PermissionDenied("This file does not belong to the active workspace.")


@contextmanager
def local_path(name: str) -> Iterator[Path]:
    """A local path to the stored file ``name`` of the active tenant, for as long as the block runs."""
    check_tenant_name(name)
    store = storage()
    try:
        yield Path(store.path(name))
        return
    except NotImplementedError:
        pass
    with store.open(name, "rb") as source, tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy:
        shutil.copyfileobj(source, copy, COPY_CHUNK)
        copy.flush()
        yield Path(copy.name)


def open_checked(name: str) -> File:
    """The stored file ``name`` of the active tenant, opened for reading (the caller closes it)."""
    check_tenant_name(name)
    return storage().open(name, "rb")


def save_local(path: Path, name: str) -> str:
    """Store the local file ``path`` as ``name`` (in the active tenant's folder); returns the stored name."""
    check_tenant_name(name)
    with path.open("rb") as handle:
        return storage().save(name, File(handle, name=Path(name).name))


def delete_quietly(name: str) -> None:
    if name:
        storage().delete(name)


@contextmanager
def output_path(name: str) -> Iterator[Path]:
    """A local path to write ``name`` to; on success it is in storage under exactly that name.

    A filesystem storage writes in place (no copy of a large Parquet file); another storage gets the
    file uploaded from a temporary one. An earlier attempt's file of the same name is replaced.
    """
    check_tenant_name(name)
    store = storage()
    try:
        final = Path(store.path(name))
    except NotImplementedError:
        with tempfile.TemporaryDirectory() as folder:
            local = Path(folder) / Path(name).name
            yield local
            if store.exists(name):
                store.delete(name)
            save_local(local, name)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        if partial.exists():
            partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)

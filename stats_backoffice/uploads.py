"""Uploads that stream to disk with a size cap: the request never holds a data set in memory.

Django keeps small uploads in memory (``MemoryFileUploadHandler``) and writes bigger ones to a
temporary file. A data-set page and endpoint replace both, for their request only, with
``CappedTemporaryFileUploadHandler``: every upload goes to a temporary file chunk by chunk and the
upload stops as soon as it passes the tenant's cap (the rest of the body is not stored). Handlers must
be replaced before anything reads ``request.POST`` — the views are CSRF-exempt at dispatch and check
the token themselves afterwards (``csrf_protect`` on the handler methods).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """A temporary-file upload handler that stops after ``max_bytes`` bytes and says so."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int | Callable[[], int]) -> None:
        super().__init__(request)
        self._max_bytes = max_bytes
        self.received = 0
        self.too_big = False

    @property
    def max_bytes(self) -> int:
        """The cap, read when the first chunk arrives (an API request knows its tenant only then)."""
        if callable(self._max_bytes):
            self._max_bytes = int(self._max_bytes())
        return self._max_bytes

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_big = True
            self.file.close()
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> Any:
        if self.too_big:
            return None
        return super().file_complete(file_size)


def install_capped_handler(
    request: HttpRequest, max_bytes: int | Callable[[], int]
) -> CappedTemporaryFileUploadHandler:
    """Make ``request`` stream its uploads to a temporary file with a cap; returns the handler."""
    handler = CappedTemporaryFileUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers = [handler]
    return handler

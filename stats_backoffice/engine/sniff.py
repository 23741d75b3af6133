"""What a file is, from its first bytes: format, text encoding, delimiter and decimal mark, header record.

Everything here works on a bounded prefix (``head``) of the file; nothing reads a whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter

from .errors import IngestError

HEAD_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")
_TEXT_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv"}
_BINARY_MAGICS = (b"\x89PNG", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"MZ")
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_DECIMAL_POINT = re.compile(r"^\s*[-+]?\d*\.\d+\s*$")


def _extension(name: str) -> str:
    lower = name.lower().strip()
    for ext in (".csv.gz", ".tsv.gz", ".txt.gz", ".gz", ".xlsx", ".csv", ".tsv", ".txt"):
        if lower.endswith(ext):
            return ext
    return ""


def detect_encoding(head: bytes) -> str:
    """A Python codec name for ``head``: utf-8-sig, utf-8, utf-16-le/-be (with or without BOM) or cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = head[: 4096 - 4096 % 2]
    pairs = len(sample) // 2
    if pairs >= 2:
        even_nul = sample[0::2].count(0)
        odd_nul = sample[1::2].count(0)
        # ASCII-range text in UTF-16: every other byte is NUL (the high byte of each code unit).
        if odd_nul >= 0.4 * pairs and even_nul <= 0.05 * pairs:
            return "utf-16-le"
        if even_nul >= 0.4 * pairs and odd_nul <= 0.05 * pairs:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_head(head: bytes, encoding: str) -> str:
    """``head`` decoded (a truncated last character is dropped, undecodable bytes replaced)."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    return text.lstrip("\ufeff")


def check_text(head: bytes) -> str:
    """The encoding of ``head`` if it looks like text; IngestError if it looks binary (or is empty)."""
    if not head:
        raise IngestError("The file is empty.")
    if head.startswith(_BINARY_MAGICS):
        raise IngestError("The file is not a text table (it looks like a binary file: an image, archive or program).")
    encoding = detect_encoding(head)
    text = decode_head(head, encoding)
    if "\x00" in text:
        raise IngestError("The file is not a text table (it contains binary data: NUL bytes).")
    controls = sum(text.count(c) for c in _CONTROL.decode("latin-1"))
    replaced = text.count("\ufffd") if encoding.startswith("utf") else 0
    if text and (controls + replaced) > 0.01 * len(text):
        raise IngestError("The file is not a text table (it contains binary data).")
    return encoding


def sniff_upload(head: bytes, name: str) -> str:
    """The format of an upload from its name and first bytes: "csv", "tsv", "xlsx" or "csv.gz".

    Request-side check (the upload view calls it on the first ~64 KB): the extension must be on the
    allow-list and the content must match it (gzip magic for .gz, ZIP magic for .xlsx, text for the rest).
    """
    ext = _extension(name)
    if not ext:
        raise IngestError("Only .csv, .tsv, .txt, .xlsx and gzip-compressed .csv.gz / .tsv.gz files can be uploaded.")
    if not head:
        raise IngestError("The file is empty.")
    if ext.endswith(".gz"):
        if not head.startswith(GZIP_MAGIC):
            raise IngestError("The file is named .gz but is not gzip-compressed.")
        return "csv.gz"
    if ext == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise IngestError("The file is named .xlsx but is not an Excel workbook (no ZIP signature).")
        return "xlsx"
    check_text(head)
    return _TEXT_EXTENSIONS[ext]


def find_record_end(text: str) -> int:
    """Index just past the newline that ends the first CSV record of ``text`` (quotes respected); -1 if none."""
    pos = 0
    while True:
        newline = text.find("\n", pos)
        quote = text.find('"', pos)
        if quote == -1 or (newline != -1 and newline < quote):
            return -1 if newline == -1 else newline + 1
        closing = quote + 1
        while True:  # a quoted field ends at a quote not followed by another quote ("" is an escaped quote)
            closing = text.find('"', closing)
            if closing == -1:
                return -1
            if text.startswith('""', closing):
                closing += 2
                continue
            break
        pos = closing + 1


def split_record(record: str, delimiter: str) -> list[str]:
    """The fields of one CSV record (no field size limit)."""
    if '"' not in record:
        return record.rstrip("\r\n").split(delimiter)
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        return next(csv.reader(io.StringIO(record.rstrip("\r\n")), delimiter=delimiter), [])
    finally:
        csv.field_size_limit(old)


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        return [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter) if row]
    except csv.Error:
        return [1]
    finally:
        csv.field_size_limit(old)


def detect_delimiter(text: str, preferred: str | None = None) -> str:
    """The delimiter (comma, semicolon, tab or pipe) that splits the first lines into the most consistent fields."""
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut off by the end of the sample
    lines = [line for line in lines[:50] if line.strip()]
    best, best_score = preferred or ",", (0.0, 1)
    for delimiter in DELIMITERS:
        counts = _field_counts(lines, delimiter)
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (freq / len(counts), mode)
        if score > best_score or (score == best_score and delimiter == preferred):
            best, best_score = delimiter, score
    return best


def detect_decimal(text: str, delimiter: str) -> str:
    """ "," when a non-comma-delimited sample has numbers like 3,14 and none like 3.14; "." otherwise."""
    if delimiter == ",":
        return "."
    comma = point = 0
    for line in text.splitlines()[1:200]:
        for cell in line.split(delimiter):
            cell = cell.strip().strip('"')
            if _DECIMAL_COMMA.match(cell):
                comma += 1
            elif _DECIMAL_POINT.match(cell):
                point += 1
    return "," if comma > 0 and point == 0 else "."


def unique_names(raw: list[str]) -> tuple[list[str], list[str]]:
    """Column names made unique and non-blank ("x", "x_2", "column_3"), with a warning for each change."""
    names: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for index, name in enumerate(raw, start=1):
        base = name.strip()
        if not base:
            base = f"column_{index}"
            warnings.append(f"Column {index} has no name; it is called {base!r}.")
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        if candidate != base:
            warnings.append(f"Column {index} repeats the name {base!r}; it is called {candidate!r}.")
        seen.add(candidate)
        names.append(candidate)
    return names, warnings

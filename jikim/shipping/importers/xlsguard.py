"""Make a legacy .xls safe to hand to calamine, or refuse it.

calamine trusts the numbers inside an .xls: a crafted compound-file chain can send its
container reader into an endless loop or a multi-terabyte allocation, and a crafted
DIMENSIONS or SST record makes it reserve memory for billions of cells (found by fuzzing:
one flipped byte in DIMENSIONS aborted the whole process, which no `except` can catch).

So calamine never sees the uploaded container. olefile (pure Python, bounded by the file
size) extracts the workbook stream; its BIFF records are walked here and every size that
calamine would allocate from is checked; then the stream is wrapped in a fresh, minimal
compound file that calamine reads instead.
"""

from __future__ import annotations

import io
import struct

import olefile

from .errors import FileRefused
from .zipguard import Limits

_RECORD = struct.Struct("<HH")
_EOF, _BOF, _BOUNDSHEET, _SST, _FILEPASS, _DIMENSIONS, _MULRK = (
    0x000A, 0x0809, 0x0085, 0x00FC, 0x002F, 0x0200, 0x00BD,
)  # fmt: skip
# Records whose first two fields are the cell's row and column (u16 each).
_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201})
_SECTOR = 4096
_ENTRIES_PER_FAT_SECTOR = _SECTOR // 4
_END_OF_CHAIN, _FREE, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def open_ole(data: bytes) -> olefile.OleFileIO:
    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        raise FileRefused("corrupt") from None


def clean_xls(ole: olefile.OleFileIO, size: int, limits: Limits) -> bytes:
    """The workbook stream, checked and re-wrapped in a compound file calamine can trust."""
    try:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        if ole.get_size(name) > size:
            raise FileRefused("corrupt")
        stream = ole.openstream(name).read()
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("corrupt") from None
    _check_biff(stream, limits)
    return _compound_file(name, stream)


def _records(stream: bytes, start: int) -> list[tuple[int, int, int]]:
    """(type, data offset, length) of each record from `start` up to and including EOF."""
    found: list[tuple[int, int, int]] = []
    offset = start
    end = len(stream)
    while offset + 4 <= end:
        kind, length = _RECORD.unpack_from(stream, offset)
        if offset + 4 + length > end:
            raise FileRefused("corrupt")
        found.append((kind, offset + 4, length))
        offset += 4 + length
        if kind == _EOF:
            return found
    raise FileRefused("corrupt")  # no EOF: truncated


def _check_biff(stream: bytes, limits: Limits) -> None:
    sheets: list[int] = []
    globals_ = _records(stream, 0)
    for index, (kind, at, length) in enumerate(globals_):
        if kind == _FILEPASS and length >= 2 and stream[at : at + 2] != b"\0\0":
            # msoffcrypto would decrypt an .xls through a temporary file on disk, leaving
            # recipients' data on the server's disk; refused instead.
            raise FileRefused("unsupported_encryption")
        if kind == _BOUNDSHEET and length >= 4:
            (position,) = struct.unpack_from("<I", stream, at)
            if position >= len(stream):
                raise FileRefused("corrupt")
            sheets.append(position)
        if kind == _SST and length >= 8:
            (count,) = struct.unpack_from("<i", stream, at + 4)
            available = length + sum(n for k, _, n in _continuations(globals_, index + 1))
            # Each string takes at least 3 bytes; calamine reserves `count` slots up front.
            if count < 0 or count > available // 3 + 1:
                raise FileRefused("corrupt")
    for position in sheets:
        _check_sheet(stream, _records(stream, position), limits)


def _continuations(records: list[tuple[int, int, int]], start: int) -> list[tuple[int, int, int]]:
    out = []
    for record in records[start:]:
        if record[0] != 0x003C:  # CONTINUE
            break
        out.append(record)
    return out


def _check_sheet(stream: bytes, records: list[tuple[int, int, int]], limits: Limits) -> None:
    max_row = max_col = -1
    for kind, at, length in records:
        if kind in _CELLS and length >= 4:
            row, col = _RECORD.unpack_from(stream, at)
            max_row, max_col = max(max_row, row), max(max_col, col)
        elif kind == _MULRK and length >= 6:
            row, first = _RECORD.unpack_from(stream, at)
            (last,) = struct.unpack_from("<H", stream, at + length - 2)
            if last < first:
                raise FileRefused("corrupt")
            max_row, max_col = max(max_row, row), max(max_col, last)
        elif kind == _DIMENSIONS:
            _check_dimensions(stream[at : at + length], limits)
    if max_row + 1 > limits.rows:
        raise FileRefused("too_many_rows")
    if (max_row + 1) * (max_col + 1) > limits.cells:
        raise FileRefused("too_many_cells")


def _check_dimensions(body: bytes, limits: Limits) -> None:
    # calamine reserves (last - first + 1) rows x columns from this record, in u32
    # arithmetic that wraps when first > last.
    if len(body) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
    else:
        raise FileRefused("corrupt")
    if last_row < 1 or last_col < 1:
        return
    rows, cols = last_row - first_row, last_col - first_col
    if rows < 0 or cols < 0:
        raise FileRefused("corrupt")
    if rows * cols > limits.cells:
        raise FileRefused("too_many_cells")


def _compound_file(name: str, stream: bytes) -> bytes:
    """A version-4 compound file holding one stream (4 KB sectors, no mini stream use)."""
    # Below 4 KB a stream would belong in the mini stream; padding after the final EOF
    # record is never read.
    stream = stream.ljust(_SECTOR, b"\0")
    data_sectors = -(-len(stream) // _SECTOR)
    fat_sectors = 1
    while fat_sectors * _ENTRIES_PER_FAT_SECTOR < fat_sectors + 2 + data_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise FileRefused("too_large")  # would need DIFAT sectors: > 400 MB
    directory_sector = fat_sectors
    mini_sector = fat_sectors + 1  # the root's (empty) mini stream; calamine wants one
    first_data = fat_sectors + 2
    fat = [_FAT_SECTOR] * fat_sectors + [_END_OF_CHAIN, _END_OF_CHAIN]
    fat += [first_data + i + 1 for i in range(data_sectors - 1)] + [_END_OF_CHAIN]
    fat += [_FREE] * (fat_sectors * _ENTRIES_PER_FAT_SECTOR - len(fat))

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = entry_name.encode("utf-16-le") + b"\0\0" if entry_name else b""
        color = 1 if entry_name else 0
        head = struct.pack("<HBBIII", len(encoded), kind, color, _NO_STREAM, _NO_STREAM, child)
        return encoded.ljust(64, b"\0") + head + bytes(36) + struct.pack("<IQ", start, size)

    directory = (
        entry("Root Entry", 5, 1, mini_sector, 0)
        + entry(name, 2, _NO_STREAM, first_data, len(stream))
        + entry("", 0, _NO_STREAM, 0, 0) * 30
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 0x0C, 6)
        + bytes(6)
        + struct.pack(
            "<9I", 1, fat_sectors, directory_sector, 0, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0
        )
        + struct.pack("<109I", *range(fat_sectors), *([_FREE] * (109 - fat_sectors)))
    )
    padded = stream.ljust(data_sectors * _SECTOR, b"\0")
    return b"".join(
        (
            header.ljust(_SECTOR, b"\0"),
            struct.pack(f"<{len(fat)}I", *fat),
            directory,
            bytes(_SECTOR),
            padded,
        )
    )

"""What a PDF holds, read with pypdf before it is accepted (issue 10, decision 0008).

Refused: a file pypdf cannot read (or with no pages), an encrypted one, one with
scripts (JavaScript, XFA forms, rich media, ``javascript:`` links), launch actions
or links that open other files, embedded files (attachments, file-attachment
annotations), more pages than ``MUSANED_PDF_MAX_PAGES``, and one whose streams
unpack to more than ``MUSANED_PDF_MAX_UNPACKED_BYTES``.

Every indirect object is read, so a name hidden in an object stream or spelt with
``#xx`` escapes (pypdf decodes them) is found. Streams are measured, not kept:
deflate is unpacked in small pieces that are counted and dropped, so a 100 MB bomb
in a small file costs a few hundred kilobytes of memory, and pypdf's own limits are
set to the same budget for what it unpacks itself (object and xref streams).
"""

import zlib
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from typing import Any

from musaned.core.uploads import ContentRefused


class PdfProblem(StrEnum):
    UNREADABLE = "pdf_unreadable"
    ENCRYPTED = "pdf_encrypted"
    SCRIPT = "pdf_script"
    LAUNCH = "pdf_launch"
    EMBEDDED = "pdf_embedded_file"
    TOO_MANY_PAGES = "pdf_too_many_pages"
    TOO_LARGE_UNPACKED = "pdf_too_large_unpacked"


class PdfRefused(ContentRefused):
    """A PDF that may not pass: its ``PdfProblem`` and what was found."""


# Names that make a PDF do something besides being read (PDF 2.0, ISO 32000-2).
ACTIVE_NAMES = {
    "/JS": PdfProblem.SCRIPT,
    "/JavaScript": PdfProblem.SCRIPT,
    "/XFA": PdfProblem.SCRIPT,  # XML forms carry their own scripts
    "/RichMedia": PdfProblem.SCRIPT,  # Flash and other embedded players
    "/Launch": PdfProblem.LAUNCH,
    "/GoToR": PdfProblem.LAUNCH,  # opens another file
    "/ImportData": PdfProblem.LAUNCH,  # reads another file into the form
    "/EmbeddedFiles": PdfProblem.EMBEDDED,
    "/EmbeddedFile": PdfProblem.EMBEDDED,
    "/EF": PdfProblem.EMBEDDED,  # a file specification's embedded stream
    "/FileAttachment": PdfProblem.EMBEDDED,  # the paper-clip annotation
    "/GoToE": PdfProblem.EMBEDDED,  # opens an embedded document
}

# Filters whose output is an image codec's own data: counted as stored, not decoded.
IMAGE_FILTERS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
FLATE = {"/FlateDecode", "/Fl"}
SHRINKING = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
OTHER_DECODERS = {"/LZWDecode", "/LZW", "/RunLengthDecode", "/RL", "/BrotliDecode"}

PIECE = 64 * 1024


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    unpacked_bytes: int


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    @property
    def left(self) -> int:
        return self.limit - self.used

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise PdfRefused(PdfProblem.TOO_LARGE_UNPACKED, f"over {self.limit} bytes")


def _pieces(data: bytes):
    for start in range(0, len(data), PIECE):
        yield data[start : start + PIECE]


def _wbits(head: bytes) -> int:
    """zlib or gzip framing when the first bytes say so, else raw deflate (some writers)."""
    if head[:2] == b"\x1f\x8b":
        return zlib.MAX_WBITS | 16
    if len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0:
        return zlib.MAX_WBITS
    return -zlib.MAX_WBITS


def _inflated(pieces):
    """Deflate data, given and yielded in pieces of at most ``PIECE`` bytes: nothing is
    ever held whole, so filters can be chained (a deflated deflate bomb) at no cost."""
    inflater = None
    try:
        for piece in pieces:
            if inflater is None:
                if not piece:
                    continue
                inflater = zlib.decompressobj(_wbits(piece))
            pending = piece
            while pending:
                out = inflater.decompress(pending, PIECE)
                if out:
                    yield out
                pending = inflater.unconsumed_tail
            if inflater.eof:
                return
        if inflater is not None:
            tail = inflater.flush()
            if tail:
                yield tail
    except zlib.error:
        return  # a damaged stream: readers show what unpacked, and that much is counted


def _joined(pieces, budget: _Budget) -> bytes:
    """Pieces that a non-streaming filter needs whole, never past what is left."""
    parts, size = [], 0
    for piece in pieces:
        size += len(piece)
        if size > budget.left:
            budget.spend(size)  # refuses
        parts.append(piece)
    return b"".join(parts)


def _filters(stream) -> list[str]:
    found = stream.get("/Filter")
    if found is None:
        return []
    found = found.get_object()
    items = found if isinstance(found, list) else [found]
    return [str(item.get_object()) for item in items]


def _decode_bounded(data: bytes, name: str, left: int) -> bytes:
    """LZW, run-length or Brotli data through pypdf's decoder, stopped past what is left."""
    from pypdf import apply_configuration
    from pypdf.filters import decode_stream_data
    from pypdf.generic import NameObject, StreamObject

    single = StreamObject()
    single._data = data
    single[NameObject("/Filter")] = NameObject(name)
    limit = max(left, 0) + 1
    with apply_configuration(
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
    ):
        decoded = decode_stream_data(single)
    return decoded.encode("latin-1") if isinstance(decoded, str) else decoded


def _measure_stream(stream, budget: _Budget) -> None:
    from pypdf.filters import ASCII85Decode, ASCIIHexDecode

    data = stream._data  # the raw bytes as stored; pypdf unpacks only on get_data()
    pieces = None  # the output of a chain of deflate filters, still unread
    filters = _filters(stream)
    if len(filters) > 16:
        raise PdfRefused(PdfProblem.UNREADABLE, "too many filters")
    for name in filters:
        if name in IMAGE_FILTERS:
            break  # what follows is an image codec's data: counted as stored
        if name in FLATE:
            pieces = _inflated(pieces if pieces is not None else _pieces(data))
            continue
        if pieces is not None:
            data, pieces = _joined(pieces, budget), None
        if name in SHRINKING:
            codec = ASCIIHexDecode if name in ("/ASCIIHexDecode", "/AHx") else ASCII85Decode
            data = codec.decode(data)
        elif name in OTHER_DECODERS:
            data = _decode_bounded(data, name, budget.left)
        else:
            raise PdfRefused(PdfProblem.UNREADABLE, f"unknown filter {name}")
        if len(data) > budget.left:
            budget.spend(len(data))  # refuses
    if pieces is None:
        budget.spend(len(data))
        return
    for piece in pieces:
        budget.spend(len(piece))


def _check_names(obj, budget: _Budget) -> None:
    """Walk one object's direct contents (not following references: every indirect
    object is visited on its own) for active names, and measure its stream."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        StreamObject,
    )

    todo = [obj]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            continue
        if isinstance(item, NameObject):
            if str(item) in ACTIVE_NAMES:
                raise PdfRefused(ACTIVE_NAMES[str(item)], str(item))
        elif isinstance(item, DictionaryObject):
            for key, value in item.items():
                if str(key) in ACTIVE_NAMES:
                    raise PdfRefused(ACTIVE_NAMES[str(key)], str(key))
                if str(key) == "/URI" and _is_script_link(value):
                    raise PdfRefused(PdfProblem.SCRIPT, "javascript: link")
                todo.append(value)
            if isinstance(item, StreamObject):
                _measure_stream(item, budget)
        elif isinstance(item, ArrayObject):
            todo.extend(item)


def _is_script_link(value) -> bool:
    from pypdf.generic import IndirectObject

    if isinstance(value, IndirectObject):
        value = value.get_object()
    text = bytes(value).decode("latin-1", "replace") if isinstance(value, bytes) else str(value)
    return "".join(text.split()).lower().startswith("javascript:")


def inspect_pdf(data: bytes, *, max_pages: int, max_unpacked: int) -> PdfFacts:
    """Read every object of the PDF in ``data``; raise ``PdfRefused`` for what may not pass."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject

    budget = _Budget(max_unpacked)
    # What pypdf unpacks itself (xref and object streams, the page tree) gets the same budget.
    limits: dict[str, Any] = {
        "zlib_maximum_output_length": max_unpacked,
        "lzw_maximum_output_length": max_unpacked,
        "run_length_maximum_output_length": max_unpacked,
        "brotli_maximum_output_length": max_unpacked,
        "array_based_stream_maximum_output_length": max_unpacked,
        "stream_decoding_work_maximum_length": max_unpacked,
        "image_maximum_buffer_size": max_unpacked,
        "jbig2dec_binary": None,
    }
    try:
        with apply_configuration(**limits):
            reader = PdfReader(BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise PdfRefused(PdfProblem.ENCRYPTED)
            # Plain objects first: an object stream is measured before pypdf unpacks
            # the objects kept in it.
            plain = sorted(
                (idnum, generation)
                for generation, entries in reader.xref.items()
                for idnum in entries
                if not reader.xref_free_entry.get(generation, {}).get(idnum)
            )
            for idnum, generation in plain:
                _check_names(IndirectObject(idnum, generation, reader).get_object(), budget)
            for idnum in sorted(reader.xref_objStm):
                _check_names(IndirectObject(idnum, 0, reader).get_object(), budget)
            _check_names(reader.trailer, budget)
            pages = len(reader.pages)
    except PdfRefused:
        raise
    except LimitReachedError as exc:
        raise PdfRefused(PdfProblem.TOO_LARGE_UNPACKED, str(exc)) from None
    except Exception as exc:  # any failure to read (RecursionError too) is "unreadable"
        raise PdfRefused(PdfProblem.UNREADABLE, f"{type(exc).__name__}: {exc}") from None
    if pages == 0:
        raise PdfRefused(PdfProblem.UNREADABLE, "no pages")
    if pages > max_pages:
        raise PdfRefused(PdfProblem.TOO_MANY_PAGES, f"{pages} pages")
    return PdfFacts(pages=pages, unpacked_bytes=budget.used)

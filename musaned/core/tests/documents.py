"""Files the upload tests make: real PDFs (pypdf) with and without the things that are
refused, pictures with metadata, decompression bombs and the EICAR test file.

Nothing here is a fixture file: each is built in the test that uses it, so what it
holds is visible in the code. ``PDF`` and ``pdf_upload`` are the plain valid document
every test that uploads something sends.
"""

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

# The EICAR anti-virus test file (eicar.org), in two halves so that this source file is
# not itself reported by a scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

MB = 1024 * 1024


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer(pages: int = 1, *, note: str = "") -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)  # A4 in points
    if note:
        writer.add_metadata({"/Subject": note})
    return writer


def _with_content(data: bytes) -> bytes:
    """One page whose content stream is ``data`` (uncompressed, as written)."""
    writer = _writer()
    content = DecodedStreamObject()
    content.set_data(data)
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    return _bytes(writer)


def _with_annotation(subtype: str, **entries) -> bytes:
    """One page carrying one annotation of ``subtype`` (``/Link``, ``/FileAttachment``),
    with ``entries`` (name without the slash -> PDF object) besides its type and place."""
    writer = _writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            **{NameObject(f"/{name}"): value for name, value in entries.items()},
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def _action(kind: str, key: str, value: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)}
    )


def minimal_pdf(note: str = "") -> bytes:
    """A valid one-page PDF (``note`` in its metadata makes each one different)."""
    return _bytes(_writer(note=note))


# Any valid PDF, for a test that needs one (the same bytes every time it is read here).
PDF = minimal_pdf()


def pdf_upload(name: str = "document.pdf", note: str = "") -> SimpleUploadedFile:
    """``minimal_pdf`` as a browser sends it (the upload checks find its type by content)."""
    return SimpleUploadedFile(name, minimal_pdf(note) if note else PDF, "application/pdf")


def pdf_with_pages(count: int) -> bytes:
    return _bytes(_writer(count))


def pdf_with_text(text: str) -> bytes:
    """One page whose content stream shows ``text`` (uncompressed, as written)."""
    return _with_content(text.encode("latin-1"))


def pdf_with_eicar() -> bytes:
    """A valid PDF whose page content stream is the EICAR test file."""
    return _with_content(EICAR)


def pdf_with_javascript() -> bytes:
    """JavaScript run when the document opens (the document-level name tree)."""
    from pypdf.actions import JavaScript

    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _bytes(writer)


def pdf_with_javascript_link() -> bytes:
    """A link annotation on the page whose action is JavaScript."""
    return _with_annotation("/Link", A=_action("/JavaScript", "/JS", "app.alert(1);"))


def pdf_with_javascript_uri() -> bytes:
    """A link whose address is a ``javascript:`` URI."""
    return _with_annotation("/Link", A=_action("/URI", "/URI", " JavaScript:alert(1)"))


def pdf_with_launch_action() -> bytes:
    """Opening the document starts a program (a /Launch open action)."""
    writer = _writer()
    action = _action("/Launch", "/F", "calc.exe")
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def pdf_with_embedded_file() -> bytes:
    """A file in the document's /EmbeddedFiles name tree."""
    writer = _writer()
    writer.add_attachment("invoice.exe", b"MZ not really a program")
    return _bytes(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    """A paper-clip annotation on the page (no name tree)."""
    return _with_annotation("/FileAttachment", Contents=TextStringObject("notes"))


def encrypted_pdf() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    return _bytes(writer)


def pdf_bomb(unpacked: int = 100 * MB, *, layers: int = 1) -> bytes:
    """A page whose content stream is ``unpacked`` bytes of zeros, deflated (~0.1 % of it);
    with ``layers`` = 2 deflated twice (``/Filter [/FlateDecode /FlateDecode]``)."""
    writer = _writer()
    stream = StreamObject()
    data = b"0" * unpacked
    for _ in range(layers):
        data = zlib.compress(data, 9)
    stream._data = data
    stream[NameObject("/Filter")] = ArrayObject([NameObject("/FlateDecode")] * layers)
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return _bytes(writer)


def pdf_with_object_stream(hidden: bytes, *, padding: int = 0) -> bytes:
    """A hand-built PDF 1.5 whose object 5 lives in a compressed object stream (found
    through an xref stream), followed there by ``padding`` spaces: a name hidden there,
    or a bomb that pypdf itself would unpack, is in the same place as in real files."""
    body = b"5 0 " + hidden + b" " * padding
    packed = zlib.compress(body, 9)
    parts = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"]
    offsets = {}

    def add(number: int, data: bytes) -> None:
        offsets[number] = sum(len(p) for p in parts)
        parts.append(b"%d 0 obj\n" % number + data + b"\nendobj\n")

    add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    add(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Extra 5 0 R >>")
    add(
        4,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(b"5 0 "), len(packed))
        + packed
        + b"\nendstream",
    )
    xref_offset = sum(len(p) for p in parts)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in (1, 2, 3, 4):
        rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big"))
    rows.append(b"\x02" + (4).to_bytes(4, "big") + (0).to_bytes(2, "big"))  # 5: in 4, index 0
    rows.append(b"\x01" + xref_offset.to_bytes(4, "big") + (0).to_bytes(2, "big"))  # 6: itself
    table = b"".join(rows)
    parts.append(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return b"".join(parts)


def png_bytes(*, size=(40, 30), text: dict | None = None, color=(200, 30, 30)) -> bytes:
    """A PNG, with text chunks (metadata) when ``text`` is given."""
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_exif(*, size=(60, 40), orientation: int = 1, gps: bool = True) -> bytes:
    """A JPEG whose EXIF names a camera, a place (GPS) and an orientation."""
    from PIL import Image

    image = Image.new("RGB", size, (10, 120, 200))
    image.paste((250, 250, 0), (0, 0, size[0] // 2, size[1] // 2))  # a corner to find
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0112] = orientation  # Orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (24.0, 42.0, 0.0), 3: "E", 4: (46.0, 43.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bomb(side: int = 12_000) -> bytes:
    """A PNG that claims ``side`` x ``side`` pixels of one colour: tiny on disk,
    gigabytes decoded."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack("!I", len(data))
            + kind
            + data
            + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack("!IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    inflater = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * side
    packed = b"".join(inflater.compress(row) for _ in range(side)) + inflater.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", packed) + chunk(b"IEND", b"")
    )

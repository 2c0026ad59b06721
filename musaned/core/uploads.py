"""Uploaded documents: PDF, JPEG or PNG, recognised by their content, size-limited, and
checked for what they hold before anything is stored (issue 10, decision 0008).

``check_document`` is the one gate: a PDF is parsed (``pdfcheck``), a picture is
decoded and written afresh (``images``), and the file is offered to the upload
scanner (``scanning``). It returns the bytes to store or raises ``UploadRefused``
with a stable code and a translated message; ``DocumentField`` shows that message
next to the field. ``delete_after_commit`` removes a replaced file once the new one
is committed.
"""

import logging
import os
from enum import StrEnum
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.core.errors import ApplicationError, Messages, message_for

logger = logging.getLogger("musaned.uploads")

# Magic bytes → (content type, extension). The name a user gave is never trusted.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


# A file's name must agree with its content: ``x.pdf.html`` is refused even when it is a PDF.
EXTENSIONS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def _looks_like_markup(data: bytes) -> bool:
    lowered = data[:4096].lower()
    return any(tag in lowered for tag in (b"<html", b"<script", b"<svg", b"<!doctype"))


class UploadErrorCode(StrEnum):
    TYPE = "type"
    SIZE = "size"
    EMPTY = "empty"
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_SCRIPT = "pdf_script"
    PDF_LAUNCH = "pdf_launch"
    PDF_EMBEDDED_FILE = "pdf_embedded_file"
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
    PDF_TOO_LARGE_UNPACKED = "pdf_too_large_unpacked"
    IMAGE_UNREADABLE = "image_unreadable"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    INFECTED = "infected"
    SCANNER_UNAVAILABLE = "scanner_unavailable"


class UploadRefused(ApplicationError):
    status = 422


class ContentRefused(Exception):
    """What a check of a file's content refuses (``musaned/core/pdfcheck.py``,
    ``musaned/core/images.py``): ``problem``, an ``UploadErrorCode`` value, and what was
    found (``detail``: for the log, never shown)."""

    def __init__(self, problem: StrEnum, detail: str = ""):
        super().__init__(f"{problem}: {detail}" if detail else str(problem))
        self.problem = problem
        self.detail = detail


def _too_large() -> str:
    return _("The file is larger than %(max)s.") % {
        "max": filesizeformat(settings.MUSANED_MAX_UPLOAD_BYTES)
    }


def _too_many_pages() -> str:
    limit = settings.MUSANED_PDF_MAX_PAGES
    return ngettext(
        "A PDF may have at most %(max)s page. Upload the pages that matter.",
        "A PDF may have at most %(max)s pages. Upload the pages that matter.",
        limit,
    ) % {"max": limit}


def _too_large_unpacked() -> str:
    return _(
        "The PDF is too large once opened (more than %(max)s). Save it with smaller "
        "pictures, or scan it again, and upload that."
    ) % {"max": filesizeformat(settings.MUSANED_PDF_MAX_UNPACKED_BYTES)}


def _too_many_pixels() -> str:
    megapixels = settings.MUSANED_IMAGE_MAX_PIXELS // 1_000_000
    return ngettext(
        "The picture is larger than %(max)s megapixel. Upload a smaller picture.",
        "The picture is larger than %(max)s megapixels. Upload a smaller picture.",
        megapixels,
    ) % {"max": megapixels}


# The limits are read from the settings when a file is refused (the functions above).
MESSAGES: Messages[UploadErrorCode] = {
    UploadErrorCode.TYPE: _("Upload a PDF, JPG or PNG file."),
    UploadErrorCode.SIZE: _too_large,
    UploadErrorCode.EMPTY: _("The file is empty."),
    UploadErrorCode.PDF_UNREADABLE: _(
        "The PDF could not be read. Save it again as a PDF, or scan the paper, and upload that."
    ),
    UploadErrorCode.PDF_ENCRYPTED: _(
        "The PDF is protected by a password or encryption. Upload a copy without protection."
    ),
    UploadErrorCode.PDF_SCRIPT: _(
        "The PDF contains scripts (JavaScript or an interactive form), which we do "
        "not accept. Print it to a new PDF and upload that."
    ),
    UploadErrorCode.PDF_LAUNCH: _(
        "The PDF tries to open programs or other files, which we do not accept. "
        "Print it to a new PDF and upload that."
    ),
    UploadErrorCode.PDF_EMBEDDED_FILE: _(
        "The PDF has other files inside it. Upload each document on its own as a PDF, JPG or PNG."
    ),
    UploadErrorCode.PDF_TOO_MANY_PAGES: _too_many_pages,
    UploadErrorCode.PDF_TOO_LARGE_UNPACKED: _too_large_unpacked,
    UploadErrorCode.IMAGE_UNREADABLE: _(
        "The picture could not be read. Take or save it again and upload that."
    ),
    UploadErrorCode.IMAGE_TOO_MANY_PIXELS: _too_many_pixels,
    UploadErrorCode.INFECTED: _(
        "The file was not accepted: our virus check found harmful content in it."
    ),
    UploadErrorCode.SCANNER_UNAVAILABLE: _(
        "We cannot check files for viruses right now, so the file was not accepted. "
        "Try again in a few minutes."
    ),
}


def upload_error(code: UploadErrorCode) -> UploadRefused:
    """The refusal ``code``, with its message (in the language active now)."""
    return UploadRefused(code, str(message_for(MESSAGES, code)))


def check_document(data: bytes, *, content_type: str) -> bytes:
    """The bytes to store for a PDF, JPEG or PNG whose type its magic bytes gave.

    A PDF is stored as sent once every object in it has passed; a picture is stored
    as the fresh file we wrote from its pixels. Either way the file as sent is
    offered to the scanner last. Raises ``UploadRefused``; writes nothing.
    """
    from musaned.core import images, pdfcheck
    from musaned.core.scanning import ScannerUnavailable, get_scanner

    is_pdf = content_type == "application/pdf"
    try:
        if is_pdf:
            pdfcheck.inspect_pdf(
                data,
                max_pages=settings.MUSANED_PDF_MAX_PAGES,
                max_unpacked=settings.MUSANED_PDF_MAX_UNPACKED_BYTES,
            )
            stored = data
        else:
            stored = images.reencode(
                data, content_type=content_type, max_pixels=settings.MUSANED_IMAGE_MAX_PIXELS
            )
    except ContentRefused as refused:
        logger.info("%s refused: %s", "PDF" if is_pdf else "picture", refused)
        raise upload_error(UploadErrorCode(refused.problem)) from None
    try:
        verdict = get_scanner().scan(data)
    except ScannerUnavailable as exc:
        logger.error("upload refused: the scanner is unavailable (%s)", exc)
        raise upload_error(UploadErrorCode.SCANNER_UNAVAILABLE) from None
    if not verdict.clean:
        logger.warning("upload refused: the scanner found %s", verdict.signature)
        raise upload_error(UploadErrorCode.INFECTED)
    return stored


class CheckedUpload(SimpleUploadedFile):
    """What ``check_upload`` made: the bytes to store, and the type found by content
    (``sniffed_type``). The name is the sender's, for display only; storage names
    are made by the server."""

    def __init__(self, name: str, content: bytes, content_type: str):
        super().__init__(name, content, content_type=content_type)
        self.sniffed_type = content_type


def check_upload(upload) -> CheckedUpload:
    """Every check on an uploaded file (size, type by content and name, what it holds,
    the scanner); raises ``UploadRefused``. Services call it for any file that did not
    come through ``DocumentField`` (which calls it), so no channel skips it."""
    if isinstance(upload, CheckedUpload):
        return upload
    if not upload.size:
        raise upload_error(UploadErrorCode.EMPTY)
    if upload.size > settings.MUSANED_MAX_UPLOAD_BYTES:
        raise upload_error(UploadErrorCode.SIZE)
    upload.seek(0)
    data = upload.read(settings.MUSANED_MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if len(data) > settings.MUSANED_MAX_UPLOAD_BYTES:
        raise upload_error(UploadErrorCode.SIZE)
    found = sniff(data[:8192])
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if found is None or _looks_like_markup(data) or EXTENSIONS.get(extension) != found[0]:
        raise upload_error(UploadErrorCode.TYPE)
    return CheckedUpload(upload.name, check_document(data, content_type=found[0]), found[0])


def delete_after_commit(fieldfile_or_name, storage=None) -> None:
    """Remove a stored file once the surrounding transaction commits (a rollback keeps it).

    Takes a ``FieldFile`` (its own storage) or a name in ``storage`` (default storage).
    """
    from django.core.files.storage import default_storage

    name = getattr(fieldfile_or_name, "name", fieldfile_or_name)
    if not name:
        return
    storage = getattr(fieldfile_or_name, "storage", None) or storage or default_storage

    def remove():
        try:
            storage.delete(name)
        except OSError:  # already gone, or the storage is down: the file is orphaned, not lost
            logger.warning("could not remove the replaced file %s", name, exc_info=True)

    transaction.on_commit(remove)


class DocumentField(forms.FileField):
    """A PDF, JPG or PNG document; cleans to the ``CheckedUpload`` that ``check_upload``
    made (a refusal is the field's error, in the active language)."""

    default_error_messages = {
        "type": _("Upload a PDF, JPG or PNG file."),
        "size": _("The file is larger than %(max)s."),
        "empty": _("The file is empty."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial or not hasattr(upload, "read"):
            return upload
        try:
            return check_upload(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(DocumentField):
    """Several documents in one control (at most ``max_files``); each checked as above.
    An error names the file it is about."""

    def __init__(self, *, max_files: int = 3, **kwargs):
        self.max_files = max_files
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(max)s file.", "Attach at most %(max)s files.", self.max_files
                ),
                code="too_many",
                params={"max": self.max_files},
            )
        cleaned: list[Any] = []
        errors: list[forms.ValidationError] = []
        for upload in uploads:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as error:
                errors.extend(
                    forms.ValidationError(
                        "%(name)s: %(error)s", params={"name": upload.name, "error": message}
                    )
                    for message in error.messages
                )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


def download_response(stored_name: str, *, content_type: str, filename: str):
    """A stored document as a download under a server-made ``filename``; never rendered
    by the browser (attachment, nosniff). A row whose file is gone is a 404."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse, Http404

    try:
        handle = default_storage.open(stored_name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

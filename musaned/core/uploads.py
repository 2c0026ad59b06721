"""Uploaded documents: PDF, JPEG or PNG, recognised by their content, size-limited."""

import os

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


class DocumentField(forms.FileField):
    """A PDF, JPG or PNG document; cleans to the file with ``content_type`` set from its content."""

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
        limit = settings.MUSANED_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                self.error_messages["size"], code="size", params={"max": filesizeformat(limit)}
            )
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        found = sniff(head)
        extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
        if found is None or _looks_like_markup(head) or EXTENSIONS.get(extension) != found[0]:
            raise forms.ValidationError(self.error_messages["type"], code="type")
        if found[0].startswith("image/"):
            from PIL import Image

            try:
                with Image.open(upload) as image:
                    image.verify()
            except Exception:
                raise forms.ValidationError(self.error_messages["type"], code="type") from None
            upload.seek(0)
        upload.sniffed_type = found[0]
        return upload


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
        cleaned, errors = [], []
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

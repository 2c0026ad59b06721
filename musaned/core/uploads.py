"""Uploaded documents: PDF, JPEG or PNG, recognised by their content, size-limited."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

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
        if found is None or _looks_like_markup(head):
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

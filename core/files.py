"""Uploaded files: one check for every attachment in the system.

A file is accepted when its name ends in an allowed extension, its size is within the limit,
and its content is of that type (read from the bytes with puremagic, never trusted from the
browser). The original name is kept only for display and download, made safe; the stored file
gets a random name, and files are served only through views that check access first.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core.errors import DomainError

# extension -> (content type, the extensions puremagic may report for such content)
ALLOWED = {
    "pdf": ("application/pdf", {".pdf"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "doc": ("application/msword", {".doc"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
    "odt": ("application/vnd.oasis.opendocument.text", {".odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {".ods"}),
    "png": ("image/png", {".png"}),
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
}
ALLOWED_LABEL = "PDF, Word, Excel, OpenDocument, PNG, JPEG"
# What a download may say it is: the allowed types, never HTML, SVG or script. Anything else a
# record might claim (an older row, a hand-made one) is sent as plain bytes.
SERVABLE_TYPES = frozenset(content_type for content_type, _ in ALLOWED.values())
UNKNOWN_TYPE = "application/octet-stream"


def servable_type(content_type: str) -> str:
    return content_type if content_type in SERVABLE_TYPES else UNKNOWN_TYPE


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return settings.FONDADMIN_MAX_UPLOAD_MB * 1024 * 1024


def safe_name(raw: str) -> str:
    """The last path component only (``../`` and ``C:\\`` gone), normalised, no characters a
    file system or a header could misread, at most 150 characters."""
    base = os.path.basename((raw or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", base).strip().lstrip(".")
    try:
        cleaned = get_valid_filename(base)
    except Exception:
        cleaned = ""
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        return cleaned[:150]
    return f"{stem[: 150 - len(extension) - 1]}.{extension}"


# Office Open XML and OpenDocument files are ZIP archives: the ZIP header says only "archive",
# so the archive must also hold the part that makes it that kind of document.
_ZIP_PARTS = {
    "docx": lambda names, _read: "word/document.xml" in names,
    "xlsx": lambda names, _read: "xl/workbook.xml" in names,
    "odt": lambda names, read: (
        "mimetype" in names and read("mimetype") == b"application/vnd.oasis.opendocument.text"
    ),
    "ods": lambda names, read: (
        "mimetype" in names
        and read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    ),
}


def _archive_is(extension: str, uploaded) -> bool:
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            return _ZIP_PARTS[extension](names, lambda name: archive.read(name)[:100].strip())
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)


def _detected_extensions(head: bytes) -> set[str]:
    try:
        return {match.extension.lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def check_upload(uploaded) -> CheckedUpload:
    """Accept an uploaded file or refuse it with a Swedish message that says why."""
    name = safe_name(getattr(uploaded, "name", ""))
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if not name or extension not in ALLOWED:
        raise DomainError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ALLOWED_LABEL},
            field="file",
        )
    if uploaded.size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if uploaded.size > max_upload_bytes():
        raise DomainError(
            _("The file is too large: at most %(limit)s MB.")
            % {"limit": settings.FONDADMIN_MAX_UPLOAD_MB},
            field="file",
        )
    uploaded.seek(0)
    head = uploaded.read(64 * 1024)
    uploaded.seek(0)
    content_type, expected = ALLOWED[extension]
    content_matches = bool(_detected_extensions(head) & expected)
    if content_matches and extension in _ZIP_PARTS:
        content_matches = _archive_is(extension, uploaded)
    if not content_matches:
        raise DomainError(
            _(
                "The file's content is not a %(type)s file, although its name says so. "
                "Save it again in that format and attach it again."
            )
            % {"type": extension.upper()},
            field="file",
        )
    return CheckedUpload(name=name, content_type=content_type, size=uploaded.size)


def store_upload(stored, uploaded, *, title: str = "", by=None):
    """Check ``uploaded`` and keep it in ``stored``, an unsaved ``StoredFile`` that already
    names what it belongs to: the title given (or the file's name), the safe original name,
    the type read from the content, the size and who uploaded it. Saves and returns it; a
    refused file raises the DomainError of ``check_upload`` and stores nothing."""
    checked = check_upload(uploaded)
    stored.title = (title or "").strip() or checked.name
    stored.original_name = checked.name
    stored.content_type = checked.content_type
    stored.size = checked.size
    stored.uploaded_by = by
    stored.file.save(checked.name, uploaded, save=False)
    stored.save()
    return stored


def stored_name(instance, filename: str) -> str:
    """Random names on disk: the original is kept in the record, never in the path."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{uuid.uuid4().hex}.{extension}"

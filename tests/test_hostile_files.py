"""A corpus of hostile files, generated here, through each app's upload check (feedback attachments,
programme evidence, target evidence): each ends refused or neutralised, file by file."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from PIL import Image, PngImagePlugin

from feedback.uploads import check_upload
from mttq_portal.errors import ApplicationError
from mttq_portal.files import file_response
from programs.evidence import check_evidence
from targets.evidence import evidence_check
from tests.pdfs import one_page_pdf

SCRIPT = b"<script>alert(document.cookie)</script>"


def jpeg_polyglot() -> bytes:
    """A JPEG whose COM segment carries a script (served as text/html it would run)."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(out, format="JPEG", comment=SCRIPT)
    data = out.getvalue()
    assert SCRIPT in data
    assert b"\xff\xfe" in data
    return data + b"<html>" + SCRIPT  # and more after the end of the image


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 0, 0)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def office(kind: str = "docx", *, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """Under 100 KB on the wire, 64 MB inflated (a ratio of about 1000)."""
    return office(extra={"word/media/padding.xml": b"\0" * (64 * 1024 * 1024)})


CHECKERS = {
    "feedback": lambda f: check_upload(f).data,
    "programs": lambda f: check_evidence(f).data,
    "targets": lambda f: evidence_check(f)[0],
}

REFUSED = {
    "zip bomb docx": ("bomb.docx", zip_bomb_docx),
    "PDF with OpenAction JavaScript": ("don.pdf", lambda: one_page_pdf(javascript="app.alert('x')")),
    "13-byte fake PDF": ("don.pdf", lambda: b"%PDF-1.4 fake"),
    "script named .pdf": ("don.pdf", lambda: b"#!/bin/sh\nrm -rf /\n" * 20),
    "SVG with a script": (
        "anh.png",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "HTML named .jpg": ("anh.jpg", lambda: b"<!doctype html><html>" + SCRIPT + b"</html>"),
    "docx with macros": ("macro.docx", lambda: office(extra={"word/vbaProject.bin": b"\0" * 100})),
    "zip that is no office file": ("don.docx", lambda: office(kind="zip")[:-10]),
}


@pytest.mark.parametrize("checker", list(CHECKERS))
@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_files_are_refused(settings, checker, case):
    name, make = REFUSED[case]

    with pytest.raises(ApplicationError) as refused:
        CHECKERS[checker](SimpleUploadedFile(name, make()))

    assert refused.value.http_status == 400
    assert refused.value.message


@pytest.mark.parametrize("checker", list(CHECKERS))
def test_a_jpeg_polyglot_is_rebuilt_from_its_pixels(checker):
    data = CHECKERS[checker](SimpleUploadedFile("anh.jpg", jpeg_polyglot()))

    assert data.startswith(b"\xff\xd8")
    assert b"<script" not in data
    assert b"<html" not in data
    assert b"\xff\xfe" not in data  # no COM segment at all
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24)
        assert "comment" not in image.info


@pytest.mark.parametrize("checker", list(CHECKERS))
def test_png_text_chunks_are_dropped(checker):
    data = CHECKERS[checker](SimpleUploadedFile("anh.png", png_with_text()))

    assert b"<script" not in data
    assert b"tEXt" not in data


@pytest.mark.parametrize("checker", list(CHECKERS))
def test_clean_files_pass(checker):
    assert CHECKERS[checker](SimpleUploadedFile("bien-ban.pdf", one_page_pdf())).startswith(b"%PDF")
    assert CHECKERS[checker](SimpleUploadedFile("bien-ban.docx", office())).startswith(b"PK")


def test_every_download_gets_the_same_protective_headers():
    response = file_response(io.BytesIO(b"%PDF-1.4"), filename="bien ban.pdf", content_type="application/pdf")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert not isinstance(response, HttpResponse) or response.streaming

"""Real files of each kind for the upload tests."""

import io

from PIL import Image

from tests.pdfs import one_page_pdf


def jpeg_with_gps() -> bytes:
    """A real JPEG carrying EXIF with a GPS block and a camera make."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 23.0, 0.0), 3: "E", 4: (103.0, 1.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Đơn kiến nghị")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Danh sách"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PDF = one_page_pdf()  # a real PDF: a fake one is refused by the upload checker
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

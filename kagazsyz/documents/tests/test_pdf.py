"""The rendered PDF: A4, both languages, Kyrgyz letters as text, the QR code of the payload."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import segno
from pypdf import PdfReader

from kagazsyz.documents.pdf import QR_MASK, display_value, format_date
from kagazsyz.documents.qr import decode_qr
from kagazsyz.documents.tests.conftest import HOLDER_NAME, HOLDER_PIN, TITLES, Made, make_document
from kagazsyz.documents.verification import verify_pdf


@pytest.fixture(scope="module")
def text(made: Made) -> str:
    reader = PdfReader(io.BytesIO(made.pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_page_is_a4(made: Made) -> None:
    page = PdfReader(io.BytesIO(made.pdf)).pages[0]
    assert round(float(page.mediabox.width)) == 595
    assert round(float(page.mediabox.height)) == 842


def test_kyrgyz_letters_are_real_text(text: str) -> None:
    assert "Ңң Өө Үү" in text
    assert HOLDER_NAME in text
    assert "Үсөнбаев" in text


def test_bilingual_headings_and_facts(text: str, made: Made) -> None:
    for expected in (
        "Кыргыз Республикасы / Кыргызская Республика",
        TITLES["ky"],
        TITLES["ru"],
        "Кыргыз Республикасынын Ички иштер министрлиги",
        "Министерство внутренних дел Кыргызской Республики",
        "Документтин номери / Номер документа",
        made.number,
        HOLDER_PIN,
        "Аты-жөнү / ФИО",
        "Туулган күнү / Дата рождения",
        "15.05.1980",
        "Жок / Нет",
        "/verify",
    ):
        assert expected in text, expected


def test_dates_are_day_month_year(text: str, made: Made) -> None:
    content = decode_qr(made.payload).content
    assert content is not None and content.expires_at is not None
    assert f"Берилген күнү / Дата выдачи {format_date(content.issued_at)}" in text
    assert f"Жарактуу мөөнөтү / Действителен до {format_date(content.expires_at)}" in text


def test_the_qr_code_in_the_pdf_encodes_the_payload(made: Made) -> None:
    page = PdfReader(io.BytesIO(made.pdf)).pages[0]
    images = list(page.images)
    assert len(images) == 1
    image = images[0].image
    assert image is not None
    code = segno.make(made.payload, error="m", micro=False, mask=QR_MASK)
    expected = list(code.matrix_iter(border=0))
    scale = image.width // len(expected)
    assert image.width == image.height == scale * len(expected)
    gray = image.convert("L")
    for row, modules in enumerate(expected):
        for column, dark in enumerate(modules):
            pixel = gray.getpixel((column * scale + scale // 2, row * scale + scale // 2))
            assert isinstance(pixel, int)
            assert (pixel < 128) == bool(dark), (row, column)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "Ооба / Да"),
        (False, "Жок / Нет"),
        (None, "—"),
        ("", "—"),
        ("2026-01-31", "31.01.2026"),
        ("2026-01-31T10:00", "2026-01-31T10:00"),
        (12, "12"),
        (["a", True], "a, Ооба / Да"),
        ({"a": 1}, "a: 1"),
        ("Ңң", "Ңң"),
        ("2026-13-45", "2026-13-45"),
    ],
)
def test_display_value(value: object, shown: str) -> None:
    assert display_value(value) == shown


def test_format_date_uses_the_platform_time_zone() -> None:
    late_evening_utc = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)  # 02:00 next day in Bishkek
    assert format_date(late_evening_utc) == "02.03.2026"
    assert format_date(dt.date(2026, 3, 1)) == "01.03.2026"


def test_many_claims_flow_onto_more_pages_and_still_verify() -> None:
    claims = [
        {
            "name": f"claim_{index}",
            "labels": {"ky": f"Маалымат {index}", "ru": f"Сведение {index}", "en": f"Fact {index}"},
            "value": "Ысык-Көл облусу, Түп району, Ак-Булак айылы, Ңң Өө Үү " * (index % 3 + 1),
        }
        for index in range(30)
    ]
    claims.append({"name": "other_script", "labels": {"ky": "Башка"}, "value": "価格 ✓"})
    many = make_document(number="D-2026-MANYPAGES1", claims=claims)
    reader = PdfReader(io.BytesIO(many.pdf))
    pages = len(reader.pages)
    assert pages >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Маалымат 29 / Сведение 29" in text
    assert f"D-2026-MANYPAGES1 · {pages}/{pages}" in text
    assert verify_pdf(many.pdf, register=False).verdict == "VALID"

"""The issued document as a PDF: A4, Kyrgyz and Russian (and English on request), claims table,
QR code.

Rendering is on the issuing path, so it is kept fast. The two DejaVu faces are read once per
process and cut down to the characters a document can hold (Latin, Cyrillic with the Kyrgyz
letters Ң Ө Ү, punctuation); each document then starts from a copy of those parsed faces
instead of parsing 700 KB TrueType files again, and fpdf2's own per-document subsetting works
on ~650 glyphs instead of ~6,000.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.utils import timezone
from fontTools import subset as ft_subset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

# fontTools reports every subsetting step at INFO: on the issuing path that is noise (and time).
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "dejavu"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Characters a document may contain; anything else is drawn as a missing glyph.
REPERTOIRE = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x0400, 0x04FF),  # Cyrillic, with Ң ң Ө ө Ү ү
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x203A),  # per mille, guillemets
    (0x20AC, 0x20AC),  # euro sign
    (0x2116, 0x2116),  # numero sign
)

STATE = "Кыргыз Республикасы / Кыргызская Республика"
YES, NO, NOTHING = "Ооба / Да", "Жок / Нет", "—"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MARGIN = 18.0
PAGE_WIDTH = 210.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 80.0
QR_SIZE = 46.0
QR_MASK = 1  # see _qr_image
LINE = 5.0
INK = (20, 30, 45)
MUTED = (90, 100, 115)
RULE = (180, 188, 200)
BAND = (236, 241, 247)


@dataclass(frozen=True)
class PdfContent:
    """Everything printed on the document."""

    number: str
    titles: Mapping[str, str]
    agency_names: Mapping[str, str]
    holder_name: str
    holder_id: str
    issued_at: dt.datetime
    valid_until: dt.datetime | None
    claims: Sequence[Mapping[str, Any]]
    qr_payload: str
    verify_url: str = "/verify"
    english: bool = False  # a third language on every label, for use abroad


ENGLISH = {
    "yes": "Yes",
    "no": "No",
    "unlimited": "No time limit",
    "number": "Document number",
    "issued": "Date of issue",
    "valid": "Valid until",
    "holder": "Holder",
    "pin": "Personal number",
    "claims": "Particulars",
    "verify": "Verifying the document",
    "state": "Kyrgyz Republic",
    "footer": "Signed with an electronic signature; no seal is required.",
}


# --- fonts, once per process -----------------------------------------------------------------


@dataclass(frozen=True)
class _Face:
    fontkey: str
    data: bytes  # the TrueType file cut to REPERTOIRE
    prototype: TTFFont


def _repertoire_font(path: Path) -> bytes:
    font = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    options = ft_subset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "kern"]
    options.layout_features = []
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[u for low, high in REPERTOIRE for u in range(low, high + 1)])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _faces() -> tuple[_Face, ...]:
    """Parse the fonts once: fpdf2 reads a font file on add_font, so go through a scratch dir."""
    scratch = FPDF()
    faces = []
    with tempfile.TemporaryDirectory(prefix="kagazsyz-fonts-") as directory:
        for style, filename in FACES.items():
            data = _repertoire_font(FONT_DIR / filename)
            path = Path(directory) / filename
            path.write_bytes(data)
            scratch.add_font(FAMILY, style, path)
            prototype = scratch.fonts[f"{FAMILY}{style}"]
            assert isinstance(prototype, TTFFont)
            prototype.close()  # each document gets its own tables, see _fresh_font
            faces.append(_Face(f"{FAMILY}{style}", data, prototype))
    return tuple(faces)


def _fresh_font(face: _Face) -> TTFFont:
    """A copy of the parsed face with its own font tables (fpdf2 subsets them in place)."""
    font = copy.deepcopy(face.prototype)
    font.ttfont = ttLib.TTFont(
        io.BytesIO(face.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True
    )
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    return font


class _DocumentPdf(FPDF):
    """fpdf2 calls footer() on every page; the text names the document and the page."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-(MARGIN + 8))
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), PAGE_WIDTH - MARGIN, self.get_y())
        self.ln(1.5)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _footer_text(content: PdfContent) -> str:
    english = f" / {ENGLISH['footer']}" if content.english else ""
    return (
        "Документ электрондук кол тамга менен кол коюлган, мөөр талап кылынбайт. / "
        f"Документ подписан электронной подписью и не требует печати.{english}\n"
        f"Кагазсыз · {content.number}"
    )


def _new_pdf() -> _DocumentPdf:
    pdf = _DocumentPdf(orientation="portrait", unit="mm", format="A4")
    for face in _faces():
        pdf.fonts[face.fontkey] = _fresh_font(face)
    return pdf


def warm_up() -> None:
    """Load the fonts now rather than on the first document (e.g. at worker start)."""
    _faces()


# --- text -------------------------------------------------------------------------------------


def format_date(moment: dt.datetime | dt.date) -> str:
    """DD.MM.YYYY, in the platform's time zone for moments."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        moment = moment.date()
    return moment.strftime("%d.%m.%Y")


def _iso_date(text: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(text))
    except ValueError:
        return text


def display_value(value: Any) -> str:
    """A claim value as printed: yes/no in both languages, ISO dates as DD.MM.YYYY."""
    if value is True:
        return YES
    if value is False:
        return NO
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, str):
        return _iso_date(value) if ISO_DATE.match(value) else value
    if isinstance(value, list | tuple):
        return ", ".join(display_value(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {display_value(item)}" for key, item in value.items())
    return str(value)


def _both(texts: Mapping[str, str], english: bool = False) -> str:
    ky, ru = texts.get("ky", ""), texts.get("ru", "")
    both = ky if ky == ru or not ru else f"{ky} / {ru}"
    en = texts.get("en", "") if english else ""
    return f"{both} / {en}" if en else both


def _value(value: Any, english: bool) -> str:
    """``display_value``, with Yes / No in English too on an English copy."""
    if english and isinstance(value, bool):
        return f"{display_value(value)} / {ENGLISH['yes' if value else 'no']}"
    return display_value(value)


# --- drawing ----------------------------------------------------------------------------------


def _header(pdf: FPDF, content: PdfContent) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 12)
    state = f"{STATE} / {ENGLISH['state']}" if content.english else STATE
    pdf.cell(0, 6, state, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_text_color(*MUTED)
    for language in ("ky", "ru", "en") if content.english else ("ky", "ru"):
        name = content.agency_names.get(language, "")
        if name:
            pdf.multi_cell(0, 4.6, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.4)
    pdf.line(MARGIN, pdf.get_y(), PAGE_WIDTH - MARGIN, pdf.get_y())
    pdf.ln(6)


def _title(pdf: FPDF, content: PdfContent) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(
        0, 7, content.titles.get("ky", ""), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    ru = content.titles.get("ru", "")
    if ru and ru != content.titles.get("ky"):
        pdf.set_font(FAMILY, "B", 12)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 6, ru, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    en = content.titles.get("en", "") if content.english else ""
    if en:
        pdf.set_font(FAMILY, "B", 11)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 6, en, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def _lines(pdf: FPDF, style: str, size: float, width: float, text: str) -> list[str]:
    """The text broken into lines of ``width``; fpdf2's line breaker only when it must."""
    pdf.set_font(FAMILY, style, size)
    if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return [text]
    lines = pdf.multi_cell(width, LINE, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return [str(line) for line in lines]


def _print_lines(pdf: FPDF, x: float, y: float, lines: list[str], style: str, size: float) -> None:
    pdf.set_font(FAMILY, style, size)
    for index, text in enumerate(lines):
        pdf.set_xy(x, y + index * LINE)
        pdf.cell(text=text, h=LINE)


def _row(pdf: FPDF, label: str, value: str, *, shaded: bool) -> None:
    """A label / value row: lines are broken once, then printed cell by cell."""
    label_lines = _lines(pdf, "", 9, LABEL_WIDTH - 4, label)
    value_lines = _lines(pdf, "B", 10, CONTENT_WIDTH - LABEL_WIDTH - 4, value)
    height = max(len(label_lines), len(value_lines)) * LINE + 3
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = MARGIN, pdf.get_y()
    if shaded:
        pdf.set_fill_color(*BAND)
        pdf.rect(x, y, CONTENT_WIDTH, height, style="F")
    pdf.set_text_color(*MUTED)
    _print_lines(pdf, x + 2, y + 1.5, label_lines, "", 9)
    pdf.set_text_color(*INK)
    _print_lines(pdf, x + LABEL_WIDTH, y + 1.5, value_lines, "B", 10)
    pdf.set_xy(MARGIN, y + height)


def _facts(pdf: FPDF, content: PdfContent) -> None:
    english = content.english
    unlimited = _both({"ky": "Мөөнөтсүз", "ru": "Бессрочно", "en": ENGLISH["unlimited"]}, english)
    valid = format_date(content.valid_until) if content.valid_until else unlimited
    rows = [
        ("Документтин номери / Номер документа", content.number),
        ("Берилген күнү / Дата выдачи", format_date(content.issued_at)),
        ("Жарактуу мөөнөтү / Действителен до", valid),
        ("Ээси / Владелец", content.holder_name),
        ("ЖИН / ПИН", content.holder_id),
    ]
    if english:
        keys = ("number", "issued", "valid", "holder", "pin")
        rows = [
            (f"{label} / {ENGLISH[key]}", value)
            for key, (label, value) in zip(keys, rows, strict=True)
        ]
    for index, (label, value) in enumerate(rows):
        _row(pdf, label, value, shaded=index % 2 == 0)
    pdf.ln(6)


def _claims(pdf: FPDF, content: PdfContent) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_text_color(*INK)
    heading = "Маалыматтар / Сведения"
    if content.english:
        heading += f" / {ENGLISH['claims']}"
    pdf.cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, pdf.get_y(), PAGE_WIDTH - MARGIN, pdf.get_y())
    pdf.ln(1)
    for index, claim in enumerate(content.claims):
        labels = claim.get("labels") or {}
        label = _both(labels, content.english) if labels else str(claim.get("name", ""))
        _row(pdf, label, _value(claim.get("value"), content.english), shaded=index % 2 == 1)
    pdf.ln(8)


def _qr_image(payload: str) -> io.BytesIO:
    """The QR code as a 1-bit PNG, 4 pixels a module (crisp even where a viewer smooths).

    The mask is fixed: segno otherwise scores all eight masks (ISO 18004's penalty rules),
    which took three quarters of the QR's time (~15-25 ms a document). Any mask is valid; the
    scoring only avoids patterns that can trouble poor readers, and the read-back test decodes
    the rendered page at 150 and 300 dpi with this mask."""
    code = segno.make(payload, error="m", micro=False, mask=QR_MASK)
    image = io.BytesIO()
    code.save(image, kind="png", scale=4, border=0)
    image.seek(0)
    return image


def _caption(content: PdfContent) -> tuple[str, ...]:
    """The heading, then one paragraph a language."""
    url = content.verify_url
    english = (
        (
            f"Scan the QR code or upload this file at {url} on the Kagazsyz portal: the "
            "document's authenticity, validity and that it was not revoked are checked.",
        )
        if content.english
        else ()
    )
    heading = "Документти текшерүү / Проверка документа"
    if content.english:
        heading += f" / {ENGLISH['verify']}"
    return (
        heading,
        "QR-кодду сканерлеңиз же бул файлды Кагазсыз порталынын "
        f"{url} барагына жүктөңүз: документтин чындыгы, мөөнөтү жана "
        "жокко чыгарылбаганы текшерилет.",
        f"Отсканируйте QR-код или загрузите этот файл на странице {url} "
        "портала Кагазсыз: будут проверены подлинность документа, срок действия "
        "и отсутствие отзыва.",
        *english,
    )


def _verification(pdf: FPDF, content: PdfContent) -> None:
    """The QR code, and beside it how to verify the document, in both languages."""
    if pdf.will_page_break(QR_SIZE + 4):
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(_qr_image(content.qr_payload), MARGIN, y, QR_SIZE, QR_SIZE)
    text_x = MARGIN + QR_SIZE + 8
    width = PAGE_WIDTH - MARGIN - text_x
    heading, *paragraphs = _caption(content)
    pdf.set_text_color(*INK)
    lines = _lines(pdf, "B", 10, width, heading)
    _print_lines(pdf, text_x, y, lines, "B", 10)
    text_y = y + len(lines) * LINE + 2
    pdf.set_text_color(*MUTED)
    for paragraph in paragraphs:
        lines = _lines(pdf, "", 9, width, paragraph)
        _print_lines(pdf, text_x, text_y, lines, "", 9)
        text_y += len(lines) * LINE + 2
    pdf.set_xy(MARGIN, max(text_y, y + QR_SIZE) + 4)


def _metadata(pdf: FPDF, content: PdfContent) -> None:
    pdf.set_title(f"{content.titles.get('ky', '')} {content.number}".strip())
    pdf.set_subject(content.titles.get("ru", ""))
    pdf.set_author(content.agency_names.get("ky", ""))
    pdf.set_creator("Kagazsyz")
    pdf.set_producer("Kagazsyz")
    pdf.set_lang("ky")
    pdf.set_creation_date(content.issued_at)


def render_pdf(content: PdfContent) -> bytes:
    """The unsigned PDF of a document."""
    pdf = _new_pdf()
    pdf.footer_text = _footer_text(content)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + 12)
    _metadata(pdf, content)
    pdf.add_page()
    _header(pdf, content)
    _title(pdf, content)
    _facts(pdf, content)
    _claims(pdf, content)
    _verification(pdf, content)
    return bytes(pdf.output())

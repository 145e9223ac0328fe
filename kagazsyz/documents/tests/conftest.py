"""Documents made once per module where the test needs no database row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kagazsyz.documents import keys
from kagazsyz.documents.pdf import PdfContent, render_pdf
from kagazsyz.documents.qr import encode_qr
from kagazsyz.documents.signing import sign_pdf

HOLDER_PIN = "21505198012345"
HOLDER_NAME = "Үсөнбаев Нурлан Бакытович"
AGENCY_NAMES = {
    "ky": "Кыргыз Республикасынын Ички иштер министрлиги",
    "ru": "Министерство внутренних дел Кыргызской Республики",
    "en": "Ministry of Internal Affairs",
}
TITLES = {
    "ky": "Соттолгондугу/соттолбогондугу тууралуу маалымкат",
    "ru": "Справка о наличии/отсутствии судимости",
    "en": "Certificate of (no) criminal record",
}
DOC_TYPE = "criminal-record-certificate"
CLAIMS: list[dict[str, Any]] = [
    {
        "name": "full_name",
        "labels": {"ky": "Аты-жөнү", "ru": "ФИО", "en": "Full name"},
        "value": HOLDER_NAME,
    },
    {
        "name": "birth_date",
        "labels": {"ky": "Туулган күнү", "ru": "Дата рождения", "en": "Date of birth"},
        "value": "1980-05-15",
    },
    {
        "name": "has_criminal_record",
        "labels": {"ky": "Соттуулугу бар", "ru": "Наличие судимости", "en": "Has a record"},
        "value": False,
    },
    {
        "name": "purpose",
        "labels": {"ky": "Максаты", "ru": "Цель", "en": "Purpose"},
        "value": "Жумушка орношуу (Ңң Өө Үү)",
    },
]


@dataclass(frozen=True)
class Made:
    pdf: bytes
    payload: str
    number: str
    key_id: str


def claim_values(claims: list[dict[str, Any]]) -> dict[str, Any]:
    return {claim["name"]: claim["value"] for claim in claims}


def make_document(
    *,
    agency: str = "MVD",
    number: str = "D-2026-TEST000001",
    claims: list[dict[str, Any]] | None = None,
    issued_at: dt.datetime | None = None,
    validity_days: int | None = 90,
    payload: str | None = None,
) -> Made:
    """A signed PDF made without the database (no Document row)."""
    claims = CLAIMS if claims is None else claims
    signer = keys.signing_key_for(agency)
    issued = (issued_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    until = issued + dt.timedelta(days=validity_days) if validity_days else None
    payload = payload or encode_qr(
        signer=signer,
        issuer=agency,
        number=number,
        doc_type=DOC_TYPE,
        claims=claim_values(claims),
        issued_at=issued,
        expires_at=until,
    )
    content = PdfContent(
        number=number,
        titles=TITLES,
        agency_names=AGENCY_NAMES,
        holder_name=HOLDER_NAME,
        holder_id=HOLDER_PIN,
        issued_at=issued,
        valid_until=until,
        claims=claims,
        qr_payload=payload,
    )
    pdf = sign_pdf(render_pdf(content), signer=signer, qr_payload=payload)
    return Made(pdf=pdf, payload=payload, number=number, key_id=signer.key_id)


@pytest.fixture(scope="module")
def made() -> Made:
    return make_document()


@pytest.fixture
def other_pki(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A second, unrelated PKI in its own key directory (an impostor's)."""
    original = settings.KEYS_DIR
    keys.reset_cache()
    settings.KEYS_DIR = tmp_path / "keys"
    yield settings.KEYS_DIR
    keys.reset_cache()
    settings.KEYS_DIR = original

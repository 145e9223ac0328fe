"""Officials' log-in: Argon2 password and RFC 6238 TOTP, each code once; roles in the ledger."""

from __future__ import annotations

import base64

import pytest

from kagazsyz.accounts.models import Role, User
from kagazsyz.accounts.services import official_login, official_role_grant, totp_enrol
from kagazsyz.accounts.totp import STEP_SECONDS, hotp, totp_code, totp_match
from kagazsyz.core.errors import DomainError
from kagazsyz.ledger.models import Entry

SHA1_KEY = b"12345678901234567890"
SHA256_KEY = b"12345678901234567890123456789012"
SHA512_KEY = b"1234567890" * 6 + b"1234"
# RFC 6238, Appendix B: time, then the 8-digit codes for SHA-1, SHA-256 and SHA-512.
RFC_6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
PASSWORD = "demo-Kagazsyz-2026"
NOW = 1_790_000_000.0


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), RFC_6238)
def test_totp_matches_the_rfc_6238_test_vectors(
    unix_time: int, sha1: str, sha256: str, sha512: str
) -> None:
    step = unix_time // STEP_SECONDS
    assert hotp(SHA1_KEY, step, digits=8, algorithm="sha1") == sha1
    assert hotp(SHA256_KEY, step, digits=8, algorithm="sha256") == sha256
    assert hotp(SHA512_KEY, step, digits=8, algorithm="sha512") == sha512


def test_six_digit_codes_from_a_base32_secret_allow_one_step_of_drift() -> None:
    secret = base64.b32encode(SHA1_KEY).decode()
    assert totp_code(secret, 59) == "287082"
    assert totp_match(secret, "287082", 59 + STEP_SECONDS) == 1
    assert totp_match(secret, "287082", 59 + 2 * STEP_SECONDS) is None
    assert totp_match(secret, "28708", 59) is None
    assert totp_match(secret, "abcdef", 59) is None
    # Digits Python calls digits but HMAC comparison cannot take: refused, not a traceback.
    assert totp_match(secret, "٢٨٧٠٨٢", 59) is None
    assert totp_match(secret, "²²²²²²", 59) is None


@pytest.fixture
def enrolled(db: object) -> tuple[User, str]:
    user = User.objects.create_user("20101198090099", PASSWORD, full_name="Official")
    official_role_grant(user=user, agency_code="DRN", role=Role.OFFICIAL)
    return user, totp_enrol(user=user)


def test_an_official_logs_in_with_password_and_code_and_it_is_recorded(
    enrolled: tuple[User, str],
) -> None:
    user, secret = enrolled
    assert user.password.startswith("argon2")
    logged_in = official_login(
        personal_number=user.personal_number,
        password=PASSWORD,
        code=totp_code(secret, NOW),
        unix_time=NOW,
    )
    assert logged_in == user
    assert Entry.objects.filter(kind="official.logged_in").count() == 1


@pytest.mark.parametrize("fault", ["password", "code", "replay", "person", "no_role"])
def test_every_wrong_factor_gets_the_same_refusal(enrolled: tuple[User, str], fault: str) -> None:
    user, secret = enrolled
    arguments = {
        "personal_number": user.personal_number,
        "password": PASSWORD,
        "code": totp_code(secret, NOW),
        "unix_time": NOW,
    }
    if fault == "password":
        arguments["password"] = "wrong-password-1"
    elif fault == "code":
        arguments["code"] = totp_code(secret, NOW + 300)
    elif fault == "replay":
        official_login(**arguments)  # type: ignore[arg-type]
    elif fault == "person":
        arguments["personal_number"] = "20101198090098"
    else:
        user.official_roles.all().delete()
    with pytest.raises(DomainError) as raised:
        official_login(**arguments)  # type: ignore[arg-type]
    assert (raised.value.code, raised.value.status) == ("invalid_credentials", 401)


def test_five_failures_in_a_row_lock_the_account_for_a_while(enrolled: tuple[User, str]) -> None:
    from kagazsyz.accounts.models import TotpDevice

    user, secret = enrolled
    for _ in range(5):
        with pytest.raises(DomainError):
            official_login(
                personal_number=user.personal_number,
                password=PASSWORD,
                code="000000",
                unix_time=NOW,
            )
    assert Entry.objects.filter(kind="official.login_locked").count() == 1
    with pytest.raises(DomainError):
        official_login(
            personal_number=user.personal_number,
            password=PASSWORD,
            code=totp_code(secret, NOW),
            unix_time=NOW,
        )
    TotpDevice.objects.filter(user=user).update(locked_until=None)
    assert official_login(
        personal_number=user.personal_number,
        password=PASSWORD,
        code=totp_code(secret, NOW),
        unix_time=NOW,
    )

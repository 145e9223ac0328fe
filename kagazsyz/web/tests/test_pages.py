"""The citizen's pages, server-rendered and usable without JavaScript."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kagazsyz.applications.models import Application
from kagazsyz.tasks.worker import run_until_empty

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    "ky": "Төрөлгөндөн",
    "ru": "от рождения",
    "en": "from birth",
}


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_home_lists_services_by_life_event_in_each_language(client: Client, language: str) -> None:
    response = client.get(f"/?lang={language}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert HOME_HEADINGS[language].lower() in html.lower()
    assert html.count('href="/services/') == 56


def test_kyrgyz_is_the_default(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ky">' in html


def test_language_choice_is_remembered(client: Client) -> None:
    client.get("/?lang=ru")
    assert '<html lang="ru">' in client.get("/services/WORK-04/").content.decode()


def test_service_page_says_what_is_fetched_fee_and_deadline(client: Client) -> None:
    html = client.get("/services/WORK-04/?lang=en").content.decode()
    assert "Taxpayer account" in html
    assert "free of charge" in html
    assert "at once" in html


def test_unknown_service_page_is_404(client: Client) -> None:
    assert client.get("/services/NOPE-01/").status_code == 404


def _find(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


def _login(client: Client, personal_number: str) -> None:
    response = client.post("/login/", {"personal_number": personal_number})
    assert response.status_code == 302


def test_apply_and_download_in_the_browser_flow(client: Client, citizen) -> None:
    _login(client, citizen.personal_number)
    form = client.get("/services/WORK-04/apply/?lang=en").content.decode()
    key = _find(r'name="idempotency_key" value="([0-9a-f]+)"', form)
    response = client.post(
        "/services/WORK-04/apply/", {"presented_to": "Bank", "idempotency_key": key}
    )
    assert response.status_code == 302
    waiting = client.get(response["Location"] + "?lang=en").content.decode()
    assert "Submitted" in waiting and 'http-equiv="refresh"' in waiting
    run_until_empty()
    page = client.get(response["Location"] + "?lang=en").content.decode()
    assert "Document issued" in page and 'http-equiv="refresh"' not in page
    pdf_url = _find(r'href="(/documents/[0-9a-f-]+/pdf/)"', page)
    assert client.get(pdf_url).content.startswith(b"%PDF")
    documents = client.get("/documents/?lang=ru").content.decode()
    assert "Справка об отсутствии налоговой задолженности" in documents
    # The same form sent again makes no second application.
    client.post("/services/WORK-04/apply/", {"presented_to": "Bank", "idempotency_key": key})
    run_until_empty()
    assert Application.objects.filter(citizen=citizen).count() == 1


def test_form_errors_are_shown_next_to_the_field(client: Client, citizen) -> None:
    _login(client, citizen.personal_number)
    response = client.post(
        "/services/WORK-04/apply/?lang=en", {"presented_to": "<script>x</script>"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "must not contain" in html
    assert "<script>x</script>" not in html


def test_login_errors_are_localized(client: Client) -> None:
    response = client.post("/login/?lang=ru", {"personal_number": "31505198012345"})
    assert response.status_code == 422
    assert "Первая цифра ПИН" in response.content.decode()


def test_pages_need_login_and_hide_other_peoples_things(
    client: Client, citizen, other_citizen
) -> None:
    assert client.get("/applications/")["Location"].startswith("/login/")
    _login(client, citizen.personal_number)
    client.post("/services/HOME-03/apply/", {"idempotency_key": "a1"})
    run_until_empty()
    application = Application.objects.get(citizen=citizen)
    client.post("/logout/")
    _login(client, other_citizen.personal_number)
    assert client.get(f"/applications/{application.pk}/").status_code == 404


def test_verify_page_checks_a_qr_text(client: Client, citizen, submit) -> None:
    from kagazsyz.documents.models import Document

    submit(citizen=citizen, service_code="HOME-03", answers={})
    qr = Document.objects.get(holder=citizen).qr_payload
    html = client.post("/verify?lang=en", {"qr": qr}).content.decode()
    assert "VALID" in html
    assert "<dt>Registered since</dt>" in html  # claims shown with their labels, not their names
    russian = client.post("/verify?lang=ru", {"qr": qr}).content.decode()
    assert "<dt>Адрес</dt>" in russian
    html = client.post("/verify?lang=en", {"qr": qr[:-3] + "AAA"}).content.decode()
    assert "INVALID" in html


def _views(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_page_declares_who_may_use_it() -> None:
    """Deny by default: a web view with no declaration fails this test."""
    undeclared = []
    api_operations = 0
    for route, view in _views(get_resolver()):
        if route.startswith("api/"):
            api_operations += 1  # django-ninja: the API's default auth is the bearer token
            continue
        if getattr(view, "access", None) not in {"public", "citizen", "official", "oversight"}:
            undeclared.append(route)
    assert undeclared == []
    assert api_operations > 0


def test_api_operations_without_auth_are_the_known_public_ones() -> None:
    from kagazsyz.api.v1 import api

    public = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if operation.auth_param is None:
                    public.add(f"{','.join(operation.methods)} {prefix}{path}")
    assert public == {
        "POST /sandbox/login",
        "GET /services",
        "GET /services/{code}",
        "POST /verify",
        "GET /ledger/tree-head",
        "GET /ledger/proof/inclusion",
        "GET /ledger/proof/consistency",
        "GET /ledger/entries",
        "GET /ledger/public-key",
        "GET /status-list",
        "GET /trust-list",
        "POST /payments/callback/{provider}",
    }


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_service_page_renders(client: Client, language: str) -> None:
    from django.utils.html import escape

    from kagazsyz.catalog.loader import get_catalog

    for code, service in get_catalog().services.items():
        response = client.get(f"/services/{code}/?lang={language}")
        assert response.status_code == 200, code
        assert escape(service.names.get(language)) in response.content.decode()


def test_every_interface_text_is_translated() -> None:
    from pathlib import Path

    from django.utils import translation

    locale = Path(__file__).resolve().parents[2] / "locale"
    for language in ("ky", "ru"):
        po = (locale / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        entries = po.split("\n\n")[1:]
        untranslated = [
            e for e in entries if 'msgstr ""' in e.split("\n")[-1] and "msgid_plural" not in e
        ]
        assert untranslated == [], language
        with translation.override(language):
            assert translation.gettext("Verify a document") != "Verify a document"


def test_application_page_links_to_inclusion_proofs(client: Client, citizen, submit) -> None:
    from kagazsyz.ledger.tree import ledger_sequence, tree_head_latest

    application = submit(citizen=citizen, service_code="HOME-03", answers={})
    ledger_sequence()
    tree_head_latest()
    client.post("/login/", {"personal_number": citizen.personal_number})
    html = client.get(f"/applications/{application.pk}/?lang=en").content.decode()
    assert "Proof in the public log" in html
    links = re.findall(
        r'href="(/api/v1/ledger/proof/inclusion\?index=\d+&amp;tree_size=\d+)"', html
    )
    assert links, html
    proof = client.get(links[0].replace("&amp;", "&")).json()
    assert set(proof) == {"leaf_index", "tree_size", "leaf_hash", "audit_path"}

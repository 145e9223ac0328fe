"""/verify: works without JavaScript; the camera scan is an enhancement that starts hidden."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from kagazsyz.documents.tests.conftest import Made


@pytest.mark.django_db
def test_the_camera_button_is_hidden_until_the_script_finds_a_detector(client: Client) -> None:
    page = client.get("/verify").content.decode()
    assert '<div id="scan" hidden' in page  # nothing to click for browsers without the API
    assert "documents/scan.js" in page
    assert '<form method="post" enctype="multipart/form-data">' in page
    script = finders.find("documents/scan.js")
    assert script is not None
    with open(str(script), encoding="utf-8") as handle:
        source = handle.read()
    assert '"BarcodeDetector" in window' in source and "box.hidden = false" in source


@pytest.mark.django_db
def test_pasted_qr_text_verifies_without_javascript(client: Client, made: Made) -> None:
    response = client.post("/verify", {"qr": made.payload})
    assert response.context["verdict"]["code"] == "VALID"
    assert response.context["verdict"]["selective"] is False

"""The deadline sweep through the task queue, and the demo officials a tester logs in with."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

from django.core.management import call_command
from django.test import Client

from kagazsyz.accounts.totp import totp_code
from kagazsyz.applications.models import Application
from kagazsyz.office.demo import DEMO_PASSWORD
from kagazsyz.office.models import Escalation
from kagazsyz.tasks.worker import run_until_empty


def test_the_scheduled_sweep_escalates_a_breached_case_through_the_queue(
    review_case: Application,
) -> None:
    Application.objects.filter(pk=review_case.pk).update(due_on=dt.date(2026, 1, 5))
    call_command("office", "escalate", stdout=io.StringIO())
    call_command("office", "escalate", stdout=io.StringIO())  # joins the open task
    assert run_until_empty() == 1
    assert Escalation.objects.get(application=review_case).due_on == dt.date(2026, 1, 5)


def test_demo_logins_print_officials_who_can_log_in_with_the_printed_secret(db: object) -> None:
    out = io.StringIO()
    call_command("demo", "logins", stdout=out)
    rows = re.findall(r"^\s+DRN\s+(\w+)\s+(\d{14})\s+TOTP ([A-Z2-7]+)$", out.getvalue(), re.M)
    assert [role for role, _, _ in rows] == ["official", "official", "supervisor"]
    _, personal_number, secret = rows[2]
    again = io.StringIO()
    call_command("demo", "logins", stdout=again)  # idempotent: the same people and secrets
    assert secret in again.getvalue()
    client = Client()
    form = {
        "personal_number": personal_number,
        "password": DEMO_PASSWORD,
        "code": totp_code(secret, time.time()),
    }
    assert client.post("/office/login/", form).status_code == 302
    assert client.get("/office/supervisor/").status_code == 200
    code = io.StringIO()
    call_command("office", "totp", personal_number, stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())

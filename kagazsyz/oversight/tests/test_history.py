from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from kagazsyz.applications.models import Application, Transition
from kagazsyz.ledger.models import Entry
from kagazsyz.oversight.history import history_generate
from kagazsyz.oversight.selectors import Period, indicators
from kagazsyz.oversight.signals import signals


def test_history_is_marked_kept_out_of_the_ledger_and_shows_on_the_scoreboard(db) -> None:
    ledger_before = Entry.objects.count()
    today = dt.date(2026, 11, 26)
    written = history_generate(count=3000, today=today, seed=7)
    assert 2800 < written < 3200
    assert Entry.objects.count() == ledger_before  # the ledger records only what happened
    demo = Application.objects.filter(number__startswith="DEMO-")
    assert demo.count() == written
    assert not demo.filter(submitted_at__date__gte=today).exists()  # history ends yesterday
    assert Transition.objects.filter(application__in=demo, to_status="submitted").count() == written
    weekend = demo.filter(submitted_at__week_day__in=[1, 7]).count()
    assert 0 < weekend < written * 2 / 7  # people apply less at weekends
    call_command("oversight", "refresh", "--full", verbosity=0)
    year = indicators(period=Period(today - dt.timedelta(days=366), today))
    assert year.submitted == written
    assert 0.5 < (year.auto_share or 0) < 1
    assert year.breaches > 0 and year.overdue_now > 0
    assert isinstance(signals(period=Period(today - dt.timedelta(days=366), today)), list)


def test_history_command_leaves_existing_history_alone(db, capsys) -> None:
    call_command("oversight", "history", "--count", "300")
    first = Application.objects.count()
    call_command("oversight", "history", "--count", "300")
    assert Application.objects.count() == first
    assert "already present" in capsys.readouterr().out


def test_plan_command(capsys) -> None:
    call_command("oversight", "plan")
    assert "covers every catalogue service" in capsys.readouterr().out

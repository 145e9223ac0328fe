from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from pydantic import ValidationError

from kagazsyz.catalog.loader import get_catalog
from kagazsyz.oversight.aggregates import aggregates_refresh
from kagazsyz.oversight.plan import PLAN_FILE, get_plan, plan_load
from kagazsyz.oversight.selectors import plan_problems, plan_progress, service_standings
from kagazsyz.oversight.tests.cases import application, at


def test_plan_covers_exactly_the_56_catalogue_services() -> None:
    planned = [target.code for target in get_plan().services]
    assert len(planned) == len(set(planned)) == 56
    assert set(planned) == set(get_catalog().services)
    assert plan_problems() == []


def test_every_invented_target_is_marked_assumed() -> None:
    assert all(target.assumed for target in get_plan().services)
    assert "ASSUMED" in get_plan().source


def test_a_bad_plan_fails_with_the_field(tmp_path: Path) -> None:
    text = PLAN_FILE.read_text(encoding="utf-8").replace("target: online", "target: someday", 1)
    bad = tmp_path / "plan.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match="target"):
        plan_load(bad)


def test_standing_is_computed_from_what_the_platform_did(citizen) -> None:
    today = timezone.localdate()
    day = (today - dt.timedelta(days=3)).isoformat()
    # ID-01 is planned "online"; all its decisions by officials: it stays at "online".
    application(citizen=citizen, service="ID-01", agency="DRN", deadline=12, submitted=at(day),
                decided=at(day, 12), status="issued", decider="official:x")  # fmt: skip
    # BIR-07 is planned "proactive": one application started by the platform, decided by the rule.
    application(citizen=citizen, service="BIR-07", agency="MZ", deadline=1, submitted=at(day),
                decided=at(day, 12), status="issued", started_by="system")  # fmt: skip
    aggregates_refresh(since=today - dt.timedelta(days=10), until=today)
    standings = {s.code: s for s in service_standings(today=today)}
    assert standings["ID-01"].reached == "online" and standings["ID-01"].auto_share == 0.0
    assert standings["BIR-07"].reached == "proactive" and standings["BIR-07"].met
    # A service with no decisions yet is live (the catalogue serves it) but not automatic.
    assert standings["WORK-04"].reached == "online"
    assert standings["WORK-04"].target == "automatic"
    progress = plan_progress(list(standings.values()), today)
    assert progress.services == 56 and progress.online == 56 and progress.proactive == 1

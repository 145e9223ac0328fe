"""A hypothesis state machine over the application's states and the back office's actions.

Whatever the order of approvals, refusals, questions, answers, reassignments, four-eyes
proposals and withdrawals, and whoever tries them: final states stay final, every change of
state is a transition row chained to the one before and a ledger entry, an action succeeds only
for someone allowed to take it, and an open case is always with an official of its agency.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from kagazsyz.accounts.models import OfficialRole, Role, User
from kagazsyz.accounts.services import citizen_sandbox_login
from kagazsyz.applications.models import Application, Status
from kagazsyz.applications.services import application_submit, application_transition
from kagazsyz.applications.states import FINAL
from kagazsyz.applications.tests.answers import answers_for
from kagazsyz.core.errors import DomainError
from kagazsyz.ledger.models import Entry
from kagazsyz.office import services
from kagazsyz.office.models import ProposalStatus, RefusalProposal
from kagazsyz.office.tests.conftest import make_official
from kagazsyz.registries.models import SandboxResident
from kagazsyz.tasks.worker import run_until_empty

PEOPLE = ("official_a", "official_b", "supervisor", "foreign", "citizen")


class BackOffice(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.finals: dict[Any, str] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize()
    def people(self) -> None:
        resident = SandboxResident.objects.order_by("personal_number").first()
        assert resident is not None
        self.people_by_name: dict[str, User] = {
            "official_a": make_official(201),
            "official_b": make_official(202),
            "supervisor": make_official(203, role=Role.SUPERVISOR),
            "foreign": make_official(204, agency="GNS"),
            "citizen": citizen_sandbox_login(personal_number=resident.personal_number),
        }

    def _fresh(self, case: Application) -> Application:
        return Application.objects.get(pk=case.pk)

    def _may_decide(self, who: str, case: Application) -> bool:
        person = self.people_by_name[who]
        return who == "supervisor" or (
            who.startswith("official") and case.assigned_to_id == person.pk
        )

    def _open_proposal(self, case: Application) -> RefusalProposal | None:
        return case.refusal_proposals.filter(status=ProposalStatus.OPEN).first()

    def _attempt(self, allowed: bool, action: Any) -> bool:
        try:
            action()
        except DomainError:
            assert not allowed, "an allowed action was refused"
            return False
        assert allowed, "a forbidden action succeeded"
        return True

    @rule(target=cases, code=st.sampled_from(["BIR-02", "BIR-01"]))
    def submit(self, code: str) -> Application:
        citizen = self.people_by_name["citizen"]
        application = application_submit(
            citizen=citizen, service_code=code, answers=answers_for(code, citizen)
        )
        run_until_empty()
        return self._fresh(application)

    @rule(case=cases, who=st.sampled_from(PEOPLE))
    def approve(self, case: Application, who: str) -> None:
        case = self._fresh(case)
        allowed = (
            self._may_decide(who, case)
            and case.status == Status.IN_REVIEW
            and self._open_proposal(case) is None
        )
        self._attempt(
            allowed,
            lambda: services.case_approve(
                official=self.people_by_name[who], application_id=case.pk
            ),
        )

    @rule(case=cases, who=st.sampled_from(PEOPLE), code=st.sampled_from(["not_eligible", "bad"]))
    def refuse(self, case: Application, who: str, code: str) -> None:
        case = self._fresh(case)
        four_eyes = case.service_code == "BIR-01"
        allowed = (
            self._may_decide(who, case)
            and case.status == Status.IN_REVIEW
            and code != "bad"
            and (not four_eyes or self._open_proposal(case) is None)
        )
        act = services.refusal_propose if four_eyes else services.case_refuse
        self._attempt(
            allowed,
            lambda: act(
                official=self.people_by_name[who],
                application_id=case.pk,
                reason_code=code,
                text="Түшүндүрмө.",
            ),
        )

    @rule(case=cases, who=st.sampled_from(PEOPLE), confirm=st.booleans())
    def second_look(self, case: Application, who: str, confirm: bool) -> None:
        case = self._fresh(case)
        proposal = self._open_proposal(case)
        if proposal is None:
            return
        person = self.people_by_name[who]
        allowed = (
            who in {"official_a", "official_b", "supervisor"}
            and proposal.proposed_by_id != person.pk
            and (not confirm or case.status == Status.IN_REVIEW)
        )
        if confirm:
            self._attempt(
                allowed,
                lambda: services.refusal_confirm(official=person, proposal_id=proposal.pk),
            )
        else:
            self._attempt(
                allowed,
                lambda: services.refusal_reject(
                    official=person, proposal_id=proposal.pk, note="Жок."
                ),
            )

    @rule(case=cases, who=st.sampled_from(PEOPLE))
    def ask(self, case: Application, who: str) -> None:
        case = self._fresh(case)
        allowed = (
            self._may_decide(who, case)
            and case.status == Status.IN_REVIEW
            and self._open_proposal(case) is None
        )
        self._attempt(
            allowed,
            lambda: services.information_request(
                official=self.people_by_name[who], application_id=case.pk, question="Ким?"
            ),
        )

    @rule(case=cases, who=st.sampled_from(["citizen", "official_a"]))
    def answer(self, case: Application, who: str) -> None:
        case = self._fresh(case)
        allowed = who == "citizen" and case.status == Status.INFORMATION_REQUESTED
        self._attempt(
            allowed,
            lambda: services.information_answer(
                citizen=self.people_by_name[who], application_id=case.pk, text="Атам."
            ),
        )

    @rule(
        case=cases,
        who=st.sampled_from(PEOPLE),
        to=st.sampled_from(["official_a", "official_b", "supervisor"]),
    )
    def reassign(self, case: Application, who: str, to: str) -> None:
        case = self._fresh(case)
        target_user = self.people_by_name[to]
        allowed = (
            who == "supervisor"
            and case.status in {Status.IN_REVIEW, Status.INFORMATION_REQUESTED}
            and to != "supervisor"
            and case.assigned_to_id != target_user.pk
        )
        self._attempt(
            allowed,
            lambda: services.case_reassign(
                supervisor=self.people_by_name[who],
                application_id=case.pk,
                official_id=target_user.pk,
                reason="Жүк.",
            ),
        )

    @rule(case=cases)
    def withdraw(self, case: Application) -> None:
        def move() -> None:
            with transaction.atomic():
                locked = Application.objects.select_for_update().get(pk=case.pk)
                application_transition(application=locked, target=Status.WITHDRAWN, actor="citizen")

        status = self._fresh(case).status
        self._attempt(status not in FINAL and status != Status.APPROVED, move)

    @invariant()
    def final_states_stay_final(self) -> None:
        for pk, status in self.finals.items():
            assert Application.objects.get(pk=pk).status == status
        for case in Application.objects.filter(status__in=FINAL):
            self.finals.setdefault(case.pk, case.status)

    @invariant()
    def every_change_is_a_chained_transition_and_a_ledger_entry(self) -> None:
        for case in Application.objects.prefetch_related("transitions"):
            steps = list(case.transitions.all())
            assert steps[0].from_status == "" and steps[0].to_status == Status.SUBMITTED
            for before, after in pairwise(steps):
                assert after.from_status == before.to_status
            assert steps[-1].to_status == case.status
            logged = Entry.objects.filter(ref=case.number, kind="application.transition").count()
            assert logged == len(steps) - 1

    @invariant()
    def open_cases_are_with_an_official_of_their_agency(self) -> None:
        # Only the staffed agency's cases: an issued birth starts follow-up applications at
        # other agencies (the journeys app), which have no officials in this machine.
        staffed = set(
            OfficialRole.objects.filter(role=Role.OFFICIAL).values_list("agency_code", flat=True)
        )
        open_cases = Application.objects.filter(
            status__in=[Status.IN_REVIEW, Status.INFORMATION_REQUESTED], agency_code__in=staffed
        )
        for case in open_cases:
            assert case.assigned_to is not None
            assert case.assigned_to.official_roles.filter(
                agency_code=case.agency_code, role=Role.OFFICIAL
            ).exists()
            assert case.assignments.last().official_id == case.assigned_to_id  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_back_office_state_machine() -> None:
    run_state_machine_as_test(
        BackOffice,
        settings=settings(
            max_examples=12,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

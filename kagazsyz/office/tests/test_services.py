from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kagazsyz.accounts.models import Role, User
from kagazsyz.applications.models import Application, Assignment, Status, Transition
from kagazsyz.applications.tests.answers import answers_for
from kagazsyz.core.errors import DomainError
from kagazsyz.documents.models import Document
from kagazsyz.ledger.models import Entry
from kagazsyz.office import selectors, services
from kagazsyz.office.models import Escalation, ProposalStatus
from kagazsyz.office.tests.conftest import make_official
from kagazsyz.registries.models import DataAccess
from kagazsyz.registries.selectors import data_access_for_subject


def _code(error: pytest.ExceptionInfo[DomainError]) -> tuple[str, int]:
    return error.value.code, error.value.status


def test_a_case_entering_review_is_assigned_to_an_official_of_its_agency(
    review_case: Application, official: User
) -> None:
    assignment = Assignment.objects.get(application=review_case)
    assert assignment.official == official
    assert assignment.assigned_by is None
    assert Entry.objects.filter(ref=review_case.number, kind="application.assigned").exists()


def test_the_least_loaded_official_gets_the_next_case(
    citizen: User, official: User, submit
) -> None:
    first = submit(citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen))
    assert first.assigned_to == official
    newcomer = make_official(5)
    second = submit(citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen))
    assert second.assigned_to == newcomer


def test_without_an_eligible_official_the_case_waits_on_the_supervisors_page(
    citizen: User, supervisor: User, foreign_official: User, submit
) -> None:
    application = submit(
        citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen)
    )
    assert application.status == Status.IN_REVIEW
    assert application.assigned_to is None
    assert list(selectors.unassigned_cases(agency_code="DRN")) == [application]


def test_the_assigned_official_approves_and_the_document_is_issued(
    review_case: Application, official: User
) -> None:
    application = services.case_approve(official=official, application_id=review_case.pk)
    assert application.status == Status.ISSUED
    assert Document.objects.filter(source_ref=str(review_case.pk)).exists()
    assert Transition.objects.filter(
        application=review_case, to_status=Status.APPROVED, actor=f"official:{official.pk}"
    ).exists()


@pytest.mark.parametrize("who", ["second_official", "foreign_official", "citizen"])
def test_nobody_but_the_assigned_official_or_a_supervisor_may_decide(
    review_case: Application, who: str, request: pytest.FixtureRequest
) -> None:
    intruder = request.getfixturevalue(who)
    attempts: list[Callable[[], object]] = [
        lambda: services.case_approve(official=intruder, application_id=review_case.pk),
        lambda: services.case_refuse(
            official=intruder,
            application_id=review_case.pk,
            reason_code="not_eligible",
            text="No.",
        ),
        lambda: services.information_request(
            official=intruder, application_id=review_case.pk, question="Why?"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as raised:
            attempt()
        assert raised.value.status == (403 if who == "second_official" else 404)
    review_case.refresh_from_db()
    assert review_case.status == Status.IN_REVIEW


def test_a_supervisor_may_decide_any_case_of_the_agency(
    review_case: Application, supervisor: User
) -> None:
    application = services.case_refuse(
        official=supervisor,
        application_id=review_case.pk,
        reason_code="pin_already_assigned",
        text="Ээсинин макулдугу тиркелген эмес.",
    )
    assert application.status == Status.REJECTED
    assert application.refusal_code == "pin_already_assigned"
    assert application.decision_reason is not None
    assert application.decision_reason["ru"].startswith("Этому человеку ПИН уже присвоен.")
    assert application.decision_reason["ru"].endswith("Ээсинин макулдугу тиркелген эмес.")


def test_a_refusal_needs_a_code_of_the_service_and_a_text(
    review_case: Application, official: User
) -> None:
    with pytest.raises(DomainError) as raised:
        services.case_refuse(
            official=official, application_id=review_case.pk, reason_code="bribe", text="x"
        )
    assert _code(raised) == ("unknown_reason", 422)
    with pytest.raises(DomainError) as raised:
        services.case_refuse(
            official=official, application_id=review_case.pk, reason_code="not_eligible", text=" "
        )
    assert _code(raised) == ("invalid_text", 422)


def test_a_decided_case_cannot_be_decided_again(review_case: Application, official: User) -> None:
    services.case_approve(official=official, application_id=review_case.pk)
    with pytest.raises(DomainError) as raised:
        services.case_refuse(
            official=official, application_id=review_case.pk, reason_code="not_eligible", text="x"
        )
    assert _code(raised) == ("not_in_review", 409)


def test_a_question_waits_for_the_citizen_and_the_answer_returns_the_case_to_its_official(
    review_case: Application, official: User, citizen: User, other_citizen: User
) -> None:
    services.information_request(
        official=official, application_id=review_case.pk, question="Үйдүн ээси ким?"
    )
    review_case.refresh_from_db()
    assert review_case.status == Status.INFORMATION_REQUESTED
    assert review_case.decision_reason == {"ky": "Үйдүн ээси ким?"} | {
        "ru": "Үйдүн ээси ким?",
        "en": "Үйдүн ээси ким?",
    }
    question = selectors.open_information_request(review_case)
    assert question is not None
    assert question.question == "Үйдүн ээси ким?"
    with pytest.raises(DomainError) as raised:
        services.information_answer(citizen=other_citizen, application_id=review_case.pk, text="Me")
    assert raised.value.status == 404
    make_official(6)  # a new, idle colleague must not take the case over
    application = services.information_answer(
        citizen=citizen, application_id=review_case.pk, text="Атам."
    )
    assert application.status == Status.IN_REVIEW
    assert application.assigned_to_id == official.pk
    assert Assignment.objects.filter(application=review_case).count() == 1
    assert selectors.open_information_request(review_case) is None
    with pytest.raises(DomainError) as raised:
        services.information_answer(citizen=citizen, application_id=review_case.pk, text="Again")
    assert _code(raised) == ("not_waiting", 409)


def test_a_four_eyes_refusal_takes_a_second_official(
    four_eyes_case: Application, official: User, second_official: User
) -> None:
    with pytest.raises(DomainError) as raised:
        services.case_refuse(
            official=official,
            application_id=four_eyes_case.pk,
            reason_code="birth_not_confirmed",
            text="x",
        )
    assert _code(raised) == ("four_eyes_required", 409)
    proposal = services.refusal_propose(
        official=official,
        application_id=four_eyes_case.pk,
        reason_code="birth_not_confirmed",
        text="Ысымда сан бар.",
    )
    with pytest.raises(DomainError) as raised:
        services.refusal_confirm(official=official, proposal_id=proposal.pk)
    assert _code(raised) == ("own_proposal", 403)
    with pytest.raises(DomainError) as raised:
        services.case_approve(official=official, application_id=four_eyes_case.pk)
    assert _code(raised) == ("refusal_proposed", 409)
    assert selectors.case_for_official(official=second_official, application_id=four_eyes_case.pk)
    application = services.refusal_confirm(official=second_official, proposal_id=proposal.pk)
    assert application.status == Status.REJECTED
    assert application.refusal_code == "birth_not_confirmed"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.CONFIRMED, second_official)
    kinds = set(Entry.objects.filter(ref=four_eyes_case.number).values_list("kind", flat=True))
    assert {"refusal.proposed", "refusal.confirmed"} <= kinds


def test_a_rejected_proposal_leaves_the_case_in_review(
    four_eyes_case: Application,
    official: User,
    second_official: User,
    foreign_official: User,
) -> None:
    proposal = services.refusal_propose(
        official=official,
        application_id=four_eyes_case.pk,
        reason_code="data_mismatch",
        text="Маалымат дал келбейт.",
    )
    with pytest.raises(DomainError) as raised:
        services.refusal_reject(official=foreign_official, proposal_id=proposal.pk, note="no")
    assert raised.value.status == 404
    services.refusal_reject(official=second_official, proposal_id=proposal.pk, note="Дал келет.")
    with pytest.raises(DomainError) as raised:
        services.refusal_confirm(official=second_official, proposal_id=proposal.pk)
    assert _code(raised) == ("proposal_closed", 409)
    four_eyes_case.refresh_from_db()
    assert four_eyes_case.status == Status.IN_REVIEW
    assert services.case_approve(official=official, application_id=four_eyes_case.pk)


def test_a_supervisor_reassigns_with_a_reason_and_it_is_recorded(
    review_case: Application, official: User, supervisor: User
) -> None:
    colleague = make_official(7)
    with pytest.raises(DomainError) as raised:
        services.case_reassign(
            supervisor=official, application_id=review_case.pk, official_id=colleague.pk, reason="x"
        )
    assert _code(raised) == ("not_supervisor", 403)
    with pytest.raises(DomainError) as raised:
        services.case_reassign(
            supervisor=supervisor,
            application_id=review_case.pk,
            official_id=colleague.pk,
            reason="",
        )
    assert _code(raised) == ("invalid_text", 422)
    with pytest.raises(DomainError) as raised:
        services.case_reassign(
            supervisor=supervisor,
            application_id=review_case.pk,
            official_id=supervisor.pk,
            reason="to myself",
        )
    assert _code(raised) == ("not_an_official", 422)
    services.case_reassign(
        supervisor=supervisor,
        application_id=review_case.pk,
        official_id=colleague.pk,
        reason="Кызматкер ооруп калды.",
    )
    review_case.refresh_from_db()
    assert review_case.assigned_to == colleague
    last = Assignment.objects.filter(application=review_case).last()
    assert last is not None
    assert (last.official, last.assigned_by, last.reason) == (
        colleague,
        supervisor,
        "Кызматкер ооруп калды.",
    )
    with pytest.raises(DomainError) as raised:
        services.case_approve(official=official, application_id=review_case.pk)
    assert _code(raised) == ("not_assigned", 403)


def test_an_officials_look_at_a_case_is_shown_to_the_citizen(
    review_case: Application, official: User, citizen: User
) -> None:
    access = services.case_view_record(official=official, application=review_case)
    entries = list(data_access_for_subject(personal_number=citizen.personal_number))
    assert access in entries
    assert (access.requester_kind, access.requester_agency) == ("official", "DRN")
    assert DataAccess.objects.filter(legal_basis="BIR-02", requester_kind="official").count() == 1


def test_breached_deadlines_are_escalated_once(
    review_case: Application, official: User, citizen: User
) -> None:
    assert review_case.due_on is not None
    late = review_case.due_on + dt.timedelta(days=1)
    assert services.breaches_escalate(today=review_case.due_on) == 0
    assert selectors.application_breached(review_case, today=late)
    assert services.breaches_escalate(today=late) == 1
    assert services.breaches_escalate(today=late) == 0
    escalation = Escalation.objects.get(application=review_case)
    assert escalation.agency_code == "DRN"
    assert list(selectors.breaches(agency_code="DRN", today=late)) == [review_case]
    assert list(selectors.breaches_for_citizen(citizen=citizen, today=late)) == [review_case]
    assert Entry.objects.filter(ref=review_case.number, kind="application.escalated").exists()
    services.case_approve(official=official, application_id=review_case.pk)
    assert not selectors.breaches(agency_code="DRN", today=late).exists()


def test_team_load_counts_open_and_overdue_cases(review_case: Application, official: User) -> None:
    assert review_case.due_on is not None
    loads = selectors.team_load(agency_code="DRN", today=review_case.due_on + dt.timedelta(days=1))
    assert [(load.official, load.open_cases, load.overdue) for load in loads] == [(official, 1, 1)]


def test_an_inactive_official_is_not_assigned(citizen: User, submit) -> None:
    make_official(8).__class__.objects.filter(personal_number="20101198090008").update(
        is_active=False
    )
    active = make_official(9)
    application = submit(
        citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen)
    )
    assert application.assigned_to == active


def test_a_revoked_role_is_a_ledger_event(official: User) -> None:
    from kagazsyz.accounts.services import official_role_revoke

    assert official_role_revoke(user=official, agency_code="DRN", role=Role.OFFICIAL)
    assert Entry.objects.filter(kind="official.role_revoked").exists()
    assert Entry.objects.filter(kind="official.role_granted").exists()


def test_the_queue_pages_merge_both_open_statuses_by_due_date(citizen: User, db: object) -> None:
    official = make_official(12)
    today = dt.date(2026, 11, 26)
    Application.objects.bulk_create(
        Application(
            number=f"KG-2095-{n:06d}",
            citizen=citizen,
            service_code="BIR-02",
            service_version=1,
            agency_code="DRN",
            status=Status.IN_REVIEW if n % 3 else Status.INFORMATION_REQUESTED,
            submitted_at=timezone.now(),
            due_on=today + dt.timedelta(days=(n * 7) % 23 - 5),
            assigned_to=official,
        )
        for n in range(23)
    )
    expected = sorted(
        Application.objects.filter(assigned_to=official), key=lambda a: (a.due_on, str(a.pk))
    )
    pages = [selectors.queue_page(official=official, number=n, size=10) for n in (1, 2, 3)]
    assert [case.pk for page in pages for case in page.cases] == [case.pk for case in expected]
    assert (pages[0].pages, pages[0].has_previous, pages[2].has_next) == (3, False, False)
    assert selectors.queue_page(official=official, number=99, size=10).number == 3


def test_a_waiting_case_goes_to_the_first_official_who_appears(
    citizen: User, supervisor: User, submit
) -> None:
    application = submit(
        citizen=citizen, service_code="BIR-02", answers=answers_for("BIR-02", citizen)
    )
    assert application.assigned_to is None
    assert services.unassigned_cases_assign() == 0
    newcomer = make_official(13)
    assert services.unassigned_cases_assign() == 1
    application.refresh_from_db()
    assert application.assigned_to == newcomer
    assert not selectors.unassigned_cases(agency_code="DRN").exists()

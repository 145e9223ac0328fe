"""A stateful test: random requests, runs, crashes, rollbacks and waits never lose or double work."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kagazsyz.tasks.models import OPEN_STATUSES, Task, TaskStatus
from kagazsyz.tasks.services import task_enqueue
from kagazsyz.tasks.tests import sample
from kagazsyz.tasks.worker import claim, run_next, run_until_empty

OUTCOMES = st.sampled_from(["ok", "error", "permanent", "retry"])


class _Rollback(Exception):
    pass


class Queue(RuleBasedStateMachine):
    """Work is identified by a token; asking again for a token's work uses its dedupe key."""

    def __init__(self) -> None:
        super().__init__()
        sample.reset()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.clock = timezone.now()  # enqueue stamps run_after with the real time
        self.tokens: list[str] = []
        self.requests: dict[str, int] = {}  # committed requests per token
        self.runs_before_last_request: dict[str, int] = {}

    def _request(self, token: str) -> None:
        with transaction.atomic():
            task_enqueue("tests.scripted", dedupe_key=f"work:{token}", token=token)
        self.requests[token] = self.requests.get(token, 0) + 1
        self.runs_before_last_request[token] = sample.RUNS[token]

    @rule(plan=st.lists(OUTCOMES, min_size=1, max_size=4))
    def request_new_work(self, plan: list[str]) -> None:
        token = f"t{len(self.tokens)}"
        sample.PLANS[token] = plan
        self.tokens.append(token)
        self._request(token)

    @precondition(lambda self: self.tokens)
    @rule(data=st.data())
    def request_again(self, data: st.DataObject) -> None:
        self._request(data.draw(st.sampled_from(self.tokens)))

    @precondition(lambda self: self.tokens)
    @rule(data=st.data())
    def request_rolled_back(self, data: st.DataObject) -> None:
        token = data.draw(st.sampled_from(self.tokens))
        before = list(Task.objects.order_by("pk").values())
        try:
            with transaction.atomic():
                task_enqueue("tests.scripted", dedupe_key=f"work:{token}", token=token)
                raise _Rollback
        except _Rollback:
            pass
        assert list(Task.objects.order_by("pk").values()) == before

    @rule()
    def run_one(self) -> None:
        run_next("worker", now=self.clock)

    @rule()
    def crash_after_claiming(self) -> None:
        claim("doomed", now=self.clock)

    @rule(seconds=st.integers(min_value=1, max_value=400))
    def wait(self, seconds: int) -> None:
        self.clock += dt.timedelta(seconds=seconds)

    @invariant()
    def one_open_task_per_work_and_no_phantoms(self) -> None:
        for token in self.tokens:
            tasks = Task.objects.filter(arguments__token=token)
            assert tasks.filter(status__in=OPEN_STATUSES).count() <= 1
            assert tasks.exists() == (token in self.requests)

    @invariant()
    def never_doubled(self) -> None:
        for token, successes in sample.SUCCESSES.items():
            assert successes <= self.requests[token]
        for task in Task.objects.all():
            assert task.attempts <= task.max_attempts

    def teardown(self) -> None:
        try:
            for _ in range(60):
                if not Task.objects.filter(status__in=OPEN_STATUSES).exists():
                    break
                self.clock += dt.timedelta(seconds=1000)
                run_until_empty(now=self.clock)
            assert not Task.objects.filter(status__in=OPEN_STATUSES).exists()
            for token in self.requests:
                # Never lost: a run started after the last request, or the work failed visibly.
                latest = Task.objects.filter(arguments__token=token).latest("pk")
                ran_after = sample.RUNS[token] > self.runs_before_last_request[token]
                assert ran_after or latest.status == TaskStatus.FAILED, token
                if latest.status == TaskStatus.FAILED:
                    assert latest.last_error
        finally:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)
            sample.reset()


@pytest.mark.django_db
def test_the_queue_never_loses_or_doubles_work() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        Queue,
        settings=settings(
            max_examples=60,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

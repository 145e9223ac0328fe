"""Signals, not verdicts: officials whose numbers stand far out from their peers' in the same agency.

Three rules (docs/oversight.md gives the reasoning):

* Refusal rate, adjusted for the service mix. An official's expected refusals are
  sum over services of (their decisions of the service x the refusal rate of their agency's other
  officials for that service). z = (observed - expected) / sqrt(sum of n p (1 - p)). A signal when
  z >= Z_REFUSALS and the official decided at least MIN_DECISIONS cases (so the normal
  approximation of this binomial test holds and small numbers do not accuse anyone). With many
  officials tested at once, chance alone would flag some: the threshold is raised to the
  Bonferroni bound for a family-wise false-alarm rate of FAMILY_ALPHA when that is higher.
* Holding time: the official's mean working days to decision divided by the mean their agency's
  other officials take for the same services (mix-adjusted ratio), compared with the ratios of all
  the agency's officials by a robust z-score, (x - median) / (1.4826 x MAD), or with
  1.2533 x the mean absolute deviation when more than half the values are equal (MAD = 0); a
  signal at >= Z_ROBUST (Iglewicz and Hoaglin's 3.5) with at least MIN_PEERS officials in the
  agency, and only when the official is also MIN_RATIO times the peers' median: a tight team
  makes tiny differences statistically large, and a signal must matter in practice too.
* Data access: looks at personal data per decided case, same robust z-score and ratio.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from kagazsyz.accounts.models import User
from kagazsyz.oversight.models import OfficialDay
from kagazsyz.oversight.selectors import Period

MIN_DECISIONS = 30
MIN_PEERS = 4
Z_REFUSALS = 3.0
FAMILY_ALPHA = 0.01
Z_ROBUST = 3.5
MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533
MIN_RATIO = 1.5


@dataclass(frozen=True)
class Signal:
    official_id: uuid.UUID
    official_name: str
    agency: str
    kind: str  # "refusals", "holding" or "data_access"
    value: float  # refusal rate, holding ratio or looks per case
    peers: float  # what peers would show for the same work
    score: float  # z or robust z
    decisions: int


@dataclass
class _Work:
    agency: str
    by_service: dict[str, list[int]]  # service -> [decided, refused, working days sum]
    accesses: int = 0

    @property
    def decided(self) -> int:
        return sum(item[0] for item in self.by_service.values())


def _work(period: Period) -> dict[uuid.UUID, _Work]:
    rows = (
        OfficialDay.objects.filter(period.filter())
        .values_list("official_id", "agency_code", "service_code")
        .annotate(Sum("decided"), Sum("refused"), Sum("working_days_sum"), Sum("data_accesses"))
        .order_by()
    )
    work: dict[uuid.UUID, _Work] = {}
    for official, agency, service, decided, refused, days, accesses in rows:
        found = work.setdefault(official, _Work(agency, defaultdict(lambda: [0, 0, 0])))
        item = found.by_service[service]
        item[0] += decided or 0
        item[1] += refused or 0
        item[2] += days or 0
        found.accesses += accesses or 0
    return work


def _others(work: dict[uuid.UUID, _Work], official: uuid.UUID, service: str) -> list[int]:
    """Decisions, refusals and working days of the same agency's other officials on a service."""
    agency = work[official].agency
    total = [0, 0, 0]
    for other, found in work.items():
        if other != official and found.agency == agency and service in found.by_service:
            for index, value in enumerate(found.by_service[service]):
                total[index] += value
    return total


def refusal_z(work: dict[uuid.UUID, _Work], official: uuid.UUID) -> tuple[float, float] | None:
    """(expected refusal rate, z) of a binomial test against peers, adjusted for service mix."""
    expected = variance = 0.0
    for service, (decided, _, _) in work[official].by_service.items():
        peers_decided, peers_refused, _ = _others(work, official, service)
        if not peers_decided or not decided:
            continue
        rate = peers_refused / peers_decided
        expected += decided * rate
        variance += decided * rate * (1 - rate)
    if variance <= 0:
        return None
    observed = sum(item[1] for item in work[official].by_service.values())
    decided = work[official].decided
    return expected / decided, (observed - expected) / math.sqrt(variance)


def holding_ratio(work: dict[uuid.UUID, _Work], official: uuid.UUID) -> float | None:
    """Own working days / the working days peers would have taken for the same cases."""
    own = expected = 0.0
    for service, (decided, _, days) in work[official].by_service.items():
        peers_decided, _, peers_days = _others(work, official, service)
        if not peers_decided or not decided:
            continue
        own += days
        expected += decided * peers_days / peers_decided
    return own / expected if expected > 0 else None


def robust_z(value: float, population: list[float]) -> float | None:
    """(value - median) / (1.4826 * MAD); None when the spread is zero or the group too small."""
    if len(population) < MIN_PEERS:
        return None
    median = statistics.median(population)
    mad = statistics.median(abs(item - median) for item in population)
    if mad > 0:
        return (value - median) / (MAD_TO_SIGMA * mad)
    mean_ad = statistics.fmean(abs(item - median) for item in population)
    return (value - median) / (MEAN_AD_TO_SIGMA * mean_ad) if mean_ad > 0 else None


def refusal_threshold(tested: int) -> float:
    """Z_REFUSALS, or the one-sided Bonferroni bound for ``tested`` officials when higher."""
    if tested <= 1:
        return Z_REFUSALS
    return max(Z_REFUSALS, statistics.NormalDist().inv_cdf(1 - FAMILY_ALPHA / tested))


def signals(*, period: Period) -> list[Signal]:
    work = _work(period)
    eligible = [o for o, found in work.items() if found.decided >= MIN_DECISIONS]
    threshold = refusal_threshold(len(eligible))
    names = dict(User.objects.filter(pk__in=eligible).values_list("pk", "full_name"))
    found: list[Signal] = []
    for official in eligible:
        own = work[official]
        refusals = refusal_z(work, official)
        observed = sum(item[1] for item in own.by_service.values()) / own.decided
        if refusals and refusals[1] >= threshold:
            found.append(
                Signal(official, names.get(official, ""), own.agency, "refusals", observed,
                       refusals[0], refusals[1], own.decided)
            )  # fmt: skip
    found += _robust(work, eligible, names)
    return sorted(found, key=lambda signal: -signal.score)


def _robust(
    work: dict[uuid.UUID, _Work], eligible: list[uuid.UUID], names: dict[uuid.UUID, str]
) -> list[Signal]:
    found = []
    by_agency: dict[str, list[uuid.UUID]] = defaultdict(list)
    for official in eligible:
        by_agency[work[official].agency].append(official)
    for officials in by_agency.values():
        measures: dict[str, dict[uuid.UUID, float | None]] = {
            "holding": {o: holding_ratio(work, o) for o in officials},
            "data_access": {o: work[o].accesses / work[o].decided for o in officials},
        }
        for kind, values in measures.items():
            known = {o: v for o, v in values.items() if v is not None}
            population = list(known.values())
            median = statistics.median(population) if population else 0.0
            for official, value in known.items():
                score = robust_z(value, population)
                if score is not None and score >= Z_ROBUST and value >= MIN_RATIO * median:
                    found.append(
                        Signal(official, names.get(official, ""), work[official].agency, kind,
                               value, median, score, work[official].decided)
                    )  # fmt: skip
    return found

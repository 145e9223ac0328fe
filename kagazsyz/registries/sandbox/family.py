"""Families of synthetic residents: who is born to whom, who marries, divorces, dies, lives where.

A *clan* is the unit of generation: a couple whose own parents are not in the sandbox, their
children, the people those children marry, and so on down the generations. Every family link
points inside the clan, so a clan can be generated, turned into datasets and forgotten, which
keeps memory flat however many residents are made.

All randomness comes from the one ``random.Random`` passed in; dates are computed from the given
``today`` only.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

from kagazsyz.core.personal_number import make_personal_number
from kagazsyz.registries.sandbox import names
from kagazsyz.registries.sandbox.places import (
    APARTMENT_SHARE,
    BISHKEK_MICRODISTRICTS,
    CAPITAL,
    CAPITAL_LOCALITIES,
    LOCALITIES,
    OSH,
    Locality,
    streets_of,
)

YEAR_DAYS = 365.2425
_from_ordinal = dt.date.fromordinal
OLDEST_LIVING = 95  # the sandbox's population ends at 95
_FIRST_BIRTH = dt.date(1901, 1, 1)  # personal numbers start in 1900
_EARLIEST_BIRTH = _FIRST_BIRTH.toordinal()
T = TypeVar("T")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return dt.date(day.year + years, day.month, day.day)
    except ValueError:
        return dt.date(day.year + years, 2, 28)


def days_after(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days`` (negative: earlier); much faster than adding a timedelta."""
    return _from_ordinal(day.toordinal() + days)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def scattered_numbers(rng: random.Random, modulus: int) -> Iterator[int]:
    """Distinct numbers below ``modulus`` in a scattered order: the n-th is (a·n + b) mod modulus.

    With ``a`` coprime to the modulus the map is a bijection, so numbers never repeat and no set of
    used numbers has to be kept.
    """
    multiplier = rng.randrange(modulus // 3, modulus)
    while math.gcd(multiplier, modulus) != 1:
        multiplier += 1
    offset = rng.randrange(modulus)
    for count in range(modulus):
        yield (multiplier * count + offset) % modulus
    raise OverflowError("all numbers of this sequence are used")


# object code, kind, address, СОАТЕ, registered on, encumbered
EstateObject = tuple[str, str, str, str, str, bool]


@dataclass(slots=True, eq=False)
class Household:
    """A dwelling and the living people registered at it."""

    locality: Locality
    street: str
    house: str
    flat: str | None
    since: dt.date
    owners: list[Person] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)
    # Filled by the dataset builder the first time an owner is described.
    properties: list[EstateObject] | None = None

    @property
    def apartment(self) -> bool:
        return self.flat is not None


@dataclass(slots=True, eq=False)
class Marriage:
    number: str
    date: dt.date
    husband: Person
    wife: Person
    dissolved_on: dt.date | None = None
    divorced: bool = False

    def partner_of(self, person: Person) -> Person:
        return self.wife if person is self.husband else self.husband


@dataclass(slots=True, eq=False)
class Person:
    pin: str
    sex: str
    birth: dt.date
    ethnicity: str
    surname: str
    given: str
    patronymic: str
    citizenship: str = "KGZ"
    death: dt.date | None = None
    mother: Person | None = None
    father: Person | None = None
    children: list[Person] = field(default_factory=list)
    marriages: list[Marriage] = field(default_factory=list)
    name_changes: list[tuple[dt.date, str]] = field(default_factory=list)
    home: Household | None = None
    moved_in: dt.date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given} {self.patronymic}"

    @property
    def spouse(self) -> Person | None:
        """The partner of a marriage that has not ended (by divorce or death)."""
        for marriage in self.marriages:
            if marriage.dissolved_on is None:
                return marriage.partner_of(self)
        return None


def _cumulative(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


# Age of the oldest man of a clan, in bands (from, to, weight). Tuned so that the whole population
# follows the Kyrgyz pyramid: a third are children, about 5% are over 65.
_ROOT_AGE_BANDS = (
    (24, 30, 9.0), (30, 40, 15.0), (40, 50, 15.0), (50, 60, 10.0), (60, 70, 7.5),
    (70, 80, 5.5), (80, 90, 3.5), (90, 100, 1.5),
)  # fmt: skip
_ROOT_AGE_CUMULATIVE = _cumulative([weight for _, _, weight in _ROOT_AGE_BANDS])
_ETHNICITIES = (names.KYRGYZ, names.UZBEK, names.RUSSIAN)
_ETHNICITY_CUMULATIVE = _cumulative([0.80, 0.14, 0.06])
# Foreign residents' citizenship, by the name tradition they were given.
_FOREIGN_CITIZENSHIPS = {
    names.KYRGYZ: ("KAZ", "TUR", "CHN"),
    names.UZBEK: ("UZB", "TJK"),
    names.RUSSIAN: ("RUS", "KAZ"),
}
_LOCALITY_CUMULATIVE = _cumulative([place.weight for place in LOCALITIES])
_CAPITAL_CUMULATIVE = _cumulative([place.weight for place in CAPITAL_LOCALITIES])
# Uzbek families live mostly in the south, Russian ones mostly in the north.
_SOUTH = tuple(
    place for place in LOCALITIES if place.oblast.key in {"osh", "osh_city", "jalal_abad", "batken"}
)
_NORTH = tuple(
    place for place in LOCALITIES if place.oblast.key in {"bishkek", "chui", "issyk_kul"}
)
_SOUTH_CUMULATIVE = _cumulative([place.weight for place in _SOUTH])
_NORTH_CUMULATIVE = _cumulative([place.weight for place in _NORTH])


def _mortality(age: int, sex: str) -> float:
    """Chance that someone born ``age`` years ago has died: the sandbox's own rough life table."""
    if age < 18:
        return 0.0  # the sandbox has no child deaths
    if age < 30:
        base = 0.002
    elif age < 45:
        base = 0.012
    elif age < 55:
        base = 0.035
    elif age < 65:
        base = 0.09
    elif age < 75:
        base = 0.17
    elif age < 85:
        base = 0.38
    else:
        base = 0.65
    return base * (1.35 if sex == "M" else 0.7)


class FamilyMaker:
    """Makes clans of people with consistent family links, households and civil-status acts."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self._random = rng.random  # the one source of randomness, bound once for speed
        self.today = today
        self.today_ordinal = today.toordinal()
        self._serials: dict[tuple[str, dt.date], tuple[str, int]] = {}
        self._act_numbers = scattered_numbers(rng, 10_000_000)
        self._clan: list[Person] = []
        self._in_laws: list[Marriage] = []

    # ---------------------------------------------------------------- small random helpers

    def _pick(self, options: Sequence[T]) -> T:
        return options[int(self._random() * len(options))]

    def _weighted(self, options: Sequence[T], cumulative: list[float]) -> T:
        return options[bisect_right(cumulative, self._random() * cumulative[-1])]

    def _day_between(self, first: dt.date, last: dt.date) -> dt.date:
        start = first.toordinal()
        return dt.date.fromordinal(start + int(self._random() * (last.toordinal() - start + 1)))

    def _birth_for_age(self, years: float) -> dt.date:
        """A birth date of someone ``years`` old today (a random day within that year of age)."""
        days = int((years + self._random()) * YEAR_DAYS)
        return dt.date.fromordinal(max(self.today_ordinal - days, _EARLIEST_BIRTH))

    def _act_number(self) -> str:
        return str(next(self._act_numbers))

    # ---------------------------------------------------------------- people

    def _personal_number(self, sex: str, birth: dt.date) -> str:
        """A PIN whose serial is unique among people of the same sex and birth date."""
        key = (sex, birth)
        known = self._serials.get(key)
        if known is None:
            serial = 1 + int(self._random() * 300)
            pin = make_personal_number(sex=sex, birth_date=birth, serial=serial)
            self._serials[key] = (pin[:9], serial)
            return pin
        # Later people born that day reuse the sex-and-date prefix: formatting the date is slow.
        prefix, serial = known
        serial += 1 + int(self._random() * 9)
        if serial > 99_999:
            raise OverflowError(f"no serial left for {prefix}")
        self._serials[key] = (prefix, serial)
        return f"{prefix}{serial:05d}"

    def _given_name(self, sex: str, ethnicity: str, birth: dt.date) -> str:
        if ethnicity == names.KYRGYZ:
            old = birth.year < 1975
            if sex == "M":
                return self._pick(names.KYRGYZ_MALE_OLD if old else names.KYRGYZ_MALE_NEW)
            return self._pick(names.KYRGYZ_FEMALE_OLD if old else names.KYRGYZ_FEMALE_NEW)
        if ethnicity == names.UZBEK:
            return self._pick(names.UZBEK_MALE if sex == "M" else names.UZBEK_FEMALE)
        return self._pick(names.RUSSIAN_MALE_NAMES if sex == "M" else names.RUSSIAN_FEMALE)

    def _patronymic(self, father_name: str, sex: str, ethnicity: str, birth: dt.date) -> str:
        # The Kyrgyz "уулу / кызы" form came back after independence.
        if ethnicity == names.KYRGYZ and self._random() < (0.45 if birth.year >= 1992 else 0.12):
            return names.kyrgyz_patronymic(father_name, sex)
        return names.russian_style_patronymic(father_name, sex)

    def _person(
        self,
        sex: str,
        birth: dt.date,
        ethnicity: str,
        *,
        surname: str | None = None,
        father_name: str | None = None,
    ) -> Person:
        """Someone whose parents may be outside the sandbox (then their names are invented)."""
        if surname is None:
            surname = self._pick(names.SURNAMES[ethnicity])
        if father_name is None:
            older = dt.date(birth.year - 30, 1, 1) if birth.year > 1930 else birth
            father_name = self._given_name("M", ethnicity, older)
        person = Person(
            pin=self._personal_number(sex, birth),
            sex=sex,
            birth=birth,
            ethnicity=ethnicity,
            surname=names.surname_for(surname, sex),
            given=self._given_name(sex, ethnicity, birth),
            patronymic=self._patronymic(father_name, sex, ethnicity, birth),
        )
        self._clan.append(person)
        return person

    def _child(self, marriage: Marriage, birth: dt.date) -> Person:
        father, mother = marriage.husband, marriage.wife
        sex = "M" if self._random() < 0.51 else "F"
        family_name = father.surname
        if father.ethnicity == names.KYRGYZ and self._random() < 0.12:
            family_name = names.surname_from_given(father.given)  # Бакыт → Бакытов
        child = self._person(
            sex, birth, father.ethnicity, surname=family_name, father_name=father.given
        )
        child.mother, child.father = mother, father
        mother.children.append(child)
        father.children.append(child)
        return child

    # ---------------------------------------------------------------- marriages and children

    def _marry(self, husband: Person, wife: Person, day: dt.date) -> Marriage:
        marriage = Marriage(number=self._act_number(), date=day, husband=husband, wife=wife)
        husband.marriages.append(marriage)
        wife.marriages.append(marriage)
        takes_name = 0.9 if wife.ethnicity == names.RUSSIAN else 0.55
        if wife.surname != husband.surname + "а" and self._random() < takes_name:
            wife.name_changes.append((day, wife.full_name))
            wife.surname = names.feminine_surname(husband.surname)
        if self._random() < 0.07:
            divorce = add_years(day, 2 + int(self._random() * 14))
            if divorce < self.today:
                marriage.dissolved_on, marriage.divorced = divorce, True
        return marriage

    def _children_wanted(self, mother: Person) -> int:
        roll = self._random()
        if mother.ethnicity == names.RUSSIAN:
            return 1 if roll < 0.45 else 2 if roll < 0.9 else 3
        if mother.birth.year < 1965:
            return 3 + int(roll * 4)  # 3..6
        return 2 + int(roll * 3.2)  # 2..5, mostly 2-4

    def _raise_children(self, marriage: Marriage) -> None:
        mother = marriage.wife
        last_day = self.today if marriage.dissolved_on is None else marriage.dissolved_on
        too_old = add_years(mother.birth, 43)
        if too_old < last_day:
            last_day = too_old
        birth = days_after(marriage.date, 280 + int(self._random() * 500))
        for _ in range(self._children_wanted(mother)):
            if birth > last_day:
                break
            child = self._child(marriage, birth)
            self._grow_up(child)
            birth = days_after(birth, 500 + int(self._random() * 1100))

    def _grow_up(self, child: Person) -> None:
        """A child of the clan may marry someone from outside it and have children in turn."""
        if self._random() < 0.08:
            return  # never marries
        wedding_age = (19 if child.sex == "F" else 22) + self._random() * 8
        wedding = days_after(child.birth, int(wedding_age * YEAR_DAYS))
        if wedding >= self.today:
            return
        # Husbands are older by up to six years; wives are at least 18 at the wedding.
        gap_days = int(self._random() * 6 * YEAR_DAYS)
        ethnicity = child.ethnicity if self._random() < 0.92 else self._ethnicity()
        if child.sex == "M":
            gap_days = min(gap_days, max(int((wedding_age - 18.2) * YEAR_DAYS), 0))
            partner = self._outsider("F", days_after(child.birth, gap_days), ethnicity)
            marriage = self._marry(child, partner, wedding)
        else:
            partner = self._outsider("M", days_after(child.birth, -gap_days), ethnicity)
            marriage = self._marry(partner, child, wedding)
        self._raise_children(marriage)

    def _outsider(self, sex: str, birth: dt.date, ethnicity: str) -> Person:
        """Someone who marries into the clan, often with parents of their own in the sandbox.

        The parents (in-laws) have no other children here; they give the population its share of
        elderly people, since every young person has two pairs of parents.
        """
        if self._random() >= 0.45:
            return self._person(sex, birth, ethnicity)
        father_birth = days_after(birth, -int((23 + self._random() * 12) * YEAR_DAYS))
        father = self._person("M", max(father_birth, _FIRST_BIRTH), ethnicity)
        mother_birth = days_after(father.birth, int(self._random() * 5 * YEAR_DAYS))
        mother_birth = min(mother_birth, days_after(birth, -int(18.5 * YEAR_DAYS)))
        mother = self._person("F", mother_birth, ethnicity)
        wedding = days_after(birth, -(300 + int(self._random() * 4 * YEAR_DAYS)))
        wedding = max(wedding, add_years(mother.birth, 18), add_years(father.birth, 18))
        parents = self._marry(father, mother, wedding)
        if parents.dissolved_on is not None and parents.dissolved_on <= birth:
            parents.dissolved_on, parents.divorced = None, False  # not divorced before the birth
        child = self._person(
            sex, birth, ethnicity, surname=father.surname, father_name=father.given
        )
        child.mother, child.father = mother, father
        mother.children.append(child)
        father.children.append(child)
        self._in_laws.append(parents)
        return child

    # ---------------------------------------------------------------- deaths

    def _last_event(self, person: Person) -> dt.date:
        last = person.birth
        for marriage in person.marriages:
            last = max(last, marriage.date)
        for child in person.children:
            last = max(last, child.birth)
        for day, _ in person.name_changes:
            last = max(last, day)
        return last

    def _apply_deaths(self) -> None:
        recent = dt.date.fromordinal(self.today_ordinal - int(25 * YEAR_DAYS))
        yesterday = dt.date.fromordinal(self.today_ordinal - 1)
        for person in self._clan:
            age = age_on(person.birth, self.today)
            if age <= OLDEST_LIVING and self._random() >= _mortality(age, person.sex):
                continue
            earliest = max(days_after(self._last_event(person), 1), recent)
            if earliest > yesterday:
                if age > OLDEST_LIVING:  # nobody in the sandbox lives past 95
                    earliest = yesterday
                else:
                    continue
            person.death = self._day_between(earliest, yesterday)
            for marriage in person.marriages:
                if marriage.dissolved_on is None or marriage.dissolved_on > person.death:
                    marriage.dissolved_on, marriage.divorced = person.death, False

    # ---------------------------------------------------------------- households

    def _ethnicity(self) -> str:
        return self._weighted(_ETHNICITIES, _ETHNICITY_CUMULATIVE)

    def _home_place(self, ethnicity: str) -> Locality:
        if ethnicity == names.UZBEK:
            return self._weighted(_SOUTH, _SOUTH_CUMULATIVE)
        if ethnicity == names.RUSSIAN:
            return self._weighted(_NORTH, _NORTH_CUMULATIVE)
        return self._weighted(LOCALITIES, _LOCALITY_CUMULATIVE)

    def _place_to_move(self, home: Locality) -> Locality:
        """Where a grown-up child sets up home: mostly nearby, else the capital or Osh."""
        roll = self._random()
        if roll < 0.78:
            return home
        if roll < 0.9:
            return self._weighted(CAPITAL_LOCALITIES, _CAPITAL_CUMULATIVE)
        if roll < 0.93:
            return OSH
        return self._weighted(LOCALITIES, _LOCALITY_CUMULATIVE)

    def _household(self, place: Locality, since: dt.date, owners: list[Person]) -> Household:
        flat: str | None = None
        if place.kind == CAPITAL and self._random() < 0.25:
            street = self._pick(BISHKEK_MICRODISTRICTS)
            house = str(1 + int(self._random() * 60))
            flat = str(1 + int(self._random() * 120))
        else:
            street = self._pick(streets_of(place))
            if self._random() < APARTMENT_SHARE[place.kind]:
                house = str(1 + int(self._random() * 250))
                flat = str(1 + int(self._random() * 140))
            else:
                house = str(1 + int(self._random() * 180))
                if self._random() < 0.1:
                    house += self._pick(("а", "б", "/1", "/2"))
        owns = self._random() < (0.72 if flat is not None else 0.93)
        return Household(
            locality=place,
            street=street,
            house=house,
            flat=flat,
            since=since,
            owners=owners if owns else [],
        )

    def _register(self, person: Person, household: Household, since: dt.date) -> None:
        person.home = household
        person.moved_in = max(since, person.birth, household.since)
        if person.death is None:
            household.members.append(person)
        elif person.moved_in > person.death:
            person.moved_in = person.death  # the home was set up just after they died

    def _settle_pair(
        self, marriage: Marriage, household: Household, husband_since: dt.date
    ) -> Household:
        """Register a couple at ``household``; return where their children live."""
        husband, wife = marriage.husband, marriage.wife
        self._register(husband, household, husband_since)
        if marriage.divorced and marriage.dissolved_on is not None:
            # After a divorce the mother moves out with the children.
            mothers_home = self._household(household.locality, marriage.dissolved_on, [wife])
            self._register(wife, mothers_home, marriage.dissolved_on)
            return mothers_home
        self._register(wife, household, marriage.date)
        return household

    def _settle_couple(
        self, marriage: Marriage, household: Household, husband_since: dt.date
    ) -> None:
        husband = marriage.husband
        children_home = self._settle_pair(marriage, household, husband_since)
        youngest_son = next(
            (child for child in reversed(husband.children) if child.sex == "M"), None
        )
        for child in husband.children:
            self._settle_child(child, children_home, youngest=child is youngest_son)

    def _settle_child(self, child: Person, parents_home: Household, *, youngest: bool) -> None:
        own = next(iter(child.marriages), None)
        if own is not None:
            # The youngest son (кенже) traditionally stays in his parents' home with his family.
            stays = youngest and child.sex == "M" and self._random() < 0.6
            if stays:
                self._settle_couple(own, parents_home, child.birth)
            else:
                place = self._place_to_move(parents_home.locality)
                self._settle_couple(
                    own, self._household(place, own.date, [own.husband, own.wife]), own.date
                )
            return
        adult = add_years(child.birth, 18)
        last_day = self.today if child.death is None else child.death
        if adult < last_day and self._random() < 0.15:
            # Students and young workers register on their own, mostly in the capital.
            place = self._place_to_move(parents_home.locality)
            since = self._day_between(adult, last_day)
            self._register(child, self._household(place, since, [child]), since)
            return
        self._register(child, parents_home, child.birth)

    # ---------------------------------------------------------------- clans

    def _root_age(self) -> float:
        low, high, _ = self._weighted(_ROOT_AGE_BANDS, _ROOT_AGE_CUMULATIVE)
        return float(low + self._random() * (high - low))

    def clan(self) -> list[Person]:
        """One clan: a couple (or a single adult) and all of their descendants' families."""
        self._clan = []
        self._in_laws = []
        ethnicity = self._ethnicity()
        home = self._home_place(ethnicity)
        if self._random() < 0.04:
            return self._single(ethnicity, home)
        husband = self._person("M", self._birth_for_age(self._root_age()), ethnicity)
        # The wife is up to six years younger and married at 18.5-26.5, before today.
        wife_birth = days_after(husband.birth, int(self._random() * 6 * YEAR_DAYS))
        wife_birth = min(
            wife_birth, dt.date.fromordinal(self.today_ordinal - int(19.5 * YEAR_DAYS))
        )
        wife = self._person("F", wife_birth, ethnicity)
        wife_age = (self.today_ordinal - wife_birth.toordinal()) / YEAR_DAYS
        bride_age = 18.5 + self._random() * max(min(8.0, wife_age - 18.6), 0.0)
        wedding = days_after(wife_birth, int(bride_age * YEAR_DAYS))
        wedding = min(wedding, days_after(self.today, -1))
        marriage = self._marry(husband, wife, wedding)
        self._raise_children(marriage)
        self._apply_deaths()
        moved_in = self._day_between(wedding, min(add_years(wedding, 3), self.today))
        self._settle_couple(marriage, self._household(home, moved_in, [husband, wife]), moved_in)
        for parents in self._in_laws:
            place = home if self._random() < 0.6 else self._home_place(parents.husband.ethnicity)
            since = self._day_between(parents.date, min(add_years(parents.date, 3), self.today))
            self._settle_pair(
                parents, self._household(place, since, [parents.husband, parents.wife]), since
            )
        return self._clan

    def _single(self, ethnicity: str, home: Locality) -> list[Person]:
        """An adult living alone: a young worker, a foreign resident, a divorcee."""
        sex = "M" if self._random() < 0.5 else "F"
        person = self._person(sex, self._birth_for_age(18 + self._random() * 50), ethnicity)
        if self._random() < 0.1:
            person.citizenship = self._pick(_FOREIGN_CITIZENSHIPS[ethnicity])
        since = self._day_between(add_years(person.birth, 18), self.today)
        self._register(person, self._household(home, since, [person]), since)
        return self._clan

    def single(self) -> list[Person]:
        """A single adult, for filling the last places of a population of exact size."""
        self._clan = []
        ethnicity = self._ethnicity()
        return self._single(ethnicity, self._home_place(ethnicity))


def dissolve(clan: list[Person]) -> None:
    """Break the links between a finished clan's people, homes and marriages.

    They form reference cycles; without this, a long run leaves every clan to the cyclic garbage
    collector, whose sweeps of the oldest generation then cost a large part of the run time.
    """
    for person in clan:
        person.children.clear()
        person.marriages.clear()
        person.mother = person.father = None
        if person.home is not None:
            person.home.members.clear()
            person.home.owners.clear()
            person.home = None

"""What each sandbox registry knows about a synthetic resident, in the fields of registries.yaml.

``DatasetBuilder.build`` turns one ``Person`` (with family and household already settled) into the
dict of datasets keyed "<registry>.<dataset>". Facts that several registries share (a disability,
a job, a pension) are decided once and then read by each dataset, so the registries agree.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any, NamedTuple, TypeVar

from kagazsyz.registries.sandbox import reference as ref
from kagazsyz.registries.sandbox.family import (
    YEAR_DAYS,
    EstateObject,
    Household,
    Person,
    add_years,
    age_on,
    days_after,
    scattered_numbers,
)
from kagazsyz.registries.sandbox.places import CAPITAL, CITY, LOCALITIES, OSH_CITY, Locality

Dataset = dict[str, Any]
T = TypeVar("T")

# The 2017 ID card replaced the 2004 passport as the internal identity document on 1 May 2017.
ID_CARDS_FROM = dt.date(2017, 5, 1)
PASSPORTS_2004_FROM = dt.date(2004, 7, 1)
_LOCALITY_INDEX = {id(place): number for number, place in enumerate(LOCALITIES, start=1)}
_SCHOOLS_IN = {CAPITAL: 100, CITY: 25, "town": 8, "village": 3}
_LAND_AREAS = ("массив Ынтымак", "ж/м Ак-Өргө", "массив Кара-Жыгач", "массив Берекет")
_SECOND_FLAT_STREETS = ("Ленин көч.", "Манас көч.", "Токтогул көч.")


class _IsoDates(dict[dt.date, str]):
    """Dates as "YYYY-MM-DD", remembered: a lookup is several times faster than isoformat()."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = day.isoformat()
        return text


# Bounded by the calendar days the sandbox uses (1900 to ~2100), so it cannot grow without limit.
_ISO = _IsoDates()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else _ISO[day]


class _Facts(NamedTuple):
    """Facts several registries must agree on."""

    age: int
    alive: bool
    end: dt.date  # the day of death, or today
    pension_age: int
    disability_group: int | None
    disability_since: dt.date | None
    employed: bool


class DatasetBuilder:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self._random = rng.random  # the one source of randomness, bound once for speed
        self.today = today
        self.today_ordinal = today.toordinal()
        self.school_year = today.year if today.month >= 9 else today.year - 1
        self.last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        self._birth_act_numbers = scattered_numbers(rng, 10_000_000)
        self._death_act_numbers = scattered_numbers(rng, 1_000_000)
        self._id_card_numbers = scattered_numbers(rng, 10_000_000)
        self._passport_numbers = scattered_numbers(rng, 10_000_000)
        self._object_numbers = scattered_numbers(rng, 100_000_000)
        self._plate_numbers = scattered_numbers(rng, 999 * len(ref.PLATE_LETTERS) ** 3)
        self._vin_numbers = scattered_numbers(rng, 1_000_000)
        self._licence_numbers = scattered_numbers(rng, 10_000_000)
        self._diploma_numbers = scattered_numbers(rng, 10_000_000)
        self._policy_numbers = scattered_numbers(rng, 10_000_000_000)
        self._account_numbers = scattered_numbers(rng, 10_000_000_000_000)
        self._company_numbers = scattered_numbers(rng, 100_000)

    # ---------------------------------------------------------------- helpers

    def _pick(self, options: Sequence[T]) -> T:
        return options[int(self._random() * len(options))]

    def _day_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A random day from ``first`` to ``last``; ``last`` when the span is empty."""
        start = first.toordinal()
        span = last.toordinal() - start
        if span <= 0:
            return last
        return dt.date.fromordinal(start + int(self._random() * (span + 1)))

    def _som(self, low: float, high: float) -> float:
        return round(low + self._random() * (high - low), 2)

    # ---------------------------------------------------------------- the whole record

    def build(self, person: Person) -> dict[str, Dataset]:
        facts = self._facts(person)
        identity = self._identity_document(person, facts)
        vehicles = self._vehicles(person, facts)
        insurance = self._insurance_account(person, facts)
        pension = self._pension(person, facts)
        benefits = self._benefits(person, facts, receives_pension=pension["receives"])
        return {
            "population.person": self._person(person, facts),
            "population.address": self._address(person),
            "population.family": self._family(person, facts),
            "population.identity_document": identity,
            "civil_status.acts": self._acts(person),
            "tax.taxpayer_account": self._taxpayer_account(person, facts),
            "police.criminal_records": self._criminal_records(person, facts),
            "real_estate.rights": self._real_estate(person, facts),
            "vehicles.vehicles": vehicles,
            "vehicles.driving_licence": self._driving_licence(
                person, facts, owns_car=vehicles["count"] > 0
            ),
            "social_fund.insurance_account": insurance,
            "social_fund.pension": pension,
            "social_protection.benefits": benefits,
            "education.enrolment": self._enrolment(person, facts),
            "education.diplomas": self._diplomas(person, facts),
            "health.attachment": self._attachment(
                person, facts, unemployed=benefits["unemployed_registered"]
            ),
            "health.disability": self._disability(facts),
            "legal_entities.founder_of": self._legal_entities(person, facts),
            "military.registration": self._military(person, facts),
        }

    def _facts(self, person: Person) -> _Facts:
        alive = person.death is None
        end = self.today if person.death is None else person.death
        age = age_on(person.birth, end)
        pension_age = ref.PENSION_AGE[person.sex]
        group: int | None = None
        since: dt.date | None = None
        if alive and age >= 1:
            chance = 0.008 if age < 18 else 0.025 if age < pension_age else 0.06
            if self._random() < chance:
                roll = self._random()
                group = 1 if roll < 0.15 else 2 if roll < 0.65 else 3
                since = self._day_between(
                    max(add_years(person.birth, 1), add_years(self.today, -25)), self.today
                )
        employed = False
        if alive and 18 <= age < 70 and group != 1:
            if age < pension_age:
                employed = self._random() < (0.58 if person.sex == "M" else 0.45)
            else:
                employed = self._random() < 0.12
        return _Facts(age, alive, end, pension_age, group, since, employed)

    # ---------------------------------------------------------------- population register

    def _person(self, person: Person, facts: _Facts) -> Dataset:
        return {
            "personal_number": person.pin,
            "surname": person.surname,
            "given_name": person.given,
            "patronymic": person.patronymic,
            "full_name": person.full_name,
            "birth_date": _ISO[person.birth],
            "sex": person.sex,
            "citizenship": person.citizenship,
            "alive": facts.alive,
            "death_date": _iso(person.death),
        }

    def _address(self, person: Person) -> Dataset:
        home = person.home
        assert home is not None and person.moved_in is not None  # every person is settled
        place = home.locality
        return {
            "soate": place.soate,
            "oblast": dict(place.oblast.names),
            "district": dict(place.district),
            "locality": dict(place.names),
            "street": home.street,
            "house": home.house,
            "flat": home.flat,
            "registered_since": _ISO[person.moved_in],
            "high_mountain": place.high_mountain,
        }

    def _family(self, person: Person, facts: _Facts) -> Dataset:
        spouse = person.spouse
        home = person.home
        # The dead are struck off their address, so they belong to no household.
        household = (
            [member.pin for member in home.members] if facts.alive and home is not None else []
        )
        return {
            "spouse": None if spouse is None else spouse.pin,
            "children": [child.pin for child in person.children],
            "mother": None if person.mother is None else person.mother.pin,
            "father": None if person.father is None else person.father.pin,
            "household": household,
        }

    def _identity_document(self, person: Person, facts: _Facts) -> Dataset:
        sixteen = add_years(person.birth, 16)
        if (
            not facts.alive
            or person.citizenship != "KGZ"
            or sixteen > self.today
            or self._random() < 0.015
        ):
            return {
                "kind": "none",
                "number": None,
                "issued_on": None,
                "valid_until": None,
                "chip": False,
            }
        old_passport = self.today < ID_CARDS_FROM or (
            sixteen < ID_CARDS_FROM and self._random() < 0.1
        )
        if old_passport:
            first = max(sixteen, PASSPORTS_2004_FROM)
            last = min(self.today, days_after(ID_CARDS_FROM, -1))
            issued = self._day_between(first, last)
            number = f"AN{next(self._passport_numbers):07d}"
        else:
            first = max(sixteen, ID_CARDS_FROM)
            issued = self._day_between(first, min(self.today, add_years(first, 4)))
            number = f"ID{next(self._id_card_numbers):07d}"
        return {
            "kind": "passport_2004" if old_passport else "id_card",
            "number": number,
            "issued_on": _ISO[issued],
            "valid_until": _ISO[add_years(issued, 10)],
            "chip": not old_passport,
        }

    # ---------------------------------------------------------------- civil status

    def _acts(self, person: Person) -> Dataset:
        registered = days_after(person.birth, 1 + int(self._random() * 30))
        death_act = None
        if person.death is not None:
            death_day = min(days_after(person.death, 1 + int(self._random() * 4)), self.today)
            death_act = {"number": str(next(self._death_act_numbers)), "date": _ISO[death_day]}
        return {
            "birth_act": {
                "number": str(next(self._birth_act_numbers)),
                "date": _ISO[min(registered, self.today)],
            },
            "marriages": [
                {
                    "number": marriage.number,
                    "date": _ISO[marriage.date],
                    "spouse": marriage.partner_of(person).pin,
                    "dissolved_on": _iso(marriage.dissolved_on),
                }
                for marriage in person.marriages
            ],
            "death_act": death_act,
            "name_changes": [
                {"date": _ISO[day], "previous_full_name": previous}
                for day, previous in person.name_changes
            ],
        }

    # ---------------------------------------------------------------- tax and police

    def _taxpayer_account(self, person: Person, facts: _Facts) -> Dataset:
        adult = facts.age >= 18
        entrepreneur = facts.alive and adult and facts.age < 65 and self._random() < 0.1
        debt = 0.0
        overpayment = 0.0
        declared: int | None = None
        if adult:
            # ~15% of adults owe tax: mostly small sums, a few large ones.
            if self._random() < 0.15:
                debt = round(150 + self._random() ** 3 * 60_000, 2)
            if self._random() < 0.04:
                overpayment = self._som(20, 3_000)
            if entrepreneur:
                declared = self.today.year - (1 if self._random() < 0.85 else 2)
            elif self._random() < 0.2:
                declared = self.today.year - 1 - int(self._random() * 3)
        return {
            "tin": person.pin,
            "debt_som": debt,
            "overpayment_som": overpayment,
            "last_declaration_year": declared,
            "entrepreneur": entrepreneur,
            "patent": entrepreneur and self._random() < 0.6,
        }

    def _criminal_records(self, person: Person, facts: _Facts) -> Dataset:
        records: list[Dataset] = []
        if facts.age >= 18 and self._random() < (0.034 if person.sex == "M" else 0.006):
            adult = add_years(person.birth, 18)
            courts = ref.COURTS[self._home_locality(person).oblast.key]
            for _ in range(2 if self._random() < 0.15 else 1):
                sentenced = self._day_between(adult, facts.end)
                old = (self.today_ordinal - sentenced.toordinal()) > 6 * YEAR_DAYS
                records.append(
                    {
                        "article": self._pick(ref.CRIMINAL_ARTICLES),
                        "court": self._pick(courts),
                        "sentenced_on": _ISO[sentenced],
                        "expunged": old and self._random() < 0.85,
                    }
                )
            records.sort(key=lambda record: str(record["sentenced_on"]))
        unexpunged = any(not record["expunged"] for record in records)
        return {
            "records": records,
            "has_unexpunged": unexpunged,
            "wanted": unexpunged and facts.alive and self._random() < 0.05,
        }

    @staticmethod
    def _home_locality(person: Person) -> Locality:
        assert person.home is not None
        return person.home.locality

    # ---------------------------------------------------------------- property

    def _object_code(self, place: Locality) -> str:
        # ASSUMED layout region-district-zone-quarter-parcel; unique through the sequence.
        number = next(self._object_numbers)
        district = _LOCALITY_INDEX[id(place)] % 100
        zone = 1 + number % 9
        quarter, parcel = divmod(number, 10_000)
        return f"{place.oblast.estate_region}-{district:02d}-{zone:02d}-{quarter:04d}-{parcel:04d}"

    def _estate_of(self, home: Household) -> list[EstateObject]:
        """The objects of a household's dwelling, decided once for all its owners."""
        if home.properties is None:
            place = home.locality
            address = f"{place.names['ru']}, {home.street} {home.house}"
            if home.flat is not None:
                address += f", кв. {home.flat}"
            registered = _ISO[home.since]
            mortgaged = self._random() < 0.08
            kinds = ("apartment",) if home.apartment else ("house", "land")
            home.properties = [
                (
                    self._object_code(place),
                    kind,
                    address,
                    place.soate,
                    registered,
                    mortgaged and kind != "land",
                )
                for kind in kinds
            ]
        return home.properties

    def _second_property(self, person: Person, facts: _Facts) -> EstateObject:
        """A plot of land or a flat elsewhere in the resident's town."""
        place = self._home_locality(person)
        town = place.names["ru"]
        if self._random() < 0.6:
            kind = "land"
            plot = 1 + int(self._random() * 400)
            address = f"{town}, {self._pick(_LAND_AREAS)}, участок {plot}"
        else:
            kind = "apartment"
            house, flat = 1 + int(self._random() * 90), 1 + int(self._random() * 80)
            address = f"{town}, {self._pick(_SECOND_FLAT_STREETS)} {house}, кв. {flat}"
        registered = _ISO[self._day_between(add_years(person.birth, 25), facts.end)]
        return (self._object_code(place), kind, address, place.soate, registered, False)

    def _real_estate(self, person: Person, facts: _Facts) -> Dataset:
        owned: list[tuple[EstateObject, str]] = []
        home = person.home
        if home is not None and person in home.owners:
            share = "1/1" if len(home.owners) == 1 else f"1/{len(home.owners)}"
            owned = [(item, share) for item in self._estate_of(home)]
        if facts.age >= 25 and self._random() < 0.05:
            owned.append((self._second_property(person, facts), "1/1"))
        properties = [
            {
                "object_code": code,
                "kind": kind,
                "address": address,
                "soate": soate,
                "share": share,
                "registered_on": registered,
                "encumbered": encumbered,
            }
            for (code, kind, address, soate, registered, encumbered), share in owned
        ]
        return {"properties": properties, "count": len(properties)}

    def _plate(self, place: Locality) -> str:
        number = next(self._plate_numbers)
        digits, letters_index = 1 + number % 999, number // 999
        size = len(ref.PLATE_LETTERS)
        letters = "".join(
            ref.PLATE_LETTERS[letters_index // size**power % size] for power in (2, 1, 0)
        )
        return f"{place.oblast.plate_region} {digits:03d} {letters}"

    def _vin(self, wmi: str, year: int) -> str:
        chars = ref.VIN_CHARACTERS
        descriptor = "".join(chars[int(self._random() * len(chars))] for _ in range(6))
        year_code = ref.VIN_YEAR_CHARACTERS[(year - 1980) % 30]
        plant = chars[int(self._random() * 10)]
        return f"{wmi}{descriptor}{year_code}{plant}{next(self._vin_numbers):06d}"

    def _vehicles(self, person: Person, facts: _Facts) -> Dataset:
        vehicles: list[Dataset] = []
        if facts.age >= 18 and self._random() < (0.43 if person.sex == "M" else 0.15):
            place = self._home_locality(person)
            adult = add_years(person.birth, 18)
            for _ in range(2 if self._random() < 0.12 else 1):
                make, models, wmi = ref.VEHICLE_TABLE[int(self._random() * len(ref.VEHICLE_TABLE))]
                year = max(facts.end.year - int(self._random() ** 1.4 * 30), 1990)
                registered = self._day_between(max(dt.date(year, 1, 15), adult), facts.end)
                vehicles.append(
                    {
                        "plate": self._plate(place),
                        "make": make,
                        "model": self._pick(models),
                        "year": year,
                        "vin": self._vin(wmi, year),
                        "registered_on": _ISO[registered],
                    }
                )
        fines = 0.0
        if vehicles and facts.alive and self._random() < 0.2:
            fines = float(sum(self._pick(ref.FINE_SOM) for _ in range(1 + int(self._random() * 3))))
        return {"vehicles": vehicles, "count": len(vehicles), "unpaid_fines_som": fines}

    def _driving_licence(self, person: Person, facts: _Facts, *, owns_car: bool) -> Dataset:
        # Car owners nearly all hold a licence; some people drive cars that are not theirs.
        if owns_car:
            holds = self._random() < 0.92
        else:
            holds = self._random() < (0.2 if person.sex == "M" else 0.08)
        holds = holds and facts.alive and facts.age >= 18
        if not holds:
            return {"number": None, "categories": [], "valid_until": None}
        issued = self._day_between(add_years(person.birth, 18), self.today)
        valid_until = add_years(issued, 10)
        while valid_until < self.today and self._random() < 0.8:
            valid_until = add_years(valid_until, 10)  # renewed
        categories = self._pick(ref.DRIVING_CATEGORIES) if person.sex == "M" else ("B",)
        return {
            "number": f"DL{next(self._licence_numbers):07d}",
            "categories": list(categories),
            "valid_until": _ISO[valid_until],
        }

    # ---------------------------------------------------------------- social fund and benefits

    def _employer(self, person: Person) -> str:
        if self._random() < 0.5:
            return self._pick(ref.EMPLOYERS)
        place = self._home_locality(person)
        template = self._pick(ref.LOCAL_EMPLOYERS)
        return template.format(
            number=1 + int(self._random() * _SCHOOLS_IN[place.kind]),
            locality=place.names["ru"],
            district=place.district["ru"],
        )

    def _insurance_account(self, person: Person, facts: _Facts) -> Dataset:
        empty = {
            "insured_months": 0,
            "contributions_som": 0.0,
            "employed": False,
            "employer": None,
            "last_contribution_month": None,
        }
        if facts.age < 18:
            return empty
        retired = add_years(person.birth, facts.pension_age)
        stopped = facts.end if facts.employed or retired > facts.end else retired
        started = min(add_years(person.birth, 18 + int(self._random() * 4)), stopped)
        working_years = (stopped.toordinal() - started.toordinal()) / YEAR_DAYS
        share = 0.85 if facts.employed else 0.25 + self._random() * 0.6
        months = max(int(working_years * 12 * share), 1 if facts.employed else 0)
        if months == 0:
            return empty
        monthly = self._som(*ref.MONTHLY_CONTRIBUTION_SOM)
        if facts.employed:
            last_month = self.last_month
        else:
            last_month = _ISO[self._day_between(started, stopped)][:7]  # "YYYY-MM"
        return {
            "insured_months": months,
            "contributions_som": round(months * monthly * 0.7, 2),
            "employed": facts.employed,
            "employer": self._employer(person) if facts.employed else None,
            "last_contribution_month": last_month,
        }

    def _pension(self, person: Person, facts: _Facts) -> Dataset:
        kind: str | None = None
        since: dt.date | None = None
        amount = 0.0
        if facts.alive:
            orphan_of = [
                parent for parent in (person.mother, person.father) if parent and parent.death
            ]
            if facts.age >= facts.pension_age and self._random() < 0.97:
                kind, since = "old_age", add_years(person.birth, facts.pension_age)
                amount = self._som(*ref.OLD_AGE_PENSION_SOM)
            elif facts.disability_group is not None and facts.age >= 18 and facts.disability_since:
                kind, since = "disability", max(facts.disability_since, add_years(person.birth, 18))
                amount = self._som(*ref.DISABILITY_PENSION_SOM)
            elif facts.age < 18 and orphan_of:
                death = min(parent.death for parent in orphan_of if parent.death)
                kind, since = "survivor", max(death, person.birth)
                amount = self._som(*ref.SURVIVOR_PENSION_SOM)
        return {
            "receives": kind is not None,
            "kind": kind,
            "amount_som": amount,
            "since": _iso(since),
        }

    def _benefits(self, person: Person, facts: _Facts, *, receives_pension: bool) -> Dataset:
        benefits: list[Dataset] = []
        if facts.alive and person.sex == "F" and person.children:
            young = [
                child
                for child in person.children
                if child.death is None
                and child.home is person.home
                and age_on(child.birth, self.today) < 16
            ]
            if young and self._random() < 0.15:
                # «Үй-бүлөгө көмөк»: low-income families, per child under 16.
                eldest = min(child.birth for child in young)
                since = self._day_between(max(eldest, add_years(self.today, -4)), self.today)
                amount = ref.FAMILY_ALLOWANCE_PER_CHILD_SOM * len(young)
                benefits.append(
                    {"kind": "uy_bulogo_komok", "amount_som": amount, "since": _ISO[since]}
                )
            newborns = [child for child in person.children if (self.today - child.birth).days < 365]
            for child in newborns:
                benefits.append(
                    {
                        "kind": "balaga_suyunchu",
                        "amount_som": ref.BIRTH_GRANT_SOM,
                        "since": _ISO[child.birth],
                    }
                )
        if (
            facts.age < 18
            and facts.disability_group is not None
            and facts.disability_since is not None
        ):
            benefits.append(
                {
                    "kind": "disabled_child",
                    "amount_som": ref.DISABLED_CHILD_BENEFIT_SOM,
                    "since": _ISO[facts.disability_since],
                }
            )
        working_age = 18 <= facts.age < facts.pension_age
        unemployed = facts.alive and working_age and not facts.employed and self._random() < 0.06
        paid = bool(benefits) or receives_pension
        account = None
        if paid or (facts.alive and facts.age >= 18 and self._random() < 0.3):
            account = f"{self._pick(ref.BANK_CODES)}{next(self._account_numbers):013d}"
        return {"benefits": benefits, "unemployed_registered": unemployed, "bank_account": account}

    # ---------------------------------------------------------------- education

    def _school(self, place: Locality) -> str:
        number = 1 + int(self._random() * _SCHOOLS_IN[place.kind])
        return f"Средняя школа № {number}, {place.names['ru']}"

    def _university(self, place: Locality) -> str:
        if self._random() < 0.5:
            return self._pick(place.oblast.universities)
        return self._pick(LOCALITIES[0].oblast.universities)

    def _enrolment(self, person: Person, facts: _Facts) -> Dataset:
        institution: str | None = None
        level: str | None = None
        grade: int | None = None
        queue: int | None = None
        if facts.alive:
            place = self._home_locality(person)
            age_in_september = age_on(person.birth, dt.date(self.school_year, 9, 1))
            school_grade = age_in_september - 5  # six-year-olds start in grade 1
            if 1 <= school_grade <= 11:
                if self._random() < 0.99:
                    institution, level, grade = self._school(place), "school", school_grade
            elif 17 <= age_in_september <= 20:
                roll = self._random()
                if roll < 0.42:
                    institution, level, grade = (
                        self._university(place),
                        "university",
                        age_in_september - 16,
                    )
                elif roll < 0.57 and age_in_september <= 19:
                    institution, level, grade = (
                        self._pick(ref.COLLEGES),
                        "college",
                        age_in_september - 16,
                    )
            elif facts.age >= 3 and school_grade < 1:
                if self._random() < 0.35:
                    number = 1 + int(self._random() * _SCHOOLS_IN[place.kind] * 1.5)
                    institution, level = (
                        f"Детский сад № {number}, {place.names['ru']}",
                        "kindergarten",
                    )
                elif self._random() < 0.5:
                    queue = 1 + int(self._random() * 3_000)
            elif (self.today - person.birth).days >= 182 and self._random() < 0.45:
                queue = 1 + int(self._random() * 3_000)  # on the list from six months of age
        return {
            "enrolled": institution is not None,
            "institution": institution,
            "level": level,
            "grade": grade,
            "kindergarten_queue_position": queue,
        }

    def _diplomas(self, person: Person, facts: _Facts) -> Dataset:
        diplomas: list[Dataset] = []
        ort: int | None = None
        # Grade 11 ends in June of the year after the September in which the pupil was 16.
        finished = (
            person.birth.year + 17 + (1 if (person.birth.month, person.birth.day) > (9, 1) else 0)
        )
        school_day = dt.date(finished, 6, 25)
        if school_day <= facts.end and self._random() < 0.96:
            place = self._home_locality(person)
            diplomas.append(
                {
                    "kind": "school",
                    "number": f"АТ{next(self._diploma_numbers):07d}",
                    "issued_on": _ISO[school_day],
                    "institution": self._school(place),
                }
            )
            if finished >= 2003 and self._random() < 0.75:
                ort = 110 + int(self._random() * 125)
            later = self._random()
            if later < (0.33 if finished >= 1990 else 0.2):
                day, kind, institution = (
                    dt.date(finished + 4, 6, 30),
                    "university",
                    self._university(place),
                )
            elif later < 0.5:
                day, kind, institution = (
                    dt.date(finished + 3, 6, 28),
                    "college",
                    self._pick(ref.COLLEGES),
                )
            else:
                day = None
            if day is not None and day <= facts.end:
                prefix = "ВБ" if kind == "university" else "СП"
                diplomas.append(
                    {
                        "kind": kind,
                        "number": f"{prefix}{next(self._diploma_numbers):07d}",
                        "issued_on": _ISO[day],
                        "institution": institution,
                    }
                )
        return {"diplomas": diplomas, "ort_score": ort}

    # ---------------------------------------------------------------- health

    def _attachment(self, person: Person, facts: _Facts, *, unemployed: bool) -> Dataset:
        if not facts.alive:
            return {"centre": None, "insured": False, "policy_number": None}
        place = self._home_locality(person)
        centre: str | None
        if self._random() < 0.04:
            centre = None
        elif place.kind == CAPITAL:
            centre = f"ЦСМ № {1 + int(self._random() * 20)}, г. Бишкек"
        elif place.oblast is OSH_CITY:
            centre = f"ЦСМ № {1 + int(self._random() * 10)}, г. Ош"
        elif place.kind == CITY:
            centre = f"ЦСМ, {place.names['ru']}"
        else:
            centre = f"ЦОВП, {place.district['ru']}"
        # Children, pensioners, workers, the registered unemployed and the disabled are insured.
        insured = (
            facts.age < 16
            or facts.age >= facts.pension_age
            or facts.employed
            or unemployed
            or facts.disability_group is not None
            or self._random() < 0.35
        )
        return {
            "centre": centre,
            "insured": insured,
            "policy_number": f"{next(self._policy_numbers):010d}" if insured else None,
        }

    def _disability(self, facts: _Facts) -> Dataset:
        if facts.disability_group is None or facts.disability_since is None:
            return {"group": None, "since": None, "review_on": None}
        review: dt.date | None = None
        if facts.disability_group != 1 and facts.age < facts.pension_age:
            years = max(self.today.year - facts.disability_since.year, 1)
            review = add_years(facts.disability_since, years)
            if review <= self.today:
                review = add_years(review, 1)
        return {
            "group": facts.disability_group,
            "since": _ISO[facts.disability_since],
            "review_on": _iso(review),
        }

    # ---------------------------------------------------------------- legal entities, army

    def _legal_entities(self, person: Person, facts: _Facts) -> Dataset:
        entities: list[Dataset] = []
        if 22 <= facts.age <= 75 and self._random() < (0.055 if person.sex == "M" else 0.025):
            for _ in range(2 if self._random() < 0.2 else 1):
                registered = self._day_between(add_years(person.birth, 21), facts.end)
                name = f"{self._pick(ref.COMPANY_WORDS)} {self._pick(ref.COMPANY_TRADES)}"
                entities.append(
                    {
                        "tin": f"0{registered:%d%m%Y}{next(self._company_numbers):05d}",
                        "name": f"{self._pick(ref.COMPANY_FORMS)} «{name}»",
                        "role": "director" if self._random() < 0.3 else "founder",
                        "registered_on": _ISO[registered],
                    }
                )
        return {"entities": entities}

    def _military(self, person: Person, facts: _Facts) -> Dataset:
        eligible = facts.alive and person.sex == "M" and person.citizenship == "KGZ"
        if not eligible or not 16 <= facts.age <= 50:
            return {"registered": False, "category": None, "office": None}
        if facts.disability_group is not None or (facts.age <= 27 and self._random() < 0.08):
            category = "exempt"
        else:
            category = "conscript" if facts.age <= 27 else "reserve"
        return {
            "registered": True,
            "category": category,
            "office": f"Военный комиссариат, {self._home_locality(person).district['ru']}",
        }

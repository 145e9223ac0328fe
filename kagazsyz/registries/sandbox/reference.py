"""Reference data the sandbox registries draw on: cars, employers, courts, amounts.

ASSUMED: every amount, number format and criminal-code article here is a plausible stand-in for
the sandbox, not a confirmed figure. Agencies' real registries answer with their own values.
"""

from __future__ import annotations

from typing import Final

from kagazsyz.registries.sandbox.places import (
    BATKEN,
    BISHKEK,
    CHUI,
    ISSYK_KUL,
    JALAL_ABAD,
    NARYN,
    OSH_CITY,
    OSH_REGION,
    TALAS,
)

# make, models, world manufacturer identifier (first three VIN characters), share in percent.
_VEHICLE_MAKES: Final = (
    (
        "Toyota",
        ("Camry", "Corolla", "Land Cruiser Prado", "RAV4", "Ipsum", "Estima", "Alphard"),
        "JTD",
        30,
    ),
    ("Honda", ("Fit", "Odyssey", "CR-V", "Stream", "Accord"), "JHM", 12),
    ("Lexus", ("RX 350", "GX 470", "LX 570", "ES 250"), "JTH", 8),
    ("Lada", ("2107", "Niva", "Granta", "Priora"), "XTA", 8),
    ("Mercedes-Benz", ("E 320", "C 200", "Sprinter"), "WDB", 7),
    ("Hyundai", ("Sonata", "Tucson", "Starex", "Solaris"), "KMH", 7),
    ("Daewoo", ("Matiz", "Nexia", "Lacetti"), "XWB", 6),
    ("Kia", ("K5", "Sportage", "Rio"), "KNA", 4),
    ("Chevrolet", ("Cobalt", "Malibu", "Spark"), "XWB", 4),
    ("Volkswagen", ("Passat", "Golf", "Touareg"), "WVW", 4),
    ("Audi", ("A6", "80", "100"), "WAU", 4),
    ("BYD", ("Song Plus", "Han", "Qin Plus"), "LGX", 3),
    ("Mitsubishi", ("Delica", "Pajero", "Outlander"), "JMB", 3),
)
# One row per percent, so that a uniform index picks a make with its share.
VEHICLE_TABLE: Final = tuple(
    (make, models, wmi) for make, models, wmi, share in _VEHICLE_MAKES for _ in range(share)
)
# Latin letters of vehicle plates; I, O and Q are left out as they read like digits.
PLATE_LETTERS: Final = "ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_CHARACTERS: Final = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
# Model-year character of a VIN, from 1980 ("A") in the 30-year cycle of ISO 3779.
VIN_YEAR_CHARACTERS: Final = "ABCDEFGHJKLMNPRSTVWXY123456789"

DRIVING_CATEGORIES: Final = (
    ("B",),
    ("B",),
    ("B",),
    ("B",),
    ("B",),
    ("B",),
    ("B", "C"),
    ("B", "C"),
    ("A", "B"),
    ("B", "C", "D"),
    ("B", "C", "D", "E"),
)

EMPLOYERS: Final = (
    "ОАО «Кыргызтелеком»",
    "ГП «Кыргыз почтасы»",
    "ОАО «Электрические станции»",
    "ОАО «Национальная электрическая сеть Кыргызстана»",
    "ЗАО «Банк Компаньон»",
    "ОАО «Оптима Банк»",
    "ОАО «Айыл Банк»",
    "ЗАО «Альфа Телеком»",
    "ОсОО «Скай Мобайл»",
    "ОсОО «Нуртелеком»",
    "ОАО «Кыргызалтын»",
    "ЗАО «Кумтор Голд Компани»",
    "ОсОО «Шоро»",
    "ОсОО «Бета Сторес»",
    "ОсОО «Глобус»",
    "Министерство просвещения Кыргызской Республики",
    "Министерство здравоохранения Кыргызской Республики",
    "Государственная налоговая служба",
    "Социальный фонд Кыргызской Республики",
)
# Local employers: a school, a health centre or the local government of the resident's town.
LOCAL_EMPLOYERS: Final = (
    "Средняя школа № {number}, {locality}",
    "ЦСМ, {district}",
    "Мэрия / айыл өкмөтү, {locality}",
)

COURTS: Final = {
    BISHKEK.key: (
        "Ленинский районный суд г. Бишкек",
        "Октябрьский районный суд г. Бишкек",
        "Первомайский районный суд г. Бишкек",
        "Свердловский районный суд г. Бишкек",
    ),
    OSH_CITY.key: ("Ошский городской суд",),
    CHUI.key: ("Аламудунский районный суд", "Сокулукский районный суд", "Токмокский городской суд"),
    ISSYK_KUL.key: ("Каракольский городской суд", "Иссык-Кульский районный суд"),
    NARYN.key: ("Нарынский районный суд", "Кочкорский районный суд"),
    TALAS.key: ("Таласский районный суд",),
    JALAL_ABAD.key: ("Джалал-Абадский городской суд", "Сузакский районный суд"),
    OSH_REGION.key: ("Кара-Суйский районный суд", "Узгенский районный суд"),
    BATKEN.key: ("Баткенский районный суд", "Кызыл-Кийский городской суд"),
}
# ASSUMED: illustrative articles; the numbers were not checked against the Criminal Code.
CRIMINAL_ARTICLES: Final = (
    "УК КР ст. 205 (кража)",
    "УК КР ст. 205 (кража)",
    "УК КР ст. 209 (мошенничество)",
    "УК КР ст. 207 (грабеж)",
    "УК КР ст. 281 (хулиганство)",
    "УК КР ст. 283 (незаконный оборот наркотических средств)",
    "УК КР ст. 132 (причинение вреда здоровью средней тяжести)",
    "УК КР ст. 275 (нарушение правил дорожного движения)",
)

COMPANY_FORMS: Final = ("ОсОО", "ОсОО", "ОсОО", "ОАО", "ЗАО", "ОФ")
COMPANY_WORDS: Final = (
    "Ала-Тоо",
    "Ак-Бермет",
    "Нур",
    "Бийик Тоо",
    "Тянь-Шань",
    "Ысык-Көл",
    "Күн",
    "Береке",
    "Ырыс",
    "Айкөл",
    "Манас",
    "Жибек Жолу",
    "Тулпар",
    "Сапат",
    "Эне-Сай",
)
COMPANY_TRADES: Final = (
    "Строй",
    "Трейд",
    "Агро",
    "Тур",
    "Сервис",
    "Транс",
    "Фарм",
    "Текстиль",
    "Консалт",
    "Тех",
)

COLLEGES: Final = (
    "Бишкекский медицинский колледж",
    "Бишкекский колледж архитектуры и менеджмента",
    "Кыргызский государственный колледж искусств им. Ч. Айтматова",
    "Ошский медицинский колледж",
    "Каракольский педагогический колледж",
    "Политехнический колледж КГТУ им. И. Раззакова",
)

# Pensions, benefits, contributions in som.
OLD_AGE_PENSION_SOM: Final = (6_500.0, 16_000.0)
DISABILITY_PENSION_SOM: Final = (5_000.0, 12_000.0)
SURVIVOR_PENSION_SOM: Final = (3_000.0, 7_000.0)
MONTHLY_CONTRIBUTION_SOM: Final = (900.0, 6_500.0)
FAMILY_ALLOWANCE_PER_CHILD_SOM: Final = 1_200.0  # «Үй-бүлөгө көмөк», per child under 16
BIRTH_GRANT_SOM: Final = 4_000.0  # «Балага сүйүнчү», paid once at a birth
DISABLED_CHILD_BENEFIT_SOM: Final = 6_000.0
FINE_SOM: Final = (1_000.0, 3_000.0, 5_000.0, 7_500.0)
# ASSUMED: first digits of bank accounts of banks that pay pensions and benefits.
BANK_CODES: Final = ("103", "109", "118", "124", "128", "135")

PENSION_AGE: Final = {"M": 63, "F": 58}

"""Where synthetic residents live: oblasts, districts and localities with their СОАТЕ codes.

Sources. Oblast, city and district-town codes are those of the state classifier (GK SOATE). Rural
localities carry the code of their айыл аймагы (rural municipality), as listed in public payment
data of the Tax Service; they were not checked against the current classifier. Jalal-Abad city
keeps its long-standing name although one 2025 source reports a rename to Manas.

Weights are rough populations in thousands and decide where a clan settles. Bishkek and Osh get
less than their population, because grown-up children from everywhere move there.
ASSUMED: vehicle-plate region codes and the one-digit region of real-estate object codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Names = dict[str, str]


def _names(ky: str, ru: str, en: str) -> Names:
    return {"ky": ky, "ru": ru, "en": en}


@dataclass(frozen=True, slots=True)
class Oblast:
    key: str
    soate: str
    names: Names
    plate_region: str  # ASSUMED: two digits opening a vehicle plate
    estate_region: str  # ASSUMED: first part of a real-estate object code
    universities: tuple[str, ...]


# Settlement kinds, from biggest to smallest; they decide dwellings and amenities.
CAPITAL: Final = "capital"
CITY: Final = "city"
TOWN: Final = "town"
VILLAGE: Final = "village"


@dataclass(frozen=True, slots=True)
class Locality:
    soate: str
    oblast: Oblast
    district: Names
    names: Names
    kind: str
    weight: float
    high_mountain: bool = False

    @property
    def urban(self) -> bool:
        return self.kind != VILLAGE


_BISHKEK_UNIVERSITIES: Final = (
    "КНУ им. Ж. Баласагына",
    "КГТУ им. И. Раззакова",
    "БГУ им. К. Карасаева",
    "КРСУ им. Б. Н. Ельцина",
    "Американский университет в Центральной Азии",
    "КГМА им. И. К. Ахунбаева",
    "Кыргызско-Турецкий университет «Манас»",
    "КЭУ им. М. Рыскулбекова",
)
_OSH_UNIVERSITIES: Final = (
    "Ошский государственный университет",
    "Ошский технологический университет",
)

BISHKEK: Final = Oblast(
    "bishkek",
    "41711000000000",
    _names("Бишкек шаары", "г. Бишкек", "Bishkek City"),
    "01",
    "1",
    _BISHKEK_UNIVERSITIES,
)
OSH_CITY: Final = Oblast(
    "osh_city",
    "41721000000000",
    _names("Ош шаары", "г. Ош", "Osh City"),
    "02",
    "9",
    _OSH_UNIVERSITIES,
)
ISSYK_KUL: Final = Oblast(
    "issyk_kul",
    "41702000000000",
    _names("Ысык-Көл облусу", "Иссык-Кульская область", "Issyk-Kul Region"),
    "09",
    "3",
    ("Иссык-Кульский государственный университет им. К. Тыныстанова",),
)
JALAL_ABAD: Final = Oblast(
    "jalal_abad",
    "41703000000000",
    _names("Жалал-Абад облусу", "Джалал-Абадская область", "Jalal-Abad Region"),
    "04",
    "6",
    ("Жалал-Абадский государственный университет им. Б. Осмонова",),
)
NARYN: Final = Oblast(
    "naryn",
    "41704000000000",
    _names("Нарын облусу", "Нарынская область", "Naryn Region"),
    "05",
    "4",
    ("Нарынский государственный университет им. С. Нааматова",),
)
BATKEN: Final = Oblast(
    "batken",
    "41705000000000",
    _names("Баткен облусу", "Баткенская область", "Batken Region"),
    "03",
    "8",
    ("Баткенский государственный университет",),
)
OSH_REGION: Final = Oblast(
    "osh",
    "41706000000000",
    _names("Ош облусу", "Ошская область", "Osh Region"),
    "06",
    "7",
    _OSH_UNIVERSITIES,
)
TALAS: Final = Oblast(
    "talas",
    "41707000000000",
    _names("Талас облусу", "Таласская область", "Talas Region"),
    "07",
    "5",
    ("Таласский государственный университет",),
)
CHUI: Final = Oblast(
    "chui",
    "41708000000000",
    _names("Чүй облусу", "Чуйская область", "Chüy Region"),
    "08",
    "2",
    _BISHKEK_UNIVERSITIES,
)
OBLASTS: Final = (BISHKEK, OSH_CITY, ISSYK_KUL, JALAL_ABAD, NARYN, BATKEN, OSH_REGION, TALAS, CHUI)


def _district(stem_ky: str, ru: str, en: str) -> Names:
    return _names(f"{stem_ky} району", ru, f"{en} District")


def _city(ky: str, ru: str, en: str) -> Names:
    return _names(f"{ky} шаары", f"г. {ru}", en)


def _bishkek(district: Names, weight: float) -> Locality:
    bishkek = _city("Бишкек", "Бишкек", "Bishkek")
    return Locality(BISHKEK.soate, BISHKEK, district, bishkek, CAPITAL, weight)


def _regional_city(
    soate: str, oblast: Oblast, ky: str, ru: str, en: str, weight: float
) -> Locality:
    # A city of regional significance is its own district.
    name = _city(ky, ru, en)
    return Locality(soate, oblast, name, name, CITY, weight)


def _town(
    soate: str, oblast: Oblast, district: Names, ky: str, ru: str, en: str, weight: float
) -> Locality:
    return Locality(soate, oblast, district, _city(ky, ru, en), TOWN, weight)


def _village(
    soate: str, oblast: Oblast, district: Names, ky: str, ru: str, en: str, weight: float
) -> Locality:
    return Locality(soate, oblast, district, _names(f"{ky} айылы", f"с. {ru}", en), VILLAGE, weight)


def _mountain_village(
    soate: str, oblast: Oblast, district: Names, ky: str, ru: str, en: str, weight: float
) -> Locality:
    """A village of a high-mountain area, where residents get allowances and earlier pensions."""
    village = _village(soate, oblast, district, ky, ru, en, weight)
    return Locality(soate, oblast, district, village.names, VILLAGE, weight, high_mountain=True)


_ALAMUDUN = _district("Аламүдүн", "Аламудунский район", "Alamüdün")
_SOKULUK = _district("Сокулук", "Сокулукский район", "Sokuluk")
_MOSKVA = _district("Москва", "Московский район", "Moskva")
_YSYK_ATA = _district("Ысык-Ата", "Иссык-Атинский район", "Ysyk-Ata")
_YSYK_KOL = _district("Ысык-Көл", "Иссык-Кульский район", "Ysyk-Köl")
_AK_SUU = _district("Ак-Суу", "Ак-Суйский район", "Ak-Suu")
_JETI_OGUZ = _district("Жети-Өгүз", "Джети-Огузский район", "Jeti-Ögüz")
_TON = _district("Тоң", "Тонский район", "Ton")
_TUP = _district("Түп", "Тюпский район", "Tüp")
_AT_BASHY = _district("Ат-Башы", "Ат-Башинский район", "At-Bashy")
_KOCHKOR = _district("Кочкор", "Кочкорский район", "Kochkor")
_JUMGAL = _district("Жумгал", "Жумгальский район", "Jumgal")
_AK_TALAA = _district("Ак-Талаа", "Ак-Талинский район", "Ak-Talaa")
_NARYN_DISTRICT = _district("Нарын", "Нарынский район", "Naryn")
_MANAS = _district("Манас", "Манасский район", "Manas")
_BAKAI_ATA = _district("Бакай-Ата", "Бакай-Атинский район", "Bakai-Ata")
_TALAS_DISTRICT = _district("Талас", "Таласский район", "Talas")
_SUZAK = _district("Сузак", "Сузакский район", "Suzak")
_BAZAR_KORGON = _district("Базар-Коргон", "Базар-Коргонский район", "Bazar-Korgon")
_TOGUZ_TORO = _district("Тогуз-Торо", "Тогуз-Тороуский район", "Toguz-Toro")
_ALA_BUKA = _district("Ала-Бука", "Ала-Букинский район", "Ala-Buka")
_CHATKAL = _district("Чаткал", "Чаткальский район", "Chatkal")
_NOOKEN = _district("Ноокен", "Ноокенский район", "Nooken")
_TOKTOGUL = _district("Токтогул", "Токтогульский район", "Toktogul")
_AKSY = _district("Аксы", "Аксыйский район", "Aksy")
_KARA_SUU = _district("Кара-Суу", "Кара-Суйский район", "Kara-Suu")
_NOOKAT = _district("Ноокат", "Ноокатский район", "Nookat")
_UZGEN = _district("Өзгөн", "Узгенский район", "Özgön")
_ALAY = _district("Алай", "Алайский район", "Alay")
_CHONG_ALAY = _district("Чоң-Алай", "Чон-Алайский район", "Chong-Alay")
_KARA_KULJA = _district("Кара-Кулжа", "Кара-Кульджинский район", "Kara-Kulja")
_BATKEN_DISTRICT = _district("Баткен", "Баткенский район", "Batken")
_LEILEK = _district("Лейлек", "Лейлекский район", "Leilek")
_KADAMJAY = _district("Кадамжай", "Кадамжайский район", "Kadamjay")

LOCALITIES: Final = (
    # Bishkek: one СОАТЕ code for the city; its four districts are named in the address.
    _bishkek(_names("Ленин району", "Ленинский район", "Leninsky District"), 230),
    _bishkek(_names("Октябрь району", "Октябрьский район", "Oktyabrsky District"), 220),
    _bishkek(_names("Биринчи Май району", "Первомайский район", "Pervomaisky District"), 160),
    _bishkek(_names("Свердлов району", "Свердловский район", "Sverdlovsky District"), 190),
    _regional_city(OSH_CITY.soate, OSH_CITY, "Ош", "Ош", "Osh", 200),
    # Chüy Region
    _regional_city("41708400000010", CHUI, "Токмок", "Токмок", "Tokmok", 75),
    _regional_city("41708410000010", CHUI, "Кант", "Кант", "Kant", 25),
    _regional_city("41708420000010", CHUI, "Кара-Балта", "Кара-Балта", "Kara-Balta", 50),
    _town("41708222600010", CHUI, _SOKULUK, "Шопоков", "Шопоков", "Shopokov", 12),
    _village("41708203807000", CHUI, _ALAMUDUN, "Аламүдүн", "Аламедин", "Alamüdün", 150),
    _village("41708203831000", CHUI, _ALAMUDUN, "Лебединовка", "Лебединовка", "Lebedinovka", 110),
    _village("41708203828000", CHUI, _ALAMUDUN, "Көк-Жар", "Кок-Джар", "Kök-Jar", 70),
    _village("41708222865000", CHUI, _SOKULUK, "Сокулук", "Сокулук", "Sokuluk", 190),
    _village("41708217813000", CHUI, _MOSKVA, "Беловодское", "Беловодское", "Belovodskoye", 150),
    _village("41708206812000", CHUI, _YSYK_ATA, "Ивановка", "Ивановка", "Ivanovka", 170),
    # Issyk-Kul Region
    _regional_city("41702410000010", ISSYK_KUL, "Каракол", "Каракол", "Karakol", 85),
    _regional_city("41702420000010", ISSYK_KUL, "Балыкчы", "Балыкчы", "Balykchy", 50),
    _town("41702215600010", ISSYK_KUL, _YSYK_KOL, "Чолпон-Ата", "Чолпон-Ата", "Cholpon-Ata", 15),
    _village("41702215830000", ISSYK_KUL, _YSYK_KOL, "Тамчы", "Тамчы", "Tamchy", 45),
    _village("41702215805000", ISSYK_KUL, _YSYK_KOL, "Ананьево", "Ананьево", "Ananyevo", 45),
    _village("41702205844000", ISSYK_KUL, _AK_SUU, "Тепке", "Тепке", "Tepke", 50),
    _village("41702210815000", ISSYK_KUL, _JETI_OGUZ, "Барскоон", "Барскоон", "Barskoon", 45),
    _village("41702210850000", ISSYK_KUL, _JETI_OGUZ, "Кызыл-Суу", "Кызыл-Суу", "Kyzyl-Suu", 55),
    _village("41702220828000", ISSYK_KUL, _TON, "Кажы-Сай", "Каджи-Сай", "Kajy-Say", 40),
    _village("41702225889000", ISSYK_KUL, _TUP, "Түп", "Тюп", "Tüp", 70),
    # Naryn Region: villages lie at 1,600-2,800 m and count as high-mountain areas.
    _regional_city("41704400000010", NARYN, "Нарын", "Нарын", "Naryn", 40),
    _mountain_village("41704220812000", NARYN, _AT_BASHY, "Ат-Башы", "Ат-Баши", "At-Bashy", 50),
    _mountain_village("41704220830000", NARYN, _AT_BASHY, "Казыбек", "Казыбек", "Kazybek", 20),
    _mountain_village("41704235816000", NARYN, _KOCHKOR, "Кочкор", "Кочкор", "Kochkor", 60),
    _mountain_village("41704230836000", NARYN, _JUMGAL, "Чаек", "Чаек", "Chaek", 45),
    _mountain_village("41704210809000", NARYN, _AK_TALAA, "Баетов", "Баетов", "Baetov", 40),
    _mountain_village(
        "41704245832000", NARYN, _NARYN_DISTRICT, "Эмгекчил", "Эмгекчил", "Emgekchil", 45
    ),
    # Talas Region
    _regional_city("41707400000010", TALAS, "Талас", "Талас", "Talas", 40),
    _village("41707225833000", TALAS, _MANAS, "Покровка", "Покровка", "Pokrovka", 70),
    _village("41707220830000", TALAS, _BAKAI_ATA, "Бакай-Ата", "Бакай-Ата", "Bakai-Ata", 80),
    _village("41707232820000", TALAS, _TALAS_DISTRICT, "Көк-Ой", "Кок-Ой", "Kök-Oy", 80),
    # Jalal-Abad Region
    _regional_city("41703410000010", JALAL_ABAD, "Жалал-Абад", "Джалал-Абад", "Jalal-Abad", 125),
    _regional_city("41703420000010", JALAL_ABAD, "Таш-Көмүр", "Таш-Кумыр", "Tash-Kömür", 40),
    _regional_city("41703440000010", JALAL_ABAD, "Кара-Көл", "Кара-Куль", "Kara-Köl", 25),
    _town(
        "41703207600010",
        JALAL_ABAD,
        _BAZAR_KORGON,
        "Базар-Коргон",
        "Базар-Коргон",
        "Bazar-Korgon",
        35,
    ),
    _town("41703225600010", JALAL_ABAD, _TOKTOGUL, "Токтогул", "Токтогул", "Toktogul", 20),
    _town("41703211610010", JALAL_ABAD, _AKSY, "Кербен", "Кербен", "Kerben", 15),
    _town("41703220600010", JALAL_ABAD, _SUZAK, "Көк-Жаңгак", "Кок-Джангак", "Kök-Janggak", 10),
    _village("41703220856000", JALAL_ABAD, _SUZAK, "Сузак", "Сузак", "Suzak", 300),
    _village("41703220812000", JALAL_ABAD, _SUZAK, "Барпы", "Барпы", "Barpy", 150),
    _village(
        "41703207826000", JALAL_ABAD, _BAZAR_KORGON, "Арстанбап", "Арсланбоб", "Arslanbob", 150
    ),
    _village("41703215836000", JALAL_ABAD, _NOOKEN, "Массы", "Массы", "Massy", 200),
    _village("41703204808000", JALAL_ABAD, _ALA_BUKA, "Ала-Бука", "Ала-Бука", "Ala-Buka", 120),
    _mountain_village(
        "41703223825000", JALAL_ABAD, _TOGUZ_TORO, "Казарман", "Казарман", "Kazarman", 40
    ),
    _mountain_village(
        "41703230822000", JALAL_ABAD, _CHATKAL, "Каныш-Кыя", "Каныш-Кия", "Kanysh-Kyya", 25
    ),
    # Osh Region
    _town("41706226600010", OSH_REGION, _KARA_SUU, "Кара-Суу", "Кара-Суу", "Kara-Suu", 25),
    _town("41706255600010", OSH_REGION, _UZGEN, "Өзгөн", "Узген", "Özgön", 55),
    _town("41706242600010", OSH_REGION, _NOOKAT, "Ноокат", "Ноокат", "Nookat", 20),
    _village("41706226842000", OSH_REGION, _KARA_SUU, "Папан", "Папан", "Papan", 150),
    _village(
        "41706226816000",
        OSH_REGION,
        _KARA_SUU,
        "Кашкар-Кыштак",
        "Кашгар-Кыштак",
        "Kashkar-Kyshtak",
        220,
    ),
    _village("41706226830000", OSH_REGION, _KARA_SUU, "Нариман", "Нариман", "Nariman", 200),
    _village(
        "41706242814000", OSH_REGION, _NOOKAT, "Жаңы-Ноокат", "Жаны-Ноокат", "Jangy-Nookat", 200
    ),
    _village("41706255859000", OSH_REGION, _UZGEN, "Мырза-Аке", "Мырза-Аке", "Myrza-Ake", 200),
    _mountain_village("41706207814000", OSH_REGION, _ALAY, "Гүлчө", "Гульча", "Gülchö", 70),
    _mountain_village("41706207844000", OSH_REGION, _ALAY, "Сары-Таш", "Сары-Таш", "Sary-Tash", 30),
    _mountain_village(
        "41706259851000",
        OSH_REGION,
        _CHONG_ALAY,
        "Дароот-Коргон",
        "Дароот-Коргон",
        "Daroot-Korgon",
        40,
    ),
    _mountain_village(
        "41706246820000", OSH_REGION, _KARA_KULJA, "Кара-Кулжа", "Кара-Кульджа", "Kara-Kulja", 90
    ),
    # Batken Region
    _regional_city("41705410000010", BATKEN, "Баткен", "Баткен", "Batken", 30),
    _regional_city("41705430000010", BATKEN, "Кызыл-Кыя", "Кызыл-Кия", "Kyzyl-Kyya", 50),
    _town("41705258610020", BATKEN, _KADAMJAY, "Кадамжай", "Кадамжай", "Kadamjay", 15),
    _village(
        "41705214846000", BATKEN, _BATKEN_DISTRICT, "Самаркандек", "Самаркандек", "Samarkandek", 120
    ),
    _village("41705214823000", BATKEN, _BATKEN_DISTRICT, "Кара-Бак", "Кара-Бак", "Kara-Bak", 100),
    _village("41705236825000", BATKEN, _LEILEK, "Кулунду", "Кулунду", "Kulundu", 120),
    _village("41705258860000", BATKEN, _KADAMJAY, "Халмион", "Халмион", "Khalmion", 110),
)

CAPITAL_LOCALITIES: Final = tuple(place for place in LOCALITIES if place.kind == CAPITAL)
OSH: Final = next(place for place in LOCALITIES if place.oblast is OSH_CITY)

BISHKEK_STREETS: Final = (
    "Чүй пр.",
    "Манас пр.",
    "Жибек Жолу пр.",
    "Ч. Айтматов пр.",
    "Эркиндик бул.",
    "Токтогул көч.",
    "Ахунбаев көч.",
    "Киевская ул.",
    "Абдрахманов көч.",
    "Московская ул.",
    "Ибраимов көч.",
    "Байтик Баатыр көч.",
    "Исанов көч.",
    "Боконбаев көч.",
    "Турусбеков көч.",
    "Фрунзе ул.",
    "Горький көч.",
    "Токомбаев көч.",
    "Жукеев-Пудовкин көч.",
    "Юнусалиев пр.",
)
BISHKEK_MICRODISTRICTS: Final = (
    "Асанбай м-р",
    "Жал-29 м-р",
    "Восток-5 м-р",
    "7-м-р",
    "12-м-р",
    "Тунгуч м-р",
    "Кок-Жар м-р",
)
OSH_STREETS: Final = (
    "Ленин көч.",
    "Курманжан Датка көч.",
    "Масалиев пр.",
    "Навои көч.",
    "Алымбеков көч.",
    "Г. Айтиев көч.",
    "Ж. Баласагын көч.",
    "Анаров көч.",
    "Монуев көч.",
    "Толойкон м-р",
)
TOWN_STREETS: Final = (
    "Ленин көч.",
    "Токтогул көч.",
    "Манас көч.",
    "Ч. Айтматов көч.",
    "Жеңиш көч.",
    "Мира ул.",
    "Советская ул.",
    "Абдрахманов көч.",
    "Курманжан Датка көч.",
    "Фрунзе ул.",
    "Ысык-Көл көч.",
    "Орозбеков көч.",
)
VILLAGE_STREETS: Final = (
    "Манас көч.",
    "Токтогул көч.",
    "Ленин көч.",
    "Жеңиш көч.",
    "Ч. Айтматов көч.",
    "Мектеп көч.",
    "Кыргызстан көч.",
    "Ала-Тоо көч.",
    "Борбордук көч.",
    "Жаштык көч.",
    "Тынчтык көч.",
    "Курманжан Датка көч.",
    "Бакыт көч.",
)


def streets_of(place: Locality) -> tuple[str, ...]:
    if place.kind == CAPITAL:
        return BISHKEK_STREETS
    if place.oblast is OSH_CITY:
        return OSH_STREETS
    return TOWN_STREETS if place.urban else VILLAGE_STREETS


# Share of households in flats, by kind of settlement; villages are houses with land.
APARTMENT_SHARE: Final = {CAPITAL: 0.6, CITY: 0.4, TOWN: 0.15, VILLAGE: 0.0}

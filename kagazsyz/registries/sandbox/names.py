"""Names of synthetic residents: Kyrgyz, Uzbek and Russian, and how surnames and patronymics form.

The lists are plain tuples so that picking a name is one index into a tuple. Names carry the Kyrgyz
letters Ң, Ө and Ү where the Kyrgyz spelling has them (Үсөнбаев, Жаңыл, Төлөгөн), because forms
and documents must handle them.
"""

from __future__ import annotations

from typing import Final

KYRGYZ: Final = "kyrgyz"
UZBEK: Final = "uzbek"
RUSSIAN: Final = "russian"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Masculine surnames; the feminine form adds "а" (Асанов → Асанова).
KYRGYZ_SURNAMES: Final = _words(
    """
    Асанов Үсөнбаев Өмүрбеков Төлөгөнов Жээнбеков Мамытов Токтосунов Абдыкадыров Сатыбалдиев
    Бөкөнбаев Түгөлбаев Кеңешбеков Эшалиев Сыдыков Жумабеков Осмонов Алымкулов Шаршеев
    Байтемиров Ниязбеков Иманалиев Исаков Мамбетов Качкынбаев Курманбеков Дүйшөнбаев
    Сүйүнбаев Акматов Көлбаев Бекмуратов Чыныбаев Орозбаев Турдубаев Мырзакулов Таштанбеков
    Абылов Эсенгулов Үмөталиев Өскөнбаев Жаңыбеков Төрөкулов Бүркүтов Сагынбаев Токтогулов
    Кадыров Абдраимов Жолдошев Маматов Нурманбетов Табалдиев Молдоканов Айтматов Бакиров
    Калыков Касымбеков Момунов Сарыгулов Темиров Укуев Чотонов Шамшиев Ысмайылов Бердибеков
    Эргешов
    """
)
UZBEK_SURNAMES: Final = _words(
    """
    Юсупов Рахимов Каримов Абдуллаев Ахмедов Исмаилов Турсунов Мирзаев Хасанов Усмонов
    Назаров Умаров Алиев Эргашев Холматов Юлдашев Султанов Мамажанов Турдиев Шакиров
    """
)
RUSSIAN_SURNAMES: Final = _words(
    """
    Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков
    Васильев Зайцев Павлов Семенов Голубев Виноградов Богданов Федоров Михайлов Тарасов
    Белов Комаров Орлов Киселев Макаров Андреев Ковалев Ильин Гусев Титов Кузьмин Баранов
    Куликов Алексеев Степанов Яковлев Сорокин Сергеев Романов
    """
)

# Given names by generation: parents born before 1975 were named differently from their
# grandchildren (Бүбүсара and Токтогул, then Айпери and Элдияр).
KYRGYZ_MALE_OLD: Final = _words(
    """
    Токтогул Жумабек Осмон Асанбек Курманбек Мамбет Сатыбалды Дүйшөн Шаршен Түгөлбай
    Бөкөнбай Качкынбай Сүйүнбай Төлөгөн Үсөн Кеңеш Асан Бакыт Нурлан Эрмек Марат Алмаз
    Кубаныч Жоомарт Жаңыбек Өмүр Таалай Мукан Байыш Абдыкадыр Турдубай Эсенгул Мырзабек
    """
)
KYRGYZ_MALE_NEW: Final = _words(
    """
    Нурлан Бакыт Эрмек Азамат Айбек Бектур Эрлан Талант Улан Канат Нурбек Темир Элдияр
    Нурсултан Алмаз Үмөт Мирлан Медер Сыймык Бекзат Адилет Чыңгыз Дастан Эрбол Арстан Данияр
    Айдар Эмир Нурислам Бексултан Жаңыбек Өмүрбек Төлөмүш Үсөнбек Мелис
    """
)
KYRGYZ_FEMALE_OLD: Final = _words(
    """
    Бүбүсара Зууракан Күмүшай Төрөкан Толгонай Гүлнара Чолпон Жаңыл Айгүл Нургүл Жылдыз
    Бактыгүл Гүлмира Чынара Үмүт Каныкей Сайкал Көкүл Алтынай Бурул Динара Назгүл Гүлзат
    Аида Салтанат
    """
)
KYRGYZ_FEMALE_NEW: Final = _words(
    """
    Мээрим Айпери Айжан Бермет Асель Айнура Айзада Нуриза Элнура Айсулуу Мөлдир Аруузат
    Нурай Айбийке Бегимай Акмөөр Кундуз Айданек Жазгүл Айгүл Жаңыл Чолпон Гүлнара Нургүл
    Үмүтай Төрөгүл
    """
)
UZBEK_MALE: Final = _words(
    """
    Рустам Бахтиёр Фарход Шерзод Улугбек Азиз Жамшид Дилшод Отабек Санжар Алишер Бобур
    Равшан Ильхом Зафар Ойбек Абдулла Мухаммад
    """
)
UZBEK_FEMALE: Final = _words(
    """
    Дилноза Гулноза Нилуфар Мадина Шахноза Зухра Феруза Мохира Севара Малика Наргиза
    Дилафруз Гулчехра Мафтуна Камола Барно
    """
)
# Russian given names with the patronymic each one gives (Сергей → Сергеевич / Сергеевна).
RUSSIAN_MALE: Final = (
    ("Александр", "Александрович", "Александровна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Павел", "Павлович", "Павловна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Роман", "Романович", "Романовна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Валерий", "Валерьевич", "Валерьевна"),
)
RUSSIAN_FEMALE: Final = _words(
    """
    Елена Ольга Татьяна Наталья Ирина Светлана Анна Мария Екатерина Юлия Людмила Галина
    Валентина Надежда Любовь Марина Анастасия Дарья Виктория Ксения
    """
)
RUSSIAN_PATRONYMICS: Final = {name: (male, female) for name, male, female in RUSSIAN_MALE}
RUSSIAN_MALE_NAMES: Final = tuple(name for name, _, _ in RUSSIAN_MALE)

SURNAMES: Final = {KYRGYZ: KYRGYZ_SURNAMES, UZBEK: UZBEK_SURNAMES, RUSSIAN: RUSSIAN_SURNAMES}

_VOWELS: Final = frozenset("аеёиоуыэюяөү")


def feminine_surname(masculine: str) -> str:
    """Асанов → Асанова, Ильин → Ильина; both end in a consonant in every list above."""
    return masculine + "а"


def surname_for(masculine: str, sex: str) -> str:
    return masculine if sex == "M" else feminine_surname(masculine)


def surname_from_given(father: str) -> str:
    """A surname made of the father's given name, a common Kyrgyz practice: Бакыт → Бакытов."""
    if father.endswith("й"):
        return father[:-1] + "ев"  # Сүйүнбай → Сүйүнбаев
    if father[-1] in _VOWELS:
        return father + "ев"  # Мырза → Мырзаев
    return father + "ов"


def russian_style_patronymic(father: str, sex: str) -> str:
    """Бакыт → Бакытович / Бакытовна, Сүйүнбай → Сүйүнбаевич; Russian names use their own form."""
    known = RUSSIAN_PATRONYMICS.get(father)
    if known is not None:
        return known[0] if sex == "M" else known[1]
    if father.endswith("й"):
        stem, male, female = father[:-1], "евич", "евна"
    elif father[-1] in _VOWELS or father[-1] in "жшчщц":
        stem, male, female = father, "евич", "евна"  # Мырзаевич, Кубанычевич
    else:
        stem, male, female = father, "ович", "овна"
    return stem + (male if sex == "M" else female)


def kyrgyz_patronymic(father: str, sex: str) -> str:
    """The Kyrgyz form: Бакыт уулу (son of Бакыт), Бакыт кызы (daughter of Бакыт)."""
    return f"{father} {'уулу' if sex == 'M' else 'кызы'}"

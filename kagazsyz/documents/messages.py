"""What a verifier tells a person, in the platform's three languages."""

from __future__ import annotations

from kagazsyz.core.errors import Message

VALID = Message(
    ky="Кол тамга жарактуу, документ күчүндө.",
    ru="Подпись действительна, документ действует.",
    en="The signature is valid and the document is in force.",
)
NOT_OUR_QR = Message(
    ky="Бул Кагазсыз QR-коду эмес.",
    ru="Это не QR-код Кагазсыз.",
    en="This is not a Kagazsyz QR code.",
)
MALFORMED = Message(
    ky="Код бузулган же туура эмес түзүлгөн.",
    ru="Код повреждён или имеет неверный формат.",
    en="The code is damaged or malformed.",
)
UNSUPPORTED_ALGORITHM = Message(
    ky="Кол тамганын алгоритми колдоого алынбайт.",
    ru="Алгоритм подписи не поддерживается.",
    en="The signature algorithm is not supported.",
)
BAD_SIGNATURE = Message(
    ky="Кол тамга мазмунга дал келбейт: документ өзгөртүлгөн же жасалма.",
    ru="Подпись не соответствует содержимому: документ изменён или подделан.",
    en="The signature does not match the content: the document was altered or forged.",
)
UNKNOWN_ISSUER = Message(
    ky="Документке ишенимдүү тизмеде жок ачкыч менен кол коюлган.",
    ru="Документ подписан ключом, которого нет в списке доверенных.",
    en="The document was signed with a key that is not on the trust list.",
)
WRONG_ISSUER = Message(
    ky="Кол тамганын ачкычы документте көрсөтүлгөн мекемеге таандык эмес.",
    ru="Ключ подписи не принадлежит указанному в документе ведомству.",
    en="The signing key does not belong to the agency named in the document.",
)
ISSUED_IN_FUTURE = Message(
    ky="Документтин берилген күнү келечекте.",
    ru="Дата выдачи документа находится в будущем.",
    en="The document's issue date is in the future.",
)
EXPIRED = Message(
    ky="Документтин жарактуулук мөөнөтү бүттү.",
    ru="Срок действия документа истёк.",
    en="The document's validity period has ended.",
)
REVOKED = Message(
    ky="Документ жокко чыгарылган.",
    ru="Документ отозван.",
    en="The document has been revoked.",
)
NOT_PDF = Message(
    ky="Файл окула турган PDF эмес.",
    ru="Файл не является читаемым PDF.",
    en="The file is not a readable PDF.",
)
SIGNATURE_COUNT = Message(
    ky="Файлда так бир кол тамга болушу керек.",
    ru="Файл должен содержать ровно одну подпись.",
    en="The file must carry exactly one signature.",
)
PARTIAL_COVERAGE = Message(
    ky="Кол тамга бүт файлды камтыбайт: кол коюлгандан кийин файлга бир нерсе кошулган же өзгөртүлгөн.",
    ru="Подпись охватывает не весь файл: после подписания в файл что-то добавлено или изменено.",
    en="The signature does not cover the whole file: something was added or changed after signing.",
)
BROKEN_SIGNATURE = Message(
    ky="PDF кол тамгасы бузулган: файл кол коюлгандан кийин өзгөртүлгөн.",
    ru="Подпись PDF нарушена: файл изменён после подписания.",
    en="The PDF signature is broken: the file was changed after signing.",
)
UNTRUSTED_SIGNER = Message(
    ky="PDF ишенимдүү тизмеде жок тастыктама менен кол коюлган.",
    ru="PDF подписан сертификатом, которого нет в списке доверенных.",
    en="The PDF was signed with a certificate that is not on the trust list.",
)
MISSING_PAYLOAD = Message(
    ky="Файлда Кагазсыздын текшерүү маалыматы жок.",
    ru="В файле нет проверочных данных Кагазсыз.",
    en="The file carries no Kagazsyz verification data.",
)
PAYLOAD_MISMATCH = Message(
    ky="Текшерүү маалыматы файлдын кол тамгасына дал келбейт.",
    ru="Проверочные данные не соответствуют подписи файла.",
    en="The verification data does not match the file's signature.",
)
REGISTER_MISMATCH = Message(
    ky="Документ реестрдеги жазууга дал келбейт.",
    ru="Документ не соответствует записи в реестре.",
    en="The document does not match the register entry.",
)
DOCUMENT_NOT_FOUND = Message(
    ky="Мындай документ табылган жок.",
    ru="Такой документ не найден.",
    en="No such document was found.",
)
ALREADY_REVOKED = Message(
    ky="Документ мурда эле жокко чыгарылган.",
    ru="Документ уже отозван.",
    en="The document has already been revoked.",
)
REASON_REQUIRED = Message(
    ky="Жокко чыгаруунун себебин жазыңыз.",
    ru="Укажите причину отзыва.",
    en="Give the reason for the revocation.",
)
KEY_REVOKED = Message(
    ky="Документ кол коюлган ачкыч жокко чыгарылган: документ жараксыз.",
    ru="Ключ, которым подписан документ, отозван: документ недействителен.",
    en="The key that signed the document has been revoked: the document is not valid.",
)
REVOKED_BY_LIST = Message(
    ky="Документ жокко чыгарылган (акыркы жүктөлгөн статус тизмеси боюнча).",
    ru="Документ отозван (по последнему загруженному списку статусов).",
    en="The document has been revoked (according to the last downloaded status list).",
)
ENGLISH_COPY_UNAVAILABLE = Message(
    ky="Англисче нускасын түзүүгө болбойт: мекеменин кол коюу ачкычы алмаштырылган.",
    ru="Копию на английском создать нельзя: ключ подписи ведомства сменился.",
    en="An English copy cannot be made: the agency's signing key has changed since issue.",
)
TIMESTAMP_UNAVAILABLE = Message(
    ky="Убакыт белгисинин кызматы азыр жооп бербей жатат; бир аздан кийин кайра аракет кылыңыз.",
    ru="Служба меток времени сейчас не отвечает; попробуйте немного позже.",
    en="The time-stamp service is not answering; try again in a moment.",
)

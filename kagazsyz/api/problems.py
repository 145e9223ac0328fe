"""Errors as application/problem+json (RFC 9457) with a localized ``detail``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation

from kagazsyz.core.errors import DomainError, Message

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
}

UNAUTHORIZED = Message(
    ky="Кириңиз: Authorization: Bearer <токен> башында жок же мөөнөтү бүткөн.",
    ru="Войдите: заголовок Authorization: Bearer <токен> отсутствует или токен истёк.",
    en="Log in: the Authorization: Bearer <token> header is missing or the token has expired.",
)
MALFORMED_BODY = Message(
    ky="Суроо-талаптын денеси окулбай жатат: туура JSON жөнөтүңүз.",
    ru="Не удаётся прочитать тело запроса: отправьте корректный JSON.",
    en="The request body cannot be read: send valid JSON.",
)
NOT_FOUND_ROUTE = Message(
    ky="Мындай дарек жок.",
    ru="Такого адреса нет.",
    en="There is no such address.",
)
INTERNAL_ERROR = Message(
    ky="Ички ката кетти. Биз аны көрдүк; бир аздан кийин кайра аракет кылыңыз.",
    ru="Произошла внутренняя ошибка. Мы её видим; попробуйте ещё раз позже.",
    en="An internal error occurred. We have seen it; please try again later.",
)
MALFORMED_REQUEST = Message(
    ky="Суроо-талаптын түзүлүшү туура эмес: {where}.",
    ru="Неверная структура запроса: {where}.",
    en="The request is malformed: {where}.",
)


def problem(
    request: HttpRequest, *, status: int, code: str, message: Message, **extra: Any
) -> JsonResponse:
    language = translation.get_language() or "ky"
    body = {
        "type": f"urn:kagazsyz:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": message.get(language),
        "detail_i18n": message.as_dict(),
        "instance": request.path,
        **{key: value for key, value in extra.items() if value is not None},
    }
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def domain_problem(request: HttpRequest, error: DomainError) -> JsonResponse:
    errors = error.details.get("errors")
    return problem(
        request,
        status=error.status,
        code=error.code,
        message=error.message,
        field=error.field,
        errors=errors,
    )


def validation_problem(request: HttpRequest, errors: list[dict[str, Any]]) -> JsonResponse:
    where = "; ".join(
        ".".join(str(part) for part in item.get("loc", ()) if part not in ("body", "payload"))
        + f" ({item.get('type', '')})"
        for item in errors[:5]
    )
    return problem(
        request,
        status=422,
        code="malformed_request",
        message=MALFORMED_REQUEST.format(where=where),
        errors=errors,
    )

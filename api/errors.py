"""Every failure leaves as RFC 9457 ``application/problem+json`` with a stable ``type``.

ONE table, ``PROBLEMS``, maps each LedgerError class to its problem; it is
built from the classes' own ``code`` and ``status``, so a new error class
gets its row by existing. Failures that happen before a route runs (body too
large, query validation, unknown path) are LedgerError subclasses too, so
they go through the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger.errors import LedgerError

PROBLEM_BASE = "https://sunledger.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class BodyTooLarge(LedgerError):
    code = "body-too-large"
    status = 413


class UnsupportedMediaType(LedgerError):
    """A POST body not sent as application/json."""

    code = "unsupported-media-type"
    status = 415


class InvalidRequest(LedgerError):
    """Query or path parameters out of range or of the wrong type."""

    code = "invalid-request"
    status = 422


class RouteNotFound(LedgerError):
    code = "no-such-resource"
    status = 404


class MethodNotAllowed(LedgerError):
    code = "method-not-allowed"
    status = 405


class HttpError(LedgerError):
    """Any other HTTP-level refusal; the response carries the real status."""

    code = "http-error"


class InternalError(LedgerError):
    code = "internal-error"
    status = 500


@dataclass(frozen=True)
class Problem:
    type: str
    title: str
    status: int


def _title(cls: type[LedgerError]) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()
    return words[:1].upper() + words[1:]


def _subclasses(cls: type[LedgerError]) -> list[type[LedgerError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def problem_table() -> dict[type[LedgerError], Problem]:
    """LedgerError classes -> problems (rebuilt on demand: later imports add classes)."""
    return {cls: Problem(PROBLEM_BASE + cls.code, _title(cls), cls.status)
            for cls in _subclasses(LedgerError)}


PROBLEMS = problem_table()


def problem_for(error: LedgerError) -> Problem:
    problem = PROBLEMS.get(type(error))
    if problem is None:  # a class defined after this table was built
        problem = Problem(PROBLEM_BASE + error.code, _title(type(error)), error.status)
    return problem


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def problem_response(error: LedgerError, request: Request | None = None,
                     status: int | None = None) -> JSONResponse:
    problem = problem_for(error)
    if status is not None:
        problem = Problem(problem.type, problem.title, status)
    reserved = {"type", "title", "status", "detail", "instance"}
    body = {"type": problem.type, "title": problem.title, "status": problem.status,
            "detail": error.message}
    if request is not None:
        body["instance"] = request.url.path
    body.update({k: _jsonable(v) for k, v in error.details.items()
                 if k not in reserved and v is not None})
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def allowed_methods(request: Request) -> str:
    """RFC 9110: a 405 lists the methods the resource has. Starlette names only those of
    the first route whose path matched, and a path may have several routes (GET and POST
    on questions), so the published paths are asked ("" for a path not published)."""
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), path):
            methods |= {method.upper() for method in operations}
    return ", ".join(sorted(methods))


def install_problem_handlers(app: FastAPI) -> None:
    async def ledger_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, LedgerError)
        return problem_response(exc, request)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(InvalidRequest(_validation_detail(exc)), request)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            error: LedgerError = RouteNotFound(f"no resource at {request.url.path}")
        elif exc.status_code == 405:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}")
            response = problem_response(error, request)
            response.headers["Allow"] = allowed_methods(request) or (exc.headers or {}).get(
                "Allow", "")
            return response
        else:
            return problem_response(HttpError(str(exc.detail)), request, exc.status_code)
        return problem_response(error, request)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(InternalError("the server failed; see its log"), request)

    app.add_exception_handler(LedgerError, ledger_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)

"""Bot API wire format: request parameters in, ``{"ok": …}`` JSON out.

Telegram accepts a query string, form-urlencoded, JSON and multipart/form-data bodies. In the
form encodings every value is a string and complex values are JSON text (python-telegram-bot
sends ``chat_id=123``, ``reply_markup={"inline_keyboard": …}`` and ``disable_notification=true``,
but plain strings such as ``text`` unquoted). So values are typed per parameter, on access, the way
Telegram does it, never by guessing from the string.

Multipart is parsed here by hand because Starlette's form parser needs ``python-multipart``,
which the project does not depend on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

JsonDict = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    retry_after = max(1, retry_after)
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


_SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def server_error(status: int) -> ApiError:
    return ApiError(status, _SERVER_ERRORS.get(status, "Internal Server Error"))


def ok_response(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.code)


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class Params:
    """Request parameters with Telegram's per-parameter typing."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None):
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return name in self.values or name in self.files

    def get_str(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None:
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad_request(f"invalid {name} specified")

    def get_json(self, name: str, *, what: str | None = None) -> Any:
        """A complex parameter: JSON text in form encodings, a real object in JSON bodies."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return text

    def input_file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an upload (also via ``attach://``), or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.get_str(name)
        if value and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return value or None


async def read_params(request: Request) -> Params:
    """Collect parameters from the query string and whatever body encoding was used."""
    values: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if not body:
        return Params(values)
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON encoded request body") from None
        if not isinstance(decoded, dict):
            raise bad_request("JSON object expected")
        values.update(decoded)
    elif media_type == "multipart/form-data":
        form, files = parse_multipart(body, content_type)
        values.update(form)
    else:  # application/x-www-form-urlencoded, or no type at all
        values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return Params(values, files)


_PARAM_RE = re.compile(r';\s*([A-Za-z0-9_\-]+\*?)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_FORM_ESCAPE_RE = re.compile(r"%(22|[01][0-9A-Fa-f])")


def _header_params(header: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, raw in _PARAM_RE.findall(header):
        value = raw.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1].replace("\\\\", "\\").replace('\\"', '"')
            # httpx writes HTML5-style escapes: %22 for quotes, %XX for control characters
            value = _FORM_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)
        if key.endswith("*"):  # RFC 5987/2231: charset''percent-encoded
            _, _, encoded = value.partition("''")
            key, value = key[:-1], unquote(encoded)
        params[key.lower()] = value
    return params


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a multipart/form-data body into text fields and file uploads."""
    boundary = _header_params(";" + content_type.partition(";")[2]).get("boundary")
    if not boundary:
        raise bad_request("multipart boundary not found")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, data = chunk.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _header_params(";" + headers.get("content-disposition", "").partition(";")[2])
        name = disposition.get("name")
        if name is None:
            continue
        if "filename" in disposition:
            content = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(disposition["filename"], content, data)
        else:
            fields[name] = data.decode("utf-8", "replace")
    return fields, files

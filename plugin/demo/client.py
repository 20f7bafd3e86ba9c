"""hireloop's public HTTP API as the demo calls it: bearer tokens, and a ``DemoError`` that
names the call and hireloop's own error message for every unexpected answer."""

from __future__ import annotations

from typing import Any

import requests

from plugin.demo.errors import DemoError

TIMEOUT = (5.0, 60.0)


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        expect: tuple[int, ...] = (200,),
        json: Any = None,
    ) -> Any:
        url = self.base_url + path
        try:
            response = self.http.request(
                method,
                url,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise DemoError(f"{method} {path} got no answer: {exc}") from None
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} answered {response.status_code}: {_why(response)}")
        try:
            return response.json()
        except ValueError:
            raise DemoError(f"{method} {path} did not answer JSON: {response.text[:200]}") from None


def _why(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        fields = error.get("fields")
        extra = f" (fields: {fields})" if fields else ""
        return f"{error.get('message')}{extra}"
    return str(body)[:300]


def items(body: Any, key: str) -> list[dict[str, Any]]:
    """The list in an answer, bare or under ``key``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    raise DemoError(f"expected a list of {key}, got: {str(body)[:200]}")


def find_id(body: Any, key: str) -> int:
    """The id of what was created, at the top of the answer or under ``key``."""
    if isinstance(body, dict):
        if isinstance(body.get("id"), int):
            return int(body["id"])
        nested = body.get(key)
        if isinstance(nested, dict) and isinstance(nested.get("id"), int):
            return int(nested["id"])
    raise DemoError(f"the {key} was created but its id is not in the answer: {str(body)[:200]}")

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests
import responses

from plugin.ats.errors import (
    AtsAuthError,
    AtsClientError,
    AtsNotFound,
    AtsRateLimited,
    AtsServerError,
    AtsTimeout,
    AtsValidationError,
    error_for_status,
)
from plugin.ats.http import HttpClient, parse_retry_after, read_rate_limit, shared_session
from tests.plugin.ats.conftest import FakeClock

NOW = 1_700_000_000.0


def test_retry_after_in_seconds_http_date_and_epoch() -> None:
    assert parse_retry_after("1", NOW) == 1.0
    assert parse_retry_after(" 2.5 ", NOW) == 2.5
    date = format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True)
    assert parse_retry_after(date, NOW) == pytest.approx(30.0)
    assert parse_retry_after(str(int(NOW + 7)), NOW) == pytest.approx(7.0)  # epoch seconds
    assert parse_retry_after(str(int((NOW + 4) * 1000)), NOW) == pytest.approx(4.0)  # epoch ms
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW) == 0.0  # in the past
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("", NOW) is None
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-5", NOW) == 0.0


def test_rate_limit_headers_are_read() -> None:
    info = read_rate_limit(
        {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49", "X-RateLimit-Reset": "3"},
        NOW,
    )
    assert (info.limit, info.remaining, info.reset_after) == (50, 49, 3.0)
    assert read_rate_limit({}, NOW).limit is None


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (429, AtsRateLimited, True),
        (500, AtsServerError, True),
        (503, AtsServerError, True),
        (501, AtsServerError, False),
        (401, AtsAuthError, False),
        (403, AtsAuthError, False),
        (404, AtsNotFound, False),
        (422, AtsValidationError, False),
        (400, AtsValidationError, False),
        (409, AtsClientError, True),
        (418, AtsClientError, False),
    ],
)
def test_error_class_and_retryability_come_from_the_status(
    status: int, cls: type, retryable: bool
) -> None:
    error = error_for_status(status, "boom", "req-1")
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.status == status and error.request_id == "req-1"
    assert "status" in str(error) and "req-1" in str(error)


def test_one_shared_session() -> None:
    assert shared_session() is shared_session()


@responses.activate
def test_429_with_retry_after_seconds_pauses_then_succeeds(
    make_http: Callable[..., HttpClient], clock: FakeClock
) -> None:
    responses.get("https://ats.test/x", status=429, headers={"Retry-After": "1"})
    responses.get("https://ats.test/x", json={"ok": True})
    http = make_http()
    assert http.json("GET", "/x") == {"ok": True}
    assert clock.sleeps == [pytest.approx(1.0)]
    assert len(responses.calls) == 2


@responses.activate
def test_429_with_http_date_retry_after(
    make_http: Callable[..., HttpClient], clock: FakeClock
) -> None:
    date = format_datetime(datetime.fromtimestamp(clock.now + 3, UTC), usegmt=True)
    responses.post("https://ats.test/notes", status=429, headers={"Retry-After": date})
    responses.post("https://ats.test/notes", status=201, json={"id": 9})
    http = make_http()
    # A 429 means "not performed": even a write is repeated after the pause.
    assert http.json("POST", "/notes", json={"body": "x"}) == {"id": 9}
    assert sum(clock.sleeps) == pytest.approx(3.0, abs=0.01)


@responses.activate
def test_429_falls_back_to_x_ratelimit_reset(
    make_http: Callable[..., HttpClient], clock: FakeClock
) -> None:
    responses.get(
        "https://ats.test/x", status=429, headers={"X-RateLimit-Reset": str(int(clock.now) + 2)}
    )
    responses.get("https://ats.test/x", json=[])
    make_http().json("GET", "/x")
    assert sum(clock.sleeps) == pytest.approx(2.0)


@responses.activate
def test_429_beyond_the_allowed_wait_raises_with_retry_after(
    make_http: Callable[..., HttpClient],
) -> None:
    responses.get("https://ats.test/x", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(AtsRateLimited) as caught:
        make_http().json("GET", "/x")
    assert caught.value.retry_after == 3600.0
    assert caught.value.retryable


@responses.activate
def test_read_retries_5xx_then_succeeds(make_http: Callable[..., HttpClient]) -> None:
    responses.get("https://ats.test/x", status=503)
    responses.get("https://ats.test/x", status=502)
    responses.get("https://ats.test/x", json={"ok": 1})
    assert make_http().json("GET", "/x") == {"ok": 1}
    assert len(responses.calls) == 3


@responses.activate
def test_read_gives_up_after_its_retries(make_http: Callable[..., HttpClient]) -> None:
    for _ in range(3):
        responses.get("https://ats.test/x", status=500, headers={"X-Request-Id": "abc"})
    with pytest.raises(AtsServerError) as caught:
        make_http().json("GET", "/x")
    assert caught.value.request_id == "abc" and caught.value.retryable
    assert not caught.value.uncertain


@responses.activate
def test_write_5xx_is_not_repeated_and_is_uncertain(make_http: Callable[..., HttpClient]) -> None:
    responses.post("https://ats.test/notes", status=503, json={"message": "down"})
    with pytest.raises(AtsServerError) as caught:
        make_http().json("POST", "/notes", json={})
    assert caught.value.uncertain and caught.value.retryable
    assert "down" in caught.value.message
    assert len(responses.calls) == 1


@responses.activate
def test_timeouts_on_reads_and_writes(make_http: Callable[..., HttpClient]) -> None:
    responses.get("https://ats.test/x", body=requests.exceptions.ReadTimeout("slow"))
    responses.get("https://ats.test/x", json={"ok": 1})
    assert make_http().json("GET", "/x") == {"ok": 1}
    responses.post("https://ats.test/notes", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(AtsTimeout) as caught:
        make_http().json("POST", "/notes", json={})
    assert caught.value.uncertain and caught.value.retryable


@responses.activate
def test_every_request_has_a_timeout(make_http: Callable[..., HttpClient]) -> None:
    seen: list[object] = []
    original = requests.Session.request

    def spy(self: requests.Session, *args: object, **kwargs: object) -> requests.Response:
        seen.append(kwargs.get("timeout"))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    responses.get("https://ats.test/x", json={})
    requests.Session.request = spy  # type: ignore[method-assign]
    try:
        make_http().json("GET", "/x")
    finally:
        requests.Session.request = original  # type: ignore[method-assign]
    assert seen == [2.0]


@responses.activate
def test_4xx_errors_carry_the_ats_message(make_http: Callable[..., HttpClient]) -> None:
    responses.post(
        "https://ats.test/notes",
        status=422,
        json={"message": "Validation error", "errors": [{"field": "body", "message": "blank"}]},
    )
    with pytest.raises(AtsValidationError) as caught:
        make_http().json("POST", "/notes", json={})
    assert "body: blank" in caught.value.message and not caught.value.retryable


@responses.activate
def test_x_ratelimit_limit_is_followed(make_http: Callable[..., HttpClient]) -> None:
    responses.get("https://ats.test/x", json={}, headers={"X-RateLimit-Limit": "100"})
    http = make_http(window=10.0)
    http.json("GET", "/x")
    assert http.limiter is not None
    assert http.limiter.limit.rate * 10 + http.limiter.limit.burst <= 99
    assert http.limiter.limit.rate * 10 >= 90

from __future__ import annotations

import json

import pytest

from tests.webhooks.helpers import (
    GREENHOUSE_OLD_SECRET,
    GREENHOUSE_SECRET,
    LEVER_TOKEN,
    hex_hmac,
    lever_signature,
    payload_bytes,
)
from webhooks.verify import SignatureError, verify_ashby, verify_greenhouse, verify_lever

GH = payload_bytes("greenhouse/candidate_stage_change.json")
SECRETS = [GREENHOUSE_SECRET, GREENHOUSE_OLD_SECRET]
WINDOW = 24 * 3600 * 1000


def reason(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SignatureError) as info:
        call()
    return info.value.reason


def test_greenhouse_accepts_the_verbatim_body_signed_with_any_configured_secret() -> None:
    for secret in SECRETS:
        verify_greenhouse(GH, f"sha256 {hex_hmac(secret, GH)}", SECRETS)
    # Upper-case hex and surrounding space are the same digest.
    verify_greenhouse(GH, f"  sha256 {hex_hmac(GREENHOUSE_SECRET, GH).upper()} ", SECRETS)


def test_greenhouse_signature_is_over_the_raw_bytes_not_reserialised_json() -> None:
    reserialised = json.dumps(json.loads(GH)).encode()
    header = f"sha256 {hex_hmac(GREENHOUSE_SECRET, reserialised)}"
    assert reason(lambda: verify_greenhouse(GH, header, SECRETS)) == "mismatch"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "missing"),
        ("", "missing"),
        ("sha256", "malformed"),
        ("sha1 " + "0" * 40, "malformed"),
        ("sha256=" + "0" * 64, "malformed"),
        ("sha256 " + "0" * 64, "mismatch"),
        ("sha256 not-hex-é", "mismatch"),
    ],
)
def test_greenhouse_refuses_missing_malformed_and_forged(header: str | None, expected: str) -> None:
    assert reason(lambda: verify_greenhouse(GH, header, SECRETS)) == expected


def test_a_retired_secret_no_longer_verifies() -> None:
    header = f"sha256 {hex_hmac(GREENHOUSE_OLD_SECRET, GH)}"
    assert reason(lambda: verify_greenhouse(GH, header, [GREENHOUSE_SECRET])) == "mismatch"


def test_no_configured_secret_refuses_everything() -> None:
    header = f"sha256 {hex_hmac('', GH)}"
    with pytest.raises(SignatureError) as info:
        verify_greenhouse(GH, header, [])
    error = info.value
    assert error.reason == "not_configured"
    assert "HIRELOOP_GREENHOUSE_WEBHOOK_SECRET" in error.message


def test_ashby_header_format() -> None:
    body = payload_bytes("ashby/common-payload-data.candidateStageChange.as-documented.json")
    verify_ashby(body, f"sha256={hex_hmac('s', body)}", ["s"])
    assert reason(lambda: verify_ashby(body, f"sha256 {hex_hmac('s', body)}", ["s"])) == "malformed"
    assert reason(lambda: verify_ashby(body, f"sha256={hex_hmac('x', body)}", ["s"])) == "mismatch"
    assert reason(lambda: verify_ashby(body, None, ["s"])) == "missing"


def test_lever_documented_delivery_fails_with_our_token_and_passes_with_a_fresh_signature() -> None:
    document = json.loads(payload_bytes("lever/candidateStageChange.corrected.json"))
    token, at = document["token"], document["triggeredAt"]
    # Signed by Lever with a token we do not know.
    assert (
        reason(
            lambda: verify_lever(
                token, at, document["signature"], [LEVER_TOKEN], now_ms=at + 1000, window_ms=WINDOW
            )
        )
        == "mismatch"
    )
    signature = lever_signature(token, at)
    verify_lever(token, at, signature, [LEVER_TOKEN], now_ms=at + 1000, window_ms=WINDOW)
    # The same delivery a day and a minute later is stale; so is one from the future.
    late = at + WINDOW + 60_000
    assert (
        reason(
            lambda: verify_lever(token, at, signature, [LEVER_TOKEN], now_ms=late, window_ms=WINDOW)
        )
        == "stale"
    )
    early = at - 10 * 60_000
    assert (
        reason(
            lambda: verify_lever(
                token, at, signature, [LEVER_TOKEN], now_ms=early, window_ms=WINDOW
            )
        )
        == "stale"
    )


@pytest.mark.parametrize(
    ("token", "at", "signature", "expected"),
    [
        ("t" * 48, 1, None, "missing"),
        ("t" * 48, 1, "", "missing"),
        ("t" * 48, 1, 123, "malformed"),
        (None, 1, "ab", "malformed"),
        ("t" * 48, "1", "ab", "malformed"),
        ("t" * 48, True, "ab", "malformed"),
        ("t" * 48, 1, "ab", "mismatch"),
    ],
)
def test_lever_field_problems(token: object, at: object, signature: object, expected: str) -> None:
    assert (
        reason(
            lambda: verify_lever(token, at, signature, [LEVER_TOKEN], now_ms=2, window_ms=WINDOW)
        )
        == expected
    )


def test_lever_rotation_accepts_either_token() -> None:
    at = 1_700_000_000_000
    signature = lever_signature("tok", at, "old-token")
    verify_lever("tok", at, signature, ["new-token", "old-token"], now_ms=at, window_ms=WINDOW)

"""At most once: what a failed SES or SNS call means for the message, and the clients that
send never repeating a request themselves (``chalicelib.reminders.send_failure``,
``chalicelib.aws.client(..., sends=True)``). No AWS: botocore's ``before-send`` event answers."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from chalicelib import aws
from chalicelib.errors import ServiceUnavailable
from chalicelib.reminders import REFUSED, RETRY, UNKNOWN, send_failure


def _answer(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "SendRawEmail",
    )


@pytest.mark.parametrize(
    ("error", "meaning"),
    [
        # It never left: try again.
        (EndpointConnectionError(endpoint_url="https://e"), RETRY),
        (ConnectTimeoutError(endpoint_url="https://e"), RETRY),
        (_answer("Throttling", 400), RETRY),
        (_answer("ServiceUnavailable", 503), RETRY),
        (ServiceUnavailable("ours"), RETRY),
        # Refused: trying again would not help.
        (_answer("MessageRejected", 400), REFUSED),
        (_answer("InvalidParameter", 400), REFUSED),
        # It may have gone: never again.
        (ReadTimeoutError(endpoint_url="https://e"), UNKNOWN),
        (ConnectionClosedError(endpoint_url="https://e"), UNKNOWN),
        (_answer("InternalFailure", 500), UNKNOWN),
        (_answer("InternalError", 500), UNKNOWN),
        (TimeoutError(), UNKNOWN),
        (RuntimeError("anything else"), UNKNOWN),
    ],
)
def test_what_a_failed_send_means(error: Exception, meaning: str) -> None:
    assert send_failure(error) == meaning


@pytest.mark.parametrize(("sends", "requests"), [(True, 1), (False, 5)])
def test_a_sending_client_never_repeats_a_request_that_timed_out(  # others: 4 more tries
    monkeypatch: pytest.MonkeyPatch, sends: bool, requests: int
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    aws.reset()
    try:
        ses = aws.client("ses", "us-east-1", sends=sends)
        made: list[str] = []

        def time_out(request, **_kwargs):  # type: ignore[no-untyped-def]
            made.append(request.url)
            raise ReadTimeoutError(endpoint_url=request.url)

        ses.meta.events.register("before-send.ses.SendRawEmail", time_out)
        # No pause between botocore's own tries (its standard mode backs off for seconds).
        monkeypatch.setattr(
            "botocore.retries.standard.ExponentialBackoff.delay_amount", lambda *a: 0
        )
        with pytest.raises(ReadTimeoutError):
            ses.send_raw_email(Source="a@example.org", RawMessage={"Data": b"x"})
        assert len(made) == requests
    finally:
        aws.reset()


@pytest.mark.parametrize(
    ("start", "end"), [("0\u0669:00", "10:00"), ("22:00", "not a time"), ("22:00", 7)]
)
def test_quiet_hours_stored_unreadable_count_as_none(start: object, end: object) -> None:
    """A value saved before only ASCII digits were taken ("0٩:00") stopped the whole notice
    run with a ValueError, for everyone due in it: now that person simply has no quiet hours."""
    from datetime import time

    from chalicelib.reminders import in_quiet_hours

    assert in_quiet_hours(time(9, 30), start, end) is False  # type: ignore[arg-type]
    assert in_quiet_hours(time(9, 30), "09:00", "10:00") is True

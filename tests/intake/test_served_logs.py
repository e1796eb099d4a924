"""Served as `ctip serve` serves it (uvicorn, no access log), a tip leaves the reporter's
address, forwarded address and user agent in no log line."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn

from ctip import cli
from ctip.config import Settings

FORWARDED = "198.51.100.201"
AGENT = "ServedProbe/1.0 (log-check-5513)"


def _serve_kwargs(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> dict[str, Any]:
    """The keyword arguments `ctip serve` hands to uvicorn (captured, not run)."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    cli._serve(settings, "127.0.0.1", 0)
    return seen


def test_a_served_tip_leaves_no_client_trace_in_the_logs(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    kwargs = _serve_kwargs(monkeypatch, app_settings)
    assert kwargs["access_log"] is False
    app = kwargs.pop("app")
    for name in ("host", "port"):
        kwargs.pop(name)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **kwargs))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1/tips"
        headers = {"User-Agent": AGENT, "X-Forwarded-For": FORWARDED}
        body = {"reporter_location": "inside_us", "activity": "other", "narrative": "served"}
        assert httpx.post(url, json=body, headers=headers).status_code == 201
        assert httpx.post(url, json={}, headers=headers).status_code == 422
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    out, err = capfd.readouterr()
    logged = out + err
    for trace in (FORWARDED, "ServedProbe", "5513", "127.0.0.1:"):
        assert trace not in logged.replace("http://127.0.0.1:", ""), trace

"""Following a job an API route answered 202 with, as a client would (tests' helper)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from ctip.store import jobs

JOB_WAIT_SECONDS = 120


def finished_job(client: TestClient, headers: dict[str, str], accepted: Response) -> dict[str, Any]:
    """The job behind a 202, read from its `Location` once it has ended."""
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["id"]
    jobs.runner().wait(job_id, JOB_WAIT_SECONDS)
    response = client.get(accepted.headers["Location"], headers=headers)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    assert job["state"] in ("done", "failed"), job
    return job


def import_answer(
    client: TestClient, headers: dict[str, str], response: Response
) -> dict[str, Any]:
    """What an import said, as the synchronous route did before it became a job: the
    outcome (`_status` 200) when the job is done, the error body (`_status` 422...) when it
    failed, and the route's own refusal when there was no job."""
    if response.status_code != 202:
        body: dict[str, Any] = response.json()
        body["_status"] = response.status_code
        return body
    job = finished_job(client, headers, response)
    if job["state"] == "done":
        return {**job["result"], "_status": 200, "_job": job}
    status = 422 if job["error_code"] == "invalid_request" else 500
    error = {"code": job["error_code"], "message": job["message"], "details": job["rejects"]}
    return {"error": error, "_status": status, "_job": job}

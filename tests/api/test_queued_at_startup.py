"""An upload stored but never queued — a server killed between renaming the received file to
its name and inserting its job — is queued at the next start and indexed, once.

The state is made by the code that makes it in production (``UploadStore.commit``: the file
and its metadata sidecar under the document's name) after a real server was SIGKILLed; a
kill cannot be timed to land between the rename and the job insert from outside.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.crash import sigkill
from tests.support.crash_helpers import policykb_serve
from tests.support.jobs import wait_job

pytestmark = pytest.mark.slow  # three server starts, each loading the model

SEED = (b"# Rural Connectivity Note\n\nThe ministry will bring 4G coverage to every district "
        b"of Mondulkiri and train district staff in cybersecurity.\n")
NAME = "mangrove sensors.md"
NOTE = (b"# Mangrove Sensor Network\n\nThe provincial fisheries office will install tide sensors "
        b"in the mangroves of Koh Kong and publish the readings as open data every hour.\n")
TITLE = "Mangrove Tide Sensor Network 2026"


def jobs(base: str, headers: dict[str, str]) -> list[dict]:
    response = httpx.get(f"{base}/jobs", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_stored_upload_without_a_job_is_queued_and_indexed_at_startup(tmp_path: Path) -> None:
    from api.keys import KeyStore
    from core.settings import Settings
    from ingest.jobs import JobQueue
    from ingest.uploads import UploadStore

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    data = settings.data_dir
    _, secret = KeyStore(settings.keys_path).create("editor")
    editor = {"Authorization": f"Bearer {secret}"}
    log = tmp_path / "server.log"

    with policykb_serve(data, log) as (base, proc):
        seed = httpx.post(f"{base}/documents", headers=editor, files={"file": ("seed.md", SEED)},
                          timeout=60).json()
        assert wait_job(base, editor, seed["job_id"])["state"] == "done"
        sigkill(proc)

    # What the kill leaves when it lands after the rename and before the job insert.
    uploads = UploadStore(settings.uploads_dir)
    received = uploads.new_temp()
    received.write_bytes(NOTE)
    uploads.commit(received, NAME, {"title": TITLE, "doc_type": "meeting_record"})
    assert uploads.files() == sorted(["seed.md", NAME])
    queue = JobQueue(settings.jobs_path)
    assert [j.file_name for j in queue.recent()] == ["seed.md"] and queue.pending_files() == set()

    with policykb_serve(data, log) as (base, _):
        listed = jobs(base, editor)
        assert [j["file_name"] for j in listed] == [NAME, "seed.md"], listed
        startup = listed[0]
        assert startup["submitted_by"] == "startup" and startup["kind"] == "ingest"
        done = wait_job(base, editor, startup["job_id"])
        assert done["state"] == "done", done
        assert done["result"]["status"] == "indexed" and done["result"]["doc_ids"] == [NAME]
        document = httpx.get(f"{base}/documents/{NAME}", headers=editor, timeout=30).json()
        assert document["title"] == TITLE and document["doc_type"] == "meeting_record"  # sidecar
        hits = httpx.post(f"{base}/search", headers=editor, timeout=60,
                          json={"query": "tide sensors in the Koh Kong mangroves", "k": 5})
        assert hits.json()["hits"][0]["doc_id"] == NAME

    with policykb_serve(data, log) as (base, _):  # indexed now: nothing is queued again
        assert [j["file_name"] for j in jobs(base, editor)] == [NAME, "seed.md"]

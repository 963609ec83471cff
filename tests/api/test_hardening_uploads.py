"""Uploads staged until their job runs (issue #16): a delete followed at once by a re-upload
never loses the re-upload, a failed re-upload leaves the stored original and the indexed
version as they were, racing uploads each report the bytes they indexed, staged leftovers of
a crash are swept, and job history is pruned. Real app over HTTP, real ingest."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

import httpx

from api.app import create_app
from ingest.jobs import JobQueue
from ingest.uploads import UploadStore
from tests.api.test_uploads_http import PLAN, keys, search_doc_ids, upload_settings  # noqa: F401
from tests.support.jobs import wait_job

PDF = (Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "english.pdf").read_bytes()


def test_delete_then_immediate_reupload_is_never_lost(keys, upload_settings, live_server):  # noqa: F811
    services, editor, reader = keys
    name = "cycle plan.md"
    with live_server(create_app(upload_settings, services)) as base:
        first = httpx.post(f"{base}/documents", headers=editor, files={"file": (name, PLAN)})
        assert wait_job(base, editor, first.json()["job_id"])["state"] == "done"
        for n in range(30):
            body = PLAN + f"\nRevision {n}.\n".encode()
            gone = httpx.delete(f"{base}/documents/{quote(name)}", headers=editor)
            again = httpx.post(f"{base}/documents", headers=editor, files={"file": (name, body)})
            assert gone.status_code == 202 and again.status_code == 202
            assert wait_job(base, editor, gone.json()["job_id"])["state"] == "done"
            done = wait_job(base, editor, again.json()["job_id"])
            assert done["state"] == "done", (n, done)
            assert done["result"]["sha256"] == hashlib.sha256(body).hexdigest()
            assert (upload_settings.uploads_dir / name).read_bytes() == body
        assert name in search_doc_ids(base, reader, "fibre broadband for commune offices")


def test_a_failed_reupload_keeps_the_original_stored_and_indexed(keys, upload_settings, live_server):  # noqa: F811
    services, editor, reader = keys
    with live_server(create_app(upload_settings, services)) as base:
        good = httpx.post(f"{base}/documents", headers=editor, files={"file": ("report.pdf", PDF)})
        assert wait_job(base, editor, good.json()["job_id"])["state"] == "done"
        chunks = services.catalog.get_document("report.pdf").n_chunks
        bad = httpx.post(f"{base}/documents", headers=editor,
                         files={"file": ("report.pdf", b"%PDF-1.4 this is no PDF at all")})
        failed = wait_job(base, editor, bad.json()["job_id"])
        assert failed["state"] == "failed" and "previous version stays" in failed["error"]
        served = httpx.get(f"{base}/documents/report.pdf/file", headers=reader)
        assert served.status_code == 200 and served.content == PDF
        assert (upload_settings.uploads_dir / "report.pdf").read_bytes() == PDF
        assert services.catalog.get_document("report.pdf").n_chunks == chunks
    leftovers = {p.relative_to(upload_settings.uploads_dir).as_posix()
                 for p in upload_settings.uploads_dir.rglob("*") if p.is_file()}
    # nothing staged or set aside is left behind: the original and its sidecar (every upload
    # names its collection there, so a job re-queued at startup knows where it goes)
    assert leftovers == {"report.pdf", "report.pdf.meta.yaml"}
    sidecar = (upload_settings.uploads_dir / "report.pdf.meta.yaml").read_text(encoding="utf-8")
    assert "collection: public" in sidecar


def test_racing_uploads_of_one_name_each_report_their_own_bytes(keys, upload_settings, live_server):  # noqa: F811
    services, editor, _ = keys
    bodies = [PLAN + b"\nFirst draft.\n", PLAN + b"\nSecond draft, with the help desk hours.\n"]
    responses: list[httpx.Response] = []

    def send(body: bytes) -> None:
        responses.append(httpx.post(f"{base}/documents", headers=editor,
                                    files={"file": ("draft.md", body)}))

    with live_server(create_app(upload_settings, services)) as base:
        threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        jobs = [wait_job(base, editor, r.json()["job_id"]) for r in responses]
        assert all(j["state"] == "done" for j in jobs)
        reported = {j["result"]["sha256"] for j in jobs}
        assert reported == {hashlib.sha256(b).hexdigest() for b in bodies}
        newest = httpx.get(f"{base}/jobs", headers=editor).json()[0]  # submitted last, ran last
        stored = (upload_settings.uploads_dir / "draft.md").read_bytes()
        assert hashlib.sha256(stored).hexdigest() == newest["result"]["sha256"]


def test_staged_uploads_without_a_job_are_swept_at_startup(keys, upload_settings, live_server):  # noqa: F811
    services, editor, _ = keys
    store = UploadStore(upload_settings.uploads_dir)
    temp = store.new_temp()
    temp.write_bytes(PLAN)
    orphan = store.stage(temp, "deadbeef00112233", "never queued.md", {})
    assert orphan.is_file()
    with live_server(create_app(upload_settings, services)) as base:
        assert httpx.get(f"{base}/jobs", headers=editor).json() == []
    assert not orphan.exists() and not orphan.parent.exists()
    assert services.catalog.get_document("never queued.md") is None


def test_job_history_is_pruned_by_age_beyond_the_newest(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path / "jobs.sqlite3")
    ids = [queue.submit("delete", doc_id=f"d{n}").job_id for n in range(6)]
    with sqlite3.connect(queue.path) as conn:
        conn.execute("UPDATE jobs SET state = 'done', finished_at = '2020-01-01T00:00:00+00:00'")
        conn.execute("UPDATE jobs SET state = 'queued', finished_at = NULL WHERE job_id = ?", (ids[0],))
    assert queue.prune(keep_days=30, keep_last=2) == 3  # d1..d3 old and beyond the newest two
    assert {j.doc_id for j in queue.recent()} == {"d0", "d4", "d5"}  # a queued job always stays


def test_a_file_whose_path_holds_a_control_character_is_refused_by_name(tmp_path, settings, services):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan\nforged.md").write_text("# Plan\n\nBroadband for every commune.\n", encoding="utf-8")
    (folder / "fine.md").write_text("# Fine\n\nDigital skills for officials.\n", encoding="utf-8")
    report = services.ingestor.ingest([folder])
    failed = report.summary()["failed"]
    assert len(failed) == 1 and "control character" in failed[0]["reason"]
    assert "plan\\nforged.md" in failed[0]["reason"]
    assert [d.doc_id for d in services.catalog.documents()] == ["fine.md"]

"""POST /documents, DELETE /documents/{id} and /jobs over real HTTP: upload -> background
ingest -> searchable -> original served byte for byte -> delete; who may write; refusals."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from api.app import create_app
from tests.support.jobs import wait_job

PLAN = (
    b"# Provincial Broadband Action Plan\n\n"
    b"## Measure 1\n\nThe ministry will connect every commune office in Ratanakiri to fibre "
    b"broadband by 2027 and train commune clerks to run the online land registry.\n\n"
    b"## Measure 2\n\nA help desk in Banlung will answer citizens' questions about the "
    b"registry in Khmer and English.\n"
)


@pytest.fixture
def upload_settings(tmp_path: Path):
    from core.settings import Settings

    return Settings(data_dir=tmp_path / "data", ocr_enabled=False, rate_limit_per_minute=0,
                    max_upload_mb=1, _env_file=None)


@pytest.fixture
def keys(upload_settings, make_services):
    services = make_services(upload_settings)
    _, editor = services.keys.create("editor")
    _, reader = services.keys.create("reader")
    return services, {"Authorization": f"Bearer {editor}"}, {"Authorization": f"Bearer {reader}"}


def search_doc_ids(base: str, headers: dict, query: str) -> list[str]:
    response = httpx.post(f"{base}/search", headers=headers, json={"query": query, "k": 10})
    assert response.status_code == 200, response.text
    return [hit["doc_id"] for hit in response.json()["hits"]]


def test_upload_search_download_duplicate_delete(keys, upload_settings, live_server):
    services, editor, reader = keys
    name = "Broadband plan 2027.md"
    with live_server(create_app(upload_settings, services)) as base:
        sent = httpx.post(f"{base}/documents", headers=editor,
                          files={"file": (name, PLAN, "text/markdown")},
                          data={"title": "Broadband Plan", "doc_type": "plan", "date": "2024-03-01",
                                "language": "English"})
        assert sent.status_code == 202, sent.text
        job = sent.json()
        assert sent.headers["location"] == f"/jobs/{job['job_id']}"
        assert job["state"] in ("queued", "running") and job["kind"] == "ingest"
        assert job["doc_id"] == name

        done = wait_job(base, editor, job["job_id"])
        assert done["state"] == "done", done
        assert done["progress"]["stage"] == "done"
        assert done["result"]["status"] == "indexed" and done["result"]["doc_ids"] == [name]
        assert done["result"]["chunks"] >= 2

        assert name in search_doc_ids(base, reader, "fibre broadband for commune offices in Ratanakiri")
        doc = httpx.get(f"{base}/documents/{quote(name)}", headers=reader).json()
        assert (doc["title"], doc["doc_type"], doc["date"], doc["language"]) == (
            "Broadband Plan", "plan_draft", "2024-03-01", "en")
        original = httpx.get(f"{base}/documents/{quote(name)}/file", headers=reader)
        assert original.status_code == 200 and original.content == PLAN
        assert (upload_settings.uploads_dir / name).read_bytes() == PLAN

        generation = services.catalog.generation
        again = httpx.post(f"{base}/documents", headers=editor,
                           files={"file": (name, PLAN, "text/markdown")},
                           data={"title": "Broadband Plan", "doc_type": "plan",
                                 "date": "2024-03-01", "language": "English"})
        repeat = wait_job(base, editor, again.json()["job_id"])
        assert repeat["state"] == "done" and repeat["result"]["status"] == "unchanged"
        assert services.catalog.generation == generation  # nothing was re-indexed

        listed = httpx.get(f"{base}/jobs", headers=editor).json()
        assert [j["job_id"] for j in listed[:2]] == [again.json()["job_id"], job["job_id"]]

        gone = httpx.delete(f"{base}/documents/{quote(name)}", headers=editor)
        assert gone.status_code == 202 and gone.json()["kind"] == "delete"
        deleted = wait_job(base, editor, gone.json()["job_id"])
        assert deleted["state"] == "done"
        assert deleted["result"] == {"deleted": [name], "file_removed": name}
        assert name not in search_doc_ids(base, reader, "fibre broadband for commune offices in Ratanakiri")
        assert httpx.get(f"{base}/documents/{quote(name)}", headers=reader).status_code == 404
        assert httpx.get(f"{base}/documents/{quote(name)}/file", headers=reader).status_code == 404
        assert not (upload_settings.uploads_dir / name).exists()
        assert services.store.all_ids() == services.catalog.all_chunk_ids() == set()

        missing = httpx.delete(f"{base}/documents/{quote('policy/nope#headline-2')}", headers=editor)
        assert missing.status_code == 404 and "policy/nope#headline-2" in missing.json()["detail"]


def test_writes_need_an_editor_key(keys, upload_settings, live_server):
    services, editor, reader = keys
    upload = {"file": ("note.txt", b"Digital skills for officials.", "text/plain")}
    with live_server(create_app(upload_settings, services)) as base:
        for headers, status in (({}, 401), (reader, 403)):
            assert httpx.post(f"{base}/documents", headers=headers, files=upload).status_code == status
            assert httpx.delete(f"{base}/documents/note.txt", headers=headers).status_code == status
            assert httpx.get(f"{base}/jobs", headers=headers).status_code == status
        assert httpx.get(f"{base}/documents", headers=reader).status_code == 200  # reads stay readers'
        assert httpx.get(f"{base}/jobs", headers=editor).json() == []
        assert httpx.get(f"{base}/jobs/0123abcd", headers=editor).status_code == 404
    assert not (upload_settings.uploads_dir / "note.txt").exists()


def test_bad_uploads_are_refused_and_leave_nothing(keys, upload_settings, live_server):
    services, editor, _ = keys
    post = {"headers": editor}
    with live_server(create_app(upload_settings, services)) as base:
        def send(name: str, body: bytes, **data: str) -> httpx.Response:
            return httpx.post(f"{base}/documents", files={"file": (name, body)}, data=data, **post)

        exe = send("setup.exe", b"MZ\x90\x00")
        assert exe.status_code == 415 and ".exe" in exe.json()["detail"]
        empty = send("empty.md", b"")
        assert empty.status_code == 422 and "empty.md" in empty.json()["detail"]
        big = send("big.txt", b"a" * (2**20 + 1))
        assert big.status_code == 413 and "big.txt" in big.json()["detail"]
        bad_type = send("plan.md", PLAN, doc_type="novel")
        assert bad_type.status_code == 422 and "doc_type" in bad_type.json()["detail"]
        bad_date = send("plan.md", PLAN, date="someday")
        assert bad_date.status_code == 422 and "date" in bad_date.json()["detail"]
        bad_lang = send("plan.md", PLAN, language="fr")
        assert bad_lang.status_code == 422 and "language" in bad_lang.json()["detail"]
        unknown = send("plan.md", PLAN, owner="me")
        assert unknown.status_code == 422 and "owner" in unknown.json()["detail"]
        no_file = httpx.post(f"{base}/documents", data={"title": "x"}, files={"other": ("a.md", b"x")},
                             **post)
        assert no_file.status_code == 422 and "'file'" in no_file.json()["detail"]
        as_json = httpx.post(f"{base}/documents", json={"file": "plan.md"}, **post)
        assert as_json.status_code == 415
        nameless = send("../../...", PLAN)
        assert nameless.status_code == 422

        assert httpx.get(f"{base}/jobs", **post).json() == []
    leftovers = [p for p in upload_settings.uploads_dir.rglob("*") if p.is_file()]
    assert leftovers == []


def test_names_are_sanitised_and_failed_ingests_clean_up(keys, upload_settings, live_server):
    services, editor, reader = keys
    with live_server(create_app(upload_settings, services)) as base:
        # Built by hand: httpx would percent-escape the control character itself.
        body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                b"filename=\"../../out\x07side plan.md\"\r\n\r\n" + PLAN + b"\r\n--XyZ--\r\n")
        sneaky = httpx.post(f"{base}/documents", content=body, headers={
            **editor, "Content-Type": "multipart/form-data; boundary=XyZ"})
        assert sneaky.status_code == 202, sneaky.text
        job = wait_job(base, editor, sneaky.json()["job_id"])
        assert job["state"] == "done" and job["result"]["doc_ids"] == ["outside plan.md"]
        assert (upload_settings.uploads_dir / "outside plan.md").is_file()
        assert not (upload_settings.data_dir / "outside plan.md").exists()
        cut = httpx.post(f"{base}/documents", content=body[:-12], headers={
            **editor, "Content-Type": "multipart/form-data; boundary=XyZ"})
        assert cut.status_code == 400 and "cut short" in cut.json()["detail"]

        junk = httpx.post(f"{base}/documents", headers=editor,
                          files={"file": ("scan.pdf", b"this is not a PDF at all")})
        failed = wait_job(base, editor, junk.json()["job_id"])
        assert failed["state"] == "failed" and failed["error"].startswith("scan.pdf")
        assert str(upload_settings.data_dir) not in failed["error"]  # no server paths shown
        assert not (upload_settings.uploads_dir / "scan.pdf").exists()
        assert "scan.pdf" not in [d["doc_id"] for d in httpx.get(f"{base}/documents",
                                                                  headers=reader).json()]


def test_folder_documents_are_protected_and_their_files_kept(tmp_path, keys, upload_settings,
                                                            live_server):
    services, editor, reader = keys
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "plan.md").write_bytes(PLAN)
    assert not services.ingestor.ingest([folder]).failed
    with live_server(create_app(upload_settings, services)) as base:
        clash = httpx.post(f"{base}/documents", headers=editor, files={"file": ("plan.md", PLAN)})
        assert clash.status_code == 409 and "plan.md" in clash.json()["detail"]
        gone = httpx.delete(f"{base}/documents/plan.md", headers=editor)
        job = wait_job(base, editor, gone.json()["job_id"])
        assert job["state"] == "done" and job["result"] == {"deleted": ["plan.md"],
                                                            "file_removed": None}
        assert httpx.get(f"{base}/documents", headers=reader).json() == []
    assert (folder / "plan.md").read_bytes() == PLAN  # an ingested folder is the user's own

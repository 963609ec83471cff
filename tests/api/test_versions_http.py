"""Versions over real HTTP: a re-upload through POST /documents becomes version 2; the list,
a page of the old version, the diff of the two, and 404s that name what is missing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from api.app import create_app
from tests.support.jobs import wait_job

V1 = (b"# Commune Services Plan\n\n## Mechanism 1: Registry\n\nPut the land registry of every "
      b"commune online by 2027.\n\n## Mechanism 2: Help desk\n\nA help desk in Banlung answers "
      b"questions in Khmer and English.\n")
V2 = (b"# Commune Services Plan\n\n## Mechanism 1: Registry\n\nPut the land registry of every "
      b"commune online by 2028.\n\n## Mechanism 3: Payments\n\nCitizens pay commune fees by "
      b"mobile banking.\n")
NAME = "commune services.md"


@pytest.fixture
def served(tmp_path: Path, make_services):
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, rate_limit_per_minute=0,
                        _env_file=None)
    services = make_services(settings)
    _, editor = services.keys.create("editor")
    _, reader = services.keys.create("reader")
    return settings, services, {"Authorization": f"Bearer {editor}"}, {
        "Authorization": f"Bearer {reader}"}


def _upload(base: str, editor: dict, body: bytes) -> None:
    sent = httpx.post(f"{base}/documents", headers=editor,
                      files={"file": (NAME, body, "text/markdown")}, data={"doc_type": "plan"})
    assert sent.status_code == 202, sent.text
    assert wait_job(base, editor, sent.json()["job_id"])["state"] == "done"


def test_reupload_makes_version_two_listed_paged_and_diffed(served, live_server):
    settings, services, editor, reader = served
    doc = quote(NAME)
    with live_server(create_app(settings, services)) as base:
        _upload(base, editor, V1)
        listed = httpx.get(f"{base}/documents/{doc}/versions", headers=reader).json()
        assert [(v["version"], v["current"]) for v in listed] == [(1, True)]
        _upload(base, editor, V2)

        listed = httpx.get(f"{base}/documents/{doc}/versions", headers=reader)
        assert listed.status_code == 200, listed.text
        versions = listed.json()
        assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
        assert len(versions[0]["content_sha256"]) == 64 and versions[0]["n_pages"] == 1
        assert httpx.get(f"{base}/documents/{doc}", headers=reader).json()["version"] == 2

        old = httpx.get(f"{base}/documents/{doc}/versions/1/pages/1", headers=reader).json()
        assert old["version"] == 1 and "Help desk" in old["text"] and "2027" in old["text"]
        new = httpx.get(f"{base}/documents/{doc}/versions/2/pages/1", headers=reader).json()
        assert "mobile banking" in new["text"]
        assert httpx.get(f"{base}/documents/{doc}/pages/1", headers=reader).json()["text"] == \
            new["text"]

        diff = httpx.get(f"{base}/documents/{doc}/versions/diff", headers=reader)
        assert diff.status_code == 200, diff.text
        sections = diff.json()["sections"]
        assert (sections["from_version"], sections["to_version"]) == (1, 2)
        assert [s["section"].rsplit(" > ", 1)[-1] for s in sections["added"]] == [
            "Mechanism 3: Payments"]
        assert [s["section"].rsplit(" > ", 1)[-1] for s in sections["removed"]] == [
            "Mechanism 2: Help desk"]
        assert any("{+2028+}" in h for s in sections["changed"] for h in s["excerpt"])
        assert diff.json()["alignment"] is None
        explicit = httpx.get(f"{base}/documents/{doc}/versions/diff?from=1&to=2", headers=reader)
        assert explicit.json()["sections"] == sections

        for path, named in [("/documents/nope.md/versions", "nope.md"),
                            (f"/documents/{doc}/versions/9/pages/1", "no version 9"),
                            (f"/documents/{doc}/versions/1/pages/5", "has no page 5"),
                            ("/documents/nope.md/versions/1/pages/1", "nope.md"),
                            (f"/documents/{doc}/versions/diff?from=1&to=3", "no version 3"),
                            (f"/documents/{doc}/versions/diff?to=1", "no version before")]:
            missing = httpx.get(f"{base}{path}", headers=reader)
            assert missing.status_code == 404, (path, missing.text)
            assert named in missing.json()["detail"], (path, missing.text)
        assert httpx.get(f"{base}/documents/{doc}/versions").status_code == 401  # a key is needed

        # deleting the document deletes its history
        gone = httpx.delete(f"{base}/documents/{doc}", headers=editor)
        assert wait_job(base, editor, gone.json()["job_id"])["state"] == "done"
        assert httpx.get(f"{base}/documents/{doc}/versions", headers=reader).status_code == 404

"""The audit log over real HTTP: every read and write recorded by key id, with the query's hash
and the documents returned or cited, never a secret or a question's text; rotated by size."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from api.app import create_app
from api.audit import AuditLog
from tests.support.jobs import wait_job
from tests.support.servers import serve

FIBRE = """---
title: Commune Fibre Broadband Plan
date: 2024-02-01
---
# Fibre to every commune office

The ministry will connect every commune office in Mondulkiri to fibre broadband by 2028.
Commune clerks will be trained to run the online civil registry in Khmer and English.

## Help desk

A help desk in Sen Monorom will answer citizens' questions about the civil registry.
"""

RICE = """---
title: Rice Export Promotion Note
date: 2020-05-05
---
Exporters of fragrant jasmine rice will receive a faster phytosanitary certificate at the
port of Sihanoukville, and millers may borrow from a credit line for new drying machines.
"""

UPLOADED = b"# Drone survey notes\n\nVolunteers will map flooded paddies in Prey Veng with drones.\n"
QUESTION = "Which commune offices will get fibre broadband?"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[dict[str, Any]]:
    """Two written documents ingested for real; reads open, so anonymous reads are possible."""
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("audit")
    corpus = root / "docs"
    corpus.mkdir()
    (corpus / "fibre_plan.md").write_text(FIBRE, encoding="utf-8")
    (corpus / "rice_note.md").write_text(RICE, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, read_access="open",
                        rate_limit_per_minute=0, _env_file=None)
    services = Services(settings, model=embedder)
    assert not services.ingestor.ingest([corpus]).failed
    keys = {role: services.keys.create(role)[1] for role in ("reader", "editor", "admin")}
    ids = {role: services.keys.verify(secret).key_id for role, secret in keys.items()}
    with serve(create_app(settings, services)) as base:
        yield {"base": base, "keys": keys, "ids": ids, "log": root / "data" / "audit" / "audit.jsonl",
               "headers": {r: {"Authorization": f"Bearer {k}"} for r, k in keys.items()}}


def lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in log.read_text(encoding="utf-8").splitlines()] \
        if log.exists() else []


def records_of(log: Path, action: str, after: int, count: int = 1,
               timeout: float = 5.0) -> list[dict[str, Any]]:
    """The first ``count`` records of ``action`` written after line ``after`` (a record is
    written once the response is complete, so it may land a moment after the client has it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r for r in lines(log)[after:] if r["action"] == action]
        if len(found) >= count:
            return found[:count]
        time.sleep(0.02)
    raise AssertionError(f"not {count} {action} records after line {after}: {lines(log)[after:]}")


def record_of(log: Path, action: str, after: int) -> dict[str, Any]:
    return records_of(log, action, after)[0]


def test_search_and_ask_record_key_query_hash_and_documents(stack: dict[str, Any]) -> None:
    base, log, reader = stack["base"], stack["log"], stack["headers"]["reader"]
    start = len(lines(log))
    query = "fibre broadband for commune offices"
    hits = httpx.post(f"{base}/search", headers=reader, json={"query": query, "k": 5}).json()["hits"]
    assert hits and hits[0]["doc_id"] == "fibre_plan.md"
    search = record_of(log, "search", start)
    assert search["key_id"] == stack["ids"]["reader"] and search["role"] == "reader"
    assert search["status"] == 200 and search["query_sha256"] == sha(query)
    assert search["docs"] == list(dict.fromkeys(h["doc_id"] for h in hits))  # from the body
    assert "query" not in search and "client" not in search
    assert search["time"].endswith("Z")

    start = len(lines(log))
    answer = httpx.post(f"{base}/ask", headers=reader, json={"question": QUESTION}, timeout=60)
    assert answer.status_code == 200, answer.text
    cited = list(dict.fromkeys(c["doc_id"] for c in answer.json()["citations"]))
    assert "fibre_plan.md" in cited
    ask = record_of(log, "ask", start)
    assert (ask["key_id"], ask["status"], ask["docs"]) == (stack["ids"]["reader"], 200, cited)
    assert ask["query_sha256"] == sha(QUESTION)

    start = len(lines(log))
    with httpx.stream("POST", f"{base}/ask/stream", headers=reader, timeout=60,
                      json={"question": QUESTION}) as stream:
        body = "".join(stream.iter_text())
    assert "event: done" in body
    streamed = record_of(log, "ask_stream", start)
    assert streamed["docs"] == cited and streamed["query_sha256"] == sha(QUESTION)

    text = log.read_text(encoding="utf-8")
    assert QUESTION not in text and query not in text  # only hashes by default


def test_file_and_page_reads_name_the_document_and_page(stack: dict[str, Any]) -> None:
    base, log, reader = stack["base"], stack["log"], stack["headers"]["reader"]
    start = len(lines(log))
    assert httpx.get(f"{base}/documents/fibre_plan.md/file", headers=reader).status_code == 200
    assert httpx.get(f"{base}/documents/fibre_plan.md/pages/1", headers=reader).status_code == 200
    assert httpx.get(f"{base}/documents/nope.md/pages/1", headers=reader).status_code == 404
    file_read = record_of(log, "file_read", start)
    assert (file_read["docs"], file_read["status"]) == (["fibre_plan.md"], 200)
    pages = records_of(log, "page_read", start, count=2)
    assert [(p["docs"], p["page"], p["status"]) for p in pages] == [
        (["fibre_plan.md"], 1, 200), (["nope.md"], 1, 404)]  # an attempt is recorded too


def test_upload_and_delete_by_an_editor(stack: dict[str, Any]) -> None:
    base, log, editor = stack["base"], stack["log"], stack["headers"]["editor"]
    start = len(lines(log))
    sent = httpx.post(f"{base}/documents", headers=editor,
                      files={"file": ("drone notes.md", UPLOADED, "text/markdown")})
    assert sent.status_code == 202, sent.text
    assert wait_job(base, editor, sent.json()["job_id"])["state"] == "done"
    upload = record_of(log, "upload", start)
    assert (upload["key_id"], upload["role"], upload["status"]) == (stack["ids"]["editor"], "editor", 202)
    assert upload["docs"] == ["drone notes.md"] and upload["target"] == sent.json()["job_id"]
    assert record_of(log, "job_read", start)["target"] == sent.json()["job_id"]

    start = len(lines(log))
    gone = httpx.delete(f"{base}/documents/{quote('drone notes.md')}", headers=editor)
    assert gone.status_code == 202
    delete = record_of(log, "delete", start)
    assert delete["docs"] == ["drone notes.md"] and delete["target"] == gone.json()["job_id"]
    wait_job(base, editor, gone.json()["job_id"])

    start = len(lines(log))  # a reader may not upload: refused, and recorded as refused
    refused = httpx.post(f"{base}/documents", headers=stack["headers"]["reader"],
                         files={"file": ("x.md", b"# x\n", "text/markdown")})
    assert refused.status_code == 403
    assert record_of(log, "upload", start)["status"] == 403


def test_key_changes_by_an_admin_and_no_secret_in_the_log(stack: dict[str, Any]) -> None:
    base, log, admin = stack["base"], stack["log"], stack["headers"]["admin"]
    start = len(lines(log))
    created = httpx.post(f"{base}/keys", headers=admin, json={"role": "reader", "name": "audit"})
    assert created.status_code == 201
    new_id, new_secret = created.json()["key_id"], created.json()["key"]
    assert httpx.delete(f"{base}/keys/{new_id}", headers=admin).status_code == 200
    create = record_of(log, "key_create", start)
    revoke = record_of(log, "key_revoke", start)
    assert (create["key_id"], create["target"], create["status"]) == (stack["ids"]["admin"], new_id, 201)
    assert (revoke["target"], revoke["status"]) == (new_id, 200)

    bad = httpx.get(f"{base}/documents", headers={"Authorization": "Bearer pkb_forged_0123456789"})
    assert bad.status_code == 401
    refused = record_of(log, "document_list", start)
    assert (refused["status"], refused["key_id"], refused["unverified_key"]) == (401, "anonymous", True)
    text = log.read_text(encoding="utf-8")
    for secret in [*stack["keys"].values(), new_secret, "pkb_forged_0123456789"]:
        assert secret not in text
    assert "Bearer" not in text and "authorization" not in text.lower()


def test_an_anonymous_read_records_a_hash_of_the_address_only(stack: dict[str, Any]) -> None:
    base, log = stack["base"], stack["log"]
    start = len(lines(log))
    assert httpx.post(f"{base}/search", json={"query": "jasmine rice exporters"}).status_code == 200
    record = record_of(log, "search", start)
    assert record["key_id"] == "anonymous" and record["role"] is None
    assert len(record["client"]) == 16 and int(record["client"], 16) >= 0
    assert record["client"] != hashlib.sha256(b"127.0.0.1").hexdigest()[:16]  # keyed, not bare
    assert "rice_note.md" in record["docs"]
    assert "127.0.0.1" not in log.read_text(encoding="utf-8")
    again = httpx.get(f"{base}/documents")  # the same address hashes the same way
    assert again.status_code == 200
    assert record_of(log, "document_list", start)["client"] == record["client"]


def test_rotation_by_size_query_text_setting_and_switch_off(tmp_path: Path, embedder: Any) -> None:
    from core.settings import Settings
    from policykb.services import Services

    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, rate_limit_per_minute=0,
                        audit_max_mb=0.001, audit_keep=2, audit_query_text=True,
                        audit_fsync=True, _env_file=None)  # fsync: written from a thread
    services = Services(settings, model=embedder)
    log = AuditLog.of(settings)
    with serve(create_app(settings, services)) as base:
        for n in range(40):
            httpx.post(f"{base}/search", json={"query": f"telecom towers {n}"})
        time.sleep(0.2)
    files = sorted(p.name for p in log.path.parent.glob("audit.jsonl*"))
    assert files == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]  # .3 and older dropped
    for path in log.files():
        assert path.stat().st_size <= 1100  # the limit (1 KB) plus at most one record
    newest = list(log.records())
    assert newest[0]["query"] == "telecom towers 39"  # the text only because the setting says so
    assert [r["query"] for r in newest] == [f"telecom towers {n}" for n in
                                           range(39, 39 - len(newest), -1)]  # no gap, no tear

    quiet = settings.model_copy(update={"data_dir": tmp_path / "quiet", "audit": False})
    with serve(create_app(quiet, Services(quiet, model=embedder))) as base:
        assert httpx.post(f"{base}/search", json={"query": "towers"}).status_code == 200
    assert not (tmp_path / "quiet" / "audit").exists()


_WRITER = """
import sys
from pathlib import Path
from api.audit import AuditLog
log = AuditLog(Path(sys.argv[1]), max_bytes=4000, keep=1000)
for n in range(150):
    log.append({"action": "search", "key_id": sys.argv[2], "n": n, "pad": "x" * 40})
"""


def test_several_processes_rotate_without_losing_or_tearing_a_record(tmp_path: Path) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), f"w{i}"])
               for i in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    log = AuditLog(tmp_path, max_bytes=4000, keep=1000)
    assert len(log.files()) > 5  # it did rotate, many times
    seen = sorted((r["key_id"], r["n"]) for r in log.records())
    assert seen == sorted((f"w{i}", n) for i in range(4) for n in range(150))
    for path in log.files():
        assert all(line.startswith(b'{"action"') for line in path.read_bytes().splitlines())


def test_related_and_alignment_documents_come_from_the_response(stack: dict[str, Any]) -> None:
    base, log, reader = stack["base"], stack["log"], stack["headers"]["reader"]
    start = len(lines(log))
    related = httpx.post(f"{base}/related", headers=reader,
                         json={"doc_id": "rice_note.md", "page": 1, "k": 5}).json()
    record = record_of(log, "related", start)
    assert record["target"] == "rice_note.md" and "query_sha256" not in record  # no text sent
    assert record["docs"] == list(dict.fromkeys(h["doc_id"] for h in related["hits"]))

    start = len(lines(log))
    loose = "Connect every commune office to fibre broadband."
    assert httpx.post(f"{base}/alignment", headers=reader, json={"text": loose}).status_code == 422
    refused = record_of(log, "alignment", start)
    assert (refused["status"], refused["query_sha256"]) == (422, sha(loose))

    start = len(lines(log))
    plan = ("Mechanism 1: Connect every commune office to fibre broadband.\n"
            "Mechanism 2: Train commune clerks to run the online civil registry.\n")
    aligned = httpx.post(f"{base}/alignment", headers=reader, json={"text": plan}, timeout=120)
    assert aligned.status_code == 200, aligned.text
    evidence = [e["doc_id"] for m in aligned.json()["mechanisms"] for a in m["alignments"]
                for e in a["evidence"]]
    record = record_of(log, "alignment", start)
    assert record["docs"] == list(dict.fromkeys(evidence)) and record["query_sha256"] == sha(plan)
    assert record["status"] == 200 and record["result_id"] == aligned.headers["x-result-id"]  # (the registry's policies are not in this small index: evidence is read in the next test)


def test_alignment_stream_result_event_is_read_for_its_evidence() -> None:
    from api.audit_middleware import _response_docs

    report = {"mechanisms": [{"alignments": [{"evidence": [{"doc_id": "a.pdf"}, {"doc_id": "b.md"}]},
                                             {"evidence": [{"doc_id": "a.pdf"}]}]}]}
    stream = b"\n".join(json.dumps(e).encode() for e in [
        {"event": "progress", "done": 0, "total": 1, "mechanism": {"label": "1", "text": "x"}},
        {"event": "result", "result_id": "r1", "report": report}])
    assert _response_docs("alignment", "application/x-ndjson", stream) == ["a.pdf", "b.md"]
    assert _response_docs("alignment", "application/json", json.dumps(report).encode()) == [
        "a.pdf", "b.md"]
    assert _response_docs("search", "application/json", b'{"hits": [{"doc_id": "x"}') == []


def test_feedback_records_its_id_and_cited_documents_not_its_text(stack: dict[str, Any]) -> None:
    base, log, reader = stack["base"], stack["log"], stack["headers"]["reader"]
    start = len(lines(log))
    question = "Who runs the Sen Monorom help desk?"
    sent = httpx.post(f"{base}/feedback", headers=reader, json={
        "id": "audit-answer-1", "question": question, "answer": "A help desk. [1]",
        "rating": "down", "comment": "private remark",
        "citations": [{"doc_id": "fibre_plan.md", "page": 1}]})
    assert sent.status_code == 201, sent.text
    record = record_of(log, "feedback", start)
    assert (record["target"], record["docs"], record["status"]) == ("audit-answer-1", ["fibre_plan.md"], 201)
    assert record["query_sha256"] == sha(question)
    text = log.read_text(encoding="utf-8")
    assert question not in text and "private remark" not in text

"""GET /health reports the server's background sentence-vector warm-up (``warm``) over real
HTTP: its state as it moves, and its sentence count only to callers who may read everything."""

from __future__ import annotations

import httpx

from api.app import create_app
from api.keys import Role
from policykb.sentence_warmup import WarmupState


def test_health_follows_the_warm_up_and_hides_counts_from_anonymous_when_reads_need_a_key(
        settings, make_services, live_server):
    services = make_services(settings)
    app = create_app(settings, services)
    state = WarmupState()
    app.state.warmup = state
    with live_server(app) as base:
        first = httpx.get(f"{base}/health").json()["warm"]
        assert first == {"sentences": "pending", "embedded": None, "seconds": None,
                         "done_after_s": None}
        state.running()
        running = httpx.get(f"{base}/health").json()["warm"]
        assert running["sentences"] == "running" and running["seconds"] >= 0
        assert running["done_after_s"] is None
        state.finished(42)
        done = httpx.get(f"{base}/health").json()["warm"]
        assert done["sentences"] == "done" and done["embedded"] == 42
        assert done["done_after_s"] >= done["seconds"] >= 0

        # once a key exists (read access "auto"), an anonymous probe learns no counts ...
        admin = services.keys.create(Role.admin, "ops")[1]
        anonymous = httpx.get(f"{base}/health").json()
        assert anonymous["documents"] is None and anonymous["chunks"] is None
        assert anonymous["warm"]["sentences"] == "done" and anonymous["warm"]["embedded"] is None
        # ... and the admin sees them
        seen = httpx.get(f"{base}/health", headers={"Authorization": f"Bearer {admin}"}).json()
        assert seen["warm"]["embedded"] == 42 and seen["documents"] == 0


def test_health_without_a_warm_up_says_null(settings, make_services, live_server):
    app = create_app(settings, make_services(settings))
    with live_server(app) as base:
        body = httpx.get(f"{base}/health").json()
        assert body["status"] == "ok" and body["warm"] is None


def test_the_sentence_count_is_hidden_while_a_restricted_collection_exists(
        tmp_path, settings, make_services, live_server):
    """Reads open, but a restricted collection exists: an anonymous caller counts the open
    documents and gets the warm-up's state, not its sentence count (which sizes everything)."""
    for folder, text in (("open", "Open policy on village broadband. It has two sentences."),
                         ("sealed", "Sealed cabinet memo on spectrum fees. Not for everyone.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}.txt").write_text(text, encoding="utf-8")
    services = make_services(settings)
    assert not services.ingestor.ingest([tmp_path / "open"]).failed
    assert not services.ingestor.ingest([tmp_path / "sealed"], collection="cabinet").failed
    app = create_app(settings, services)
    app.state.warmup = WarmupState()
    app.state.warmup.running()
    app.state.warmup.finished(4)
    with live_server(app) as base:
        anonymous = httpx.get(f"{base}/health").json()
        assert anonymous["documents"] == 1  # reads are open: the public document
        assert anonymous["warm"]["sentences"] == "done" and anonymous["warm"]["embedded"] is None
        admin = services.keys.create(Role.admin, "ops")[1]
        seen = httpx.get(f"{base}/health", headers={"Authorization": f"Bearer {admin}"}).json()
        assert seen["documents"] == 2 and seen["warm"]["embedded"] == 4

"""GET /policies over real HTTP (uvicorn on 127.0.0.1): the policy registry with its counts."""

from __future__ import annotations

import httpx

from api.app import create_app
from core.settings import Settings
from tests.support.registry_fixture import DOC_ID, REVIEWED, write_fixture


def test_policies_over_http(tmp_path, make_services, live_server):
    reviewed = tmp_path / "policies.yaml"
    reviewed.write_text(REVIEWED, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None,
                        registry_path=reviewed)
    services = make_services(settings)
    assert not services.ingestor.ingest([write_fixture(tmp_path / "corpus")]).failed
    with live_server(create_app(settings, services)) as base:
        response = httpx.get(f"{base}/policies", timeout=30)
        assert response.status_code == 200, response.text
        policies = response.json()["policies"]
        assert [p["id"] for p in policies] == [
            "provincial-digital-inclusion", "national-example-strategy", "missing-policy"]
        policy = policies[0]
        assert policy["doc_id"] == DOC_ID and policy["has_text"] is True
        assert policy["counts"] == {"goals": 2, "strategies": 4, "measures": 9}
        assert any("expects 2/4/8" in w for w in policy["warnings"])
        goal = policy["goals"][0]
        assert (goal["label"], goal["level"], goal["page_start"], goal["page_end"]) == (
            "Goal 1", "goal", 2, 3)
        strategy = goal["children"][0]
        assert strategy["id"] == "provincial-digital-inclusion:strategy-1"
        assert strategy["title"] == "Shared village networks"
        assert [m["label"] for m in strategy["children"]] == ["Measure 1.1", "Measure 1.2"]
        hand = policies[1]
        assert hand["has_text"] is False and hand["doc_id"] is None
        assert hand["counts"] == {"goals": 2, "strategies": 0, "measures": 0}
        assert hand["note"] == "entered by hand; no indexed text backs it"
        assert "/policies" in httpx.get(f"{base}/openapi.json").json()["paths"]

        # a broken reviewed file: a clean JSON error naming the file and the key
        reviewed.write_text("policies:\n  - id: x\n    title: X\n    match: '*'\n    titel: Y\n",
                            encoding="utf-8")
        broken = httpx.get(f"{base}/policies", timeout=30)
        assert broken.status_code == 500, broken.text  # the server's setup, not the index
        body = broken.json()
        assert body["error"] == "RegistryFileError"
        assert body["detail"].endswith(f"{reviewed}: policies[0].titel: unknown key")
        assert "unavailable" not in body["detail"]

"""The policy registry as the services hold it: rebuilt when documents or the reviewed file
change, listed by the CLI, and built from the real Digital Government Policy."""

from __future__ import annotations

import os
import time

import pytest

from alignment.registry import RegistryCache
from core.errors import RegistryFileError
from tests.support.paths import SHARED_CORPUS
from tests.support.registry_fixture import REVIEWED

SHARED_POLICY = SHARED_CORPUS / "policy"


def _tree(policy):
    return {n.short_id: n for n in policy.walk()}


def test_registry_cache_rebuilds_on_generation_or_reviewed_file_change(fixture_index, tmp_path):
    cache = fixture_index.registry
    assert isinstance(cache, RegistryCache)
    first = cache.current()
    assert cache.current() is first and cache.builds == 1
    # an edit of the reviewed file is picked up
    path = fixture_index.settings.registry_path
    path.write_text(REVIEWED.replace("Digital Inclusion\n", "Inclusion\n"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = cache.current()
    assert second is not first and second.get("provincial-digital-inclusion").short_name == "Inclusion"
    # documents changing moves the generation on
    extra = tmp_path / "more"
    (extra / "note.md").parent.mkdir(parents=True)
    (extra / "note.md").write_text("# Note\n\nAn unrelated note.\n", encoding="utf-8")
    fixture_index.ingestor.ingest([extra])
    third = cache.current()
    assert third is not second and cache.builds == 3
    assert third.build_seconds < 1.0
    # a broken edit is named on every call until it is fixed: nothing broken is cached
    path.write_text(REVIEWED + "    titel: X\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    for _ in range(2):
        with pytest.raises(RegistryFileError, match=r"policies\[2\]\.titel: unknown key"):
            cache.current()
    path.write_text(REVIEWED, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 3 * 10**9))
    assert cache.current().get("provincial-digital-inclusion").short_name == "Digital Inclusion"
    assert cache.builds == 4


def test_cli_policies(policy_index, monkeypatch):
    import json

    from typer.testing import CliRunner

    from policykb.cli import app

    monkeypatch.setenv("POLICYKB_REGISTRY_PATH", str(policy_index.settings.registry_path))
    runner = CliRunner()
    data_dir = str(policy_index.settings.data_dir)
    result = runner.invoke(app, ["--data-dir", data_dir, "policies", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["policies"][0]["counts"] == {"goals": 2, "strategies": 4, "measures": 9}
    result = runner.invoke(app, ["--data-dir", data_dir, "policies", "--measures"])
    assert result.exit_code == 0, result.output
    assert "Strategy 3: Skills for every household" in result.output
    assert "Measure 1.1" in result.output and "Pentagon 2" in result.output


# -- the real Digital Government Policy ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_POLICY / "KH_Digital_Government_Policy_2022-2035_EN.pdf").exists(),
                    reason="the shared corpus is not available")
def test_real_digital_government_policy(tmp_path, make_services):
    """Only the DGP PDF, ingested without OCR, with the repository's reviewed file."""
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None)
    services = make_services(settings)
    report = services.ingestor.ingest([SHARED_POLICY / "KH_Digital_Government_Policy_2022-2035_EN.pdf"])
    assert not report.failed
    started = time.perf_counter()
    registry = services.registry.current()
    assert time.perf_counter() - started < 1.0
    policy = registry.get("digital-government-policy-2022-2035")
    assert policy is not None and policy.has_text
    assert policy.doc_id == "KH_Digital_Government_Policy_2022-2035_EN.pdf"
    assert policy.counts() == {"goals": 4, "strategies": 10, "measures": 83}
    assert not policy.warnings, policy.warnings
    strategies = [n for n in policy.walk() if n.level == "strategy"]
    assert [s.label for s in strategies] == [f"Strategy {i}" for i in range(1, 11)]
    nodes = _tree(policy)
    assert nodes["goal-3"].title == "Building Digital Capacity and Innovation"
    assert nodes["strategy-7"].title == "Building Digital Human Capital"
    # PDF pages (printed page + 12): section 7 runs from p. 28 to p. 38; Appendix 1 is pp. 48-61
    assert (nodes["strategy-1"].page_start, nodes["strategy-10"].page_end) == (28, 38)
    assert (nodes["strategy-7"].page_start, nodes["strategy-7"].page_end) == (35, 36)
    assert [len(s.children) for s in strategies] == [6, 1, 3, 1, 24, 28, 12, 3, 3, 2]
    assert nodes["measure-7.3"].label == "Priority action 7.3"
    assert nodes["strategy-6"].extra_pages == [(54, 58)]
    _, node = registry.node_for_page(policy.doc_id, 36)
    assert node.short_id.startswith("measure-7.")
    pentagons = registry.get("pentagonal-strategy-phase-1")
    assert pentagons is not None and pentagons.has_text is False and len(pentagons.goals) == 5

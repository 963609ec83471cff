"""A document's earlier versions: the list, a page of any version, and the diff of two.

History is read, never searched (``index/versions.py``). The diff compares sections (heading
paths) and, with ``alignment=true`` on a plan, its alignment: that runs the aligner twice, so
it goes through the alignment pool with its per-caller limit and deadline.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from alignment.version_diff import alignment_diff
from api import alignment_work as runs
from api.auth import AccessDep, ReaderDep
from api.deps import AlignerDep, CatalogDep, RegistryDep, SettingsDep
from api.pools import ExpensiveWorkDep, WorkCancelled, WorkToken
from api.responses import not_found
from api.schemas import MAX_PAGE, PageText
from core.access import Access
from core.errors import NotFoundError
from index.version_diff import diff_versions
from index.versions import VersionStore

router = APIRouter(tags=["documents"])


def _readable(catalog: Any, access: Access, doc_id: str) -> None:
    """The history of a document the caller may not read is as absent as an unknown id's."""
    collection = catalog.collection_of(doc_id)
    if collection is not None and not access.allows(collection):
        raise NotFoundError(f"no indexed document with id {doc_id!r}")


class VersionOut(BaseModel):
    version: int
    ingested_at: float = Field(..., description="When this version was ingested (Unix time).")
    content_sha256: str = Field(..., description="SHA-256 of the title and page texts.")
    n_pages: int
    title: str
    current: bool


class VersionPageText(PageText):
    version: int


class SectionChangeOut(BaseModel):
    section: str = Field(..., description="The heading path, or `page N` without headings.")
    status: str = Field(..., pattern="^(added|removed|changed)$")
    page_from: int | None = None
    page_to: int | None = None
    excerpt: list[str] = Field(default_factory=list,
                               description="Word-level hunks: `[-removed-] {+inserted+}`.")


class SectionsDiffOut(BaseModel):
    doc_id: str
    from_version: int
    to_version: int
    by: str = Field(..., pattern="^(heading|page)$")
    added: list[SectionChangeOut]
    removed: list[SectionChangeOut]
    changed: list[SectionChangeOut]
    unchanged: int


class VersionDiffOut(BaseModel):
    sections: SectionsDiffOut
    alignment: dict[str, Any] | None = Field(
        None, description="With `alignment=true`: mechanisms added and dropped, best strategy "
                          "and verdict before and after, evidence gained and lost.")


@router.get("/documents/{doc_id:path}/versions", response_model=list[VersionOut],
            responses=not_found("document"))
def list_versions(doc_id: str, catalog: CatalogDep, access: AccessDep) -> list[VersionOut]:
    """Every version of a document, oldest first; the current one has `current`."""
    _readable(catalog, access, doc_id)
    found = VersionStore(catalog).versions(doc_id)
    if not found:
        raise NotFoundError(f"no indexed document with id {doc_id!r}")
    return [VersionOut(**{k: v for k, v in info.__dict__.items() if k != "doc_id"})
            for info in found]


@router.get("/documents/{doc_id:path}/versions/diff", response_model=VersionDiffOut,
            responses=not_found("document or version"))
async def version_diff(
    request: Request, doc_id: str, caller: ReaderDep, settings: SettingsDep,
    catalog: CatalogDep, aligner: AlignerDep, registry: RegistryDep, work: ExpensiveWorkDep,
    access: AccessDep,
    from_version: int | None = Query(None, alias="from", ge=1, le=MAX_PAGE,
                                     description="Default: the version before `to`."),
    to_version: int | None = Query(None, alias="to", ge=1, le=MAX_PAGE,
                                   description="Default: the current version."),
    alignment: bool = Query(False, description="Also diff the plan's alignment (slow)."),
) -> Any:
    """Sections added, removed and changed between two versions (and the alignment diff)."""
    await run_in_threadpool(_readable, catalog, access, doc_id)
    sections = await run_in_threadpool(diff_versions, VersionStore(catalog), doc_id,
                                       from_version, to_version)
    aligned = None
    if alignment:
        token = WorkToken(settings.alignment_deadline_s)

        def compute() -> dict[str, Any]:
            token.check()
            return alignment_diff(catalog, aligner, registry, doc_id, sections.from_version,
                                  sections.to_version, lambda *_: token.check(),
                                  access).to_dict()

        future = runs.start_counted(work, caller, compute)
        try:
            aligned = await runs.wait(request, work, future, token)  # type: ignore[arg-type]
        except WorkCancelled:
            return Response(status_code=499)  # nobody is listening any more
    return VersionDiffOut(sections=SectionsDiffOut(**sections.to_dict()), alignment=aligned)


@router.get("/documents/{doc_id:path}/versions/{version}/pages/{page}",
            response_model=VersionPageText, responses=not_found("document version page"))
def version_page(doc_id: str, version: int, page: int, catalog: CatalogDep,
                 access: AccessDep) -> VersionPageText:
    """The text of page `page` of version `version` (what a citation by version opens)."""
    _readable(catalog, access, doc_id)
    store = VersionStore(catalog)
    known = [v.version for v in store.versions(doc_id)]
    if not known:
        raise NotFoundError(f"no indexed document with id {doc_id!r}")
    if version not in known:
        raise NotFoundError(f"{doc_id} has no version {version} "
                            f"(versions: {', '.join(map(str, known))})")
    found = ([p for p in store.pages(doc_id, version) if p.page == page]
             if 1 <= page <= MAX_PAGE else [])
    if not found:
        raise NotFoundError(f"{doc_id} version {version} has no page {page}")
    record = found[0]
    return VersionPageText(doc_id=doc_id, version=version, page=record.page, text=record.text,
                           method=record.method, label=record.label)

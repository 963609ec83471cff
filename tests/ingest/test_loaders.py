"""Non-PDF loaders and the registry, on real files written to tmp_path (good and hostile ones)."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import docx
import pytest

from core.errors import DocumentParseError, UnsupportedFormatError
from core.models import Page, ParsedDocument
from ingest.loaders.dispatch import LoaderTable, default_loaders, is_sidecar
from ingest.loaders.docx import check_zip, load_docx
from ingest.loaders.html import load_html, parse_html
from ingest.loaders.markdown import load_markdown, parse_markdown
from ingest.loaders.text import decode_text, load_text

KM = "គោលនយោបាយជាតិស្តីពីសន្តិសុខសាយប័រ"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# -- plain text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        f"{KM}\nline two\n".encode(),
        b"\xef\xbb\xbf" + f"{KM}\nline two\n".encode(),
        b"\xff\xfe" + f"{KM}\nline two\n".encode("utf-16-le"),
        b"\xfe\xff" + f"{KM}\nline two\n".encode("utf-16-be"),
        f"{KM}\r\nline two\r\n".encode(),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "crlf"],
)
def test_text_encodings_decode_to_the_same_text(tmp_path, raw):
    docs = load_text(write(tmp_path, "a.txt", raw))
    assert len(docs) == 1
    assert docs[0].pages == [Page(number=1, text=f"{KM}\nline two", method="text")]
    assert docs[0].suffix == ""


def test_zero_byte_file_is_empty(tmp_path):
    with pytest.raises(DocumentParseError, match="empty file") as info:
        load_text(write(tmp_path, "empty.txt", b""))
    assert "empty.txt" in str(info.value)


def test_whitespace_only_file_is_empty(tmp_path):
    with pytest.raises(DocumentParseError, match="empty file"):
        load_text(write(tmp_path, "blank.txt", b" \n\n\t\n"))


def test_latin1_text_is_refused_not_mangled(tmp_path):
    raw = "Caf\u00e9 policy".encode("latin-1")  # 0xe9 at offset 3
    with pytest.raises(DocumentParseError) as info:
        load_text(write(tmp_path, "latin.txt", raw))
    message = str(info.value)
    assert "latin.txt" in message
    assert "not valid UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8" in message


def test_binary_junk_is_refused(tmp_path):
    raw = bytes(range(256)) * 4
    with pytest.raises(DocumentParseError, match="binary file, not text"):
        load_text(write(tmp_path, "junk.txt", raw))


def test_control_character_soup_without_nul_is_binary():
    raw = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50
    with pytest.raises(DocumentParseError, match="binary file"):
        decode_text(raw, "x.txt")


def test_bad_utf16_after_bom_is_reported():
    with pytest.raises(DocumentParseError, match="byte-order mark"):
        decode_text(b"\xff\xfe\x00\xd8", "x.txt")  # a lone surrogate


def test_page_markers_become_pages(tmp_path):
    text = "[[page 1]]\nfirst page\n[[page 2]]\n\n[[page 3]]\nthird page\n"
    docs = load_text(write(tmp_path, "extracted.txt", text))
    assert [(p.number, p.text) for p in docs[0].pages] == [(1, "first page"), (3, "third page")]


def test_page_marker_in_the_middle_is_just_text(tmp_path):
    docs = load_text(write(tmp_path, "a.txt", "intro\n[[page 2]]\nmore\n"))
    assert len(docs[0].pages) == 1 and "[[page 2]]" in docs[0].text


def test_garbled_legacy_font_text_gets_a_warning(tmp_path):
    garbage = " ".join(["~!LY", "1:1", "Lt1B!J", "t.P", "!:!1", "S1ti", "Y1ny1§B.ru", "w"] * 40)
    docs = load_text(write(tmp_path, "scan.txt", garbage))
    assert any("garbled" in w for w in docs[0].warnings)
    prose = "The ministry reviewed the draft plan with all departments. " * 40
    assert load_text(write(tmp_path, "prose.txt", prose))[0].warnings == []


# -- markdown --------------------------------------------------------------------------------

FRONT = """---
title: Press Release on a
  Folded Title
date: 11/26/2020
author: Ministry of Posts and Telecommunications
lang: km-KH
tags: []
featured: false
---

# Heading One

![a photo]({{site.baseurl}}/images/x.jpg)

Text with <span class="x">inline html</span> and an image ![i](y.png) inside.
<div align="center">
Centred text
</div>

<!-- a comment -->
<script>alert(1)</script>

## Heading Two

Code \\*1200# stays.

```
<b>code is kept</b>
```
"""


def test_markdown_front_matter_becomes_metadata(tmp_path):
    doc = load_markdown(write(tmp_path, "post.md", FRONT))[0]
    assert doc.metadata["title"] == "Press Release on a Folded Title"
    assert doc.metadata["date"] == "2020-11-26"
    assert doc.metadata["author"] == "Ministry of Posts and Telecommunications"
    assert doc.metadata["language"] == "km"
    assert doc.metadata["tags"] == [] and doc.metadata["featured"] is False


def test_markdown_body_keeps_headings_and_drops_images_and_tags(tmp_path):
    text = load_markdown(write(tmp_path, "post.md", FRONT))[0].text
    assert "title:" not in text and "---" not in text
    assert text.startswith("# Heading One")
    assert "\n## Heading Two\n" in text
    assert "![" not in text and "baseurl" not in text and "<span" not in text
    assert "Text with inline html and an image  inside." in text
    assert "Centred text" in text and "<div" not in text
    assert "alert(1)" not in text and "a comment" not in text
    assert "Code *1200# stays." in text
    assert "<b>code is kept</b>" in text


def test_markdown_iso_date_objects_become_strings(tmp_path):
    doc = load_markdown(write(tmp_path, "a.md", "---\ndate: 2024-06-24\nextra: 2023-01-02\n---\nbody\n"))[0]
    assert doc.metadata["date"] == "2024-06-24" and doc.metadata["extra"] == "2023-01-02"


def test_markdown_unrecognised_date_is_a_warning_not_a_failure(tmp_path):
    doc = load_markdown(write(tmp_path, "a.md", "---\ndate: someday\n---\nbody\n"))[0]
    assert doc.metadata["date"] is None
    assert any("someday" in w for w in doc.warnings)


def test_markdown_without_front_matter_takes_title_from_heading(tmp_path):
    doc = load_markdown(write(tmp_path, "a.md", "Intro line\n\n# Kerala IT Policy\n\nBody.\n"))[0]
    assert doc.metadata == {"title": "Kerala IT Policy"}
    assert doc.text.startswith("Intro line")


def test_markdown_table_of_contents_lines_are_dropped_and_other_links_kept():
    source = ("# Provincial Data Plan\n\n## Contents\n\n"
              "- [1. Introduction](#1-introduction)\n"
              "  - [1.1 Digital Skills](#11-digital-skills)\n"
              "1. [Annex](#annex), [Budget](#budget)\n\n"
              "## 1.1 Digital Skills\n\n"
              "Every commune trains two officers a year; see [the annex](#annex) and "
              "[the summary](https://example.org/plan.pdf).\n"
              "- [Full plan (PDF)](/files/plan.pdf)\n")
    text = parse_markdown(source, "plan.md").pages[0].text
    assert "](#" not in text.split("## 1.1 Digital Skills")[0]  # the contents are gone
    assert "Introduction" not in text and "[Budget]" not in text
    assert text.count("Digital Skills") == 1  # only the heading itself
    # a link inside a sentence, and a line linking another file, are content: kept
    assert "see [the annex](#annex) and [the summary](https://example.org/plan.pdf)." in text
    assert "- [Full plan (PDF)](/files/plan.pdf)" in text


def test_markdown_setext_heading_becomes_hash_heading():
    doc = parse_markdown("Main Title\n==========\n\nSection\n-------\n\nbody\n", "a.md")
    assert doc.text.splitlines()[:3] == ["# Main Title", "", "## Section"]


def test_markdown_bad_yaml_names_file_and_line(tmp_path):
    bad = "---\ntitle: ok\ndate: [unclosed\nauthor: x\n---\nbody\n"
    with pytest.raises(DocumentParseError) as info:
        load_markdown(write(tmp_path, "broken.md", bad))
    message = str(info.value)
    assert "broken.md" in message and "malformed YAML front matter" in message
    # The parser notices on line 4 (the next key); the unclosed "[" on line 3 is named as context.
    assert "at line 4" in message and "started at line 3" in message


def test_markdown_bad_yaml_line_points_at_the_faulty_line(tmp_path):
    bad = "---\ntitle: ok\nauthor: a: b\n---\nbody\n"
    with pytest.raises(DocumentParseError, match="line 3"):
        load_markdown(write(tmp_path, "b.md", bad))


def test_markdown_unclosed_front_matter_is_an_error(tmp_path):
    with pytest.raises(DocumentParseError, match="never closed"):
        load_markdown(write(tmp_path, "a.md", "---\ntitle: x\n\nbody without end\n"))


def test_markdown_front_matter_must_be_a_mapping(tmp_path):
    with pytest.raises(DocumentParseError, match="key: value"):
        load_markdown(write(tmp_path, "a.md", "---\n- a\n- b\n---\nbody\n"))


def test_markdown_with_bom_and_front_matter(tmp_path):
    doc = load_markdown(write(tmp_path, "a.md", b"\xef\xbb\xbf---\ntitle: T\n---\nbody\n"))[0]
    assert doc.metadata["title"] == "T" and doc.text == "body"


def test_markdown_with_only_front_matter_has_no_text(tmp_path):
    with pytest.raises(DocumentParseError, match="no text"):
        load_markdown(write(tmp_path, "a.md", "---\ntitle: T\n---\n\n"))


# -- html ------------------------------------------------------------------------------------

PAGE = """<!doctype html><html lang="km-KH"><head><meta charset="utf-8">
<title>Page title</title><meta name="description" content="About the plan">
<meta name="author" content="Ministry of Interior"><meta name="date" content="23 November 2022">
<style>p { color: red }</style><script>var menu = 1;</script></head>
<body class="has-sidebar">
<header><a>Portal</a></header><nav><ul><li>Home</li><li>News</li></ul></nav>
<div class="breadcrumb">Home / News</div><div id="main-menu">Menu entry</div>
<div role="navigation">Role nav</div>
<main><article><header><h1>Article heading</h1></header>
<p>First
   paragraph   with <a href="#">a link</a>.</p>
<h3><span>Third</span> level</h3>
<ol><li>first item</li><li><p>second item</p></li></ol>
<ul><li>1- bullet one</li><li>2- bullet two</li></ul>
<table><tr><th>Col A</th><th>Col B</th></tr><tr><td>a1</td><td>b1</td></tr></table>
<p>line one<br>line two</p>
<form><input value="search"><label>Search label</label></form>
<noscript>Enable JS</noscript>
</article></main>
<aside>Aside text</aside><div class="cookie-notice">Cookie text</div>
<footer>Footer text</footer></body></html>"""


def test_html_keeps_main_text_with_structure(tmp_path):
    doc = load_html(write(tmp_path, "page.html", PAGE))[0]
    lines = doc.text.split("\n")
    assert lines[0] == "# Article heading"
    assert "First paragraph with a link." in lines
    assert "### Third level" in lines
    assert "1. first item" in lines and "2. second item" in lines
    assert "1- bullet one" in lines and "2- bullet two" in lines
    assert "Col A | Col B" in lines and "a1 | b1" in lines
    assert "line one" in lines and "line two" in lines
    assert "" in lines  # paragraphs are separated by blank lines


@pytest.mark.parametrize(
    "noise",
    ["Portal", "Home", "Menu entry", "Role nav", "Aside text", "Cookie text", "Footer text",
     "var menu", "color: red", "Search label", "Enable JS"],
)
def test_html_drops_navigation_and_chrome(tmp_path, noise):
    assert noise not in load_html(write(tmp_path, "page.htm", PAGE))[0].text


def test_html_metadata(tmp_path):
    meta = load_html(write(tmp_path, "page.html", PAGE))[0].metadata
    assert meta == {
        "language": "km",
        "description": "About the plan",
        "author": "Ministry of Interior",
        "date": "2022-11-23",
        "title": "Page title",
    }


def test_html_title_falls_back_to_first_h1():
    doc = parse_html("<html><body><nav>x</nav><h1>Only <b>heading</b></h1><p>t</p></body></html>", "a")
    assert doc.metadata["title"] == "Only heading"


def test_html_without_main_uses_body_and_drops_header():
    doc = parse_html("<html><body><header>Site name</header><p>Body text</p></body></html>", "a")
    assert doc.text == "Body text"


def test_html_with_only_navigation_is_an_error(tmp_path):
    with pytest.raises(DocumentParseError, match="no text found"):
        load_html(write(tmp_path, "nav.html", "<html><body><nav>Home</nav><script>x</script></body></html>"))


def test_html_declared_legacy_charset_is_honoured(tmp_path):
    raw = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9</p></body></html>'
    doc = load_html(write(tmp_path, "a.html", raw.encode("latin-1")))[0]
    assert doc.text == "Caf\u00e9"


def test_html_undeclared_non_utf8_is_refused(tmp_path):
    raw = "<html><body><p>Caf\u00e9</p></body></html>".encode("latin-1")
    with pytest.raises(DocumentParseError, match="not valid UTF-8"):
        load_html(write(tmp_path, "a.html", raw))


@pytest.mark.parametrize(
    ("tag", "kept"),
    [("div", True), ("article", True), ("li", True), ("h2", True), ("span", True),
     ("table", True), ("nav", False), ("header", False)],
)
def test_html_10000_levels_deep_is_bounded(tmp_path, tag, kept):
    depth = 10_000
    html = f"<html><body>{f'<{tag}>' * depth}deep text{f'</{tag}>' * depth}<p>after</p></body></html>"
    path = write(tmp_path, "deep.html", html)
    started = time.perf_counter()
    (doc,) = load_html(path)  # it parses: deep nesting is no reason to refuse a document
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"{elapsed:.1f}s for {depth} nested <{tag}>"
    assert ("deep text" in doc.text) is kept


# -- docx ------------------------------------------------------------------------------------


def make_docx(path: Path, *, core: bool = True) -> Path:
    document = docx.Document()
    document.add_paragraph("Plan Title", style="Title")
    document.add_paragraph("Opening paragraph.")
    document.add_paragraph("", style="Normal")
    document.add_heading("Section One", level=1)
    document.add_paragraph("Objective 1: do things.")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [["Mechanism", "Lead", "Target"], ["M1", "Office", "10"]],
                           strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("Sub section", level=2)
    document.add_paragraph(KM)
    if core:
        document.core_properties.title = "Core Title"
        document.core_properties.author = "Working Group"
        document.core_properties.created = __import__("datetime").datetime(2025, 2, 20, 9, 0)
    document.save(str(path))
    return path


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path):
    doc = load_docx(make_docx(tmp_path / "plan.docx"))[0]
    assert doc.text.split("\n\n") == [
        "# Plan Title",
        "Opening paragraph.",
        "# Section One",
        "Objective 1: do things.",
        "Mechanism | Lead | Target\nM1 | Office | 10",
        "## Sub section",
        KM,
    ]
    assert doc.pages[0].number == 1


def test_docx_core_properties(tmp_path):
    meta = load_docx(make_docx(tmp_path / "plan.docx"))[0].metadata
    assert meta == {"title": "Core Title", "author": "Working Group", "date": "2025-02-20"}


def test_docx_template_defaults_are_not_metadata(tmp_path):
    meta = load_docx(make_docx(tmp_path / "plan.docx", core=False))[0].metadata
    assert meta == {}  # python-docx's template says author "python-docx", created 2013


def test_docx_merged_cells_appear_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "wide"
    table.cell(0, 2).text = "narrow"
    document.save(str(tmp_path / "m.docx"))
    assert load_docx(tmp_path / "m.docx")[0].text == "wide | narrow"


def test_corrupt_docx_is_a_parse_error(tmp_path):
    with pytest.raises(DocumentParseError, match="corrupt .docx") as info:
        load_docx(write(tmp_path, "bad.docx", b"PK\x03\x04 this is not really a zip"))
    assert "bad.docx" in str(info.value)


def test_truncated_docx_is_a_parse_error(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(DocumentParseError, match="corrupt"):
        load_docx(write(tmp_path, "cut.docx", good[: len(good) // 2]))


def test_docx_with_broken_document_xml_is_a_parse_error(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, b"<w:document><unclosed" if info.filename == "word/document.xml" else data)
    with pytest.raises(DocumentParseError, match="corrupt .docx"):
        load_docx(write(tmp_path, "xml.docx", out.getvalue()))


def test_zip_that_is_not_a_word_document(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(DocumentParseError, match="not a Word document"):
        load_docx(write(tmp_path, "other.docx", out.getvalue()))


def test_zip_bomb_docx_is_refused_quickly(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * (50 * 2**20))  # 50 MB of zeros, ~1000x
    path = write(tmp_path, "bomb.docx", out.getvalue())
    assert path.stat().st_size < 200_000
    started = time.perf_counter()
    with pytest.raises(DocumentParseError, match="refusing a zip bomb") as info:
        load_docx(path)
    assert time.perf_counter() - started < 1.0
    assert "bomb.bin" in str(info.value)


def test_zip_over_the_total_size_limit_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", os.urandom(300_000))  # incompressible: ratio 1
    with pytest.raises(DocumentParseError, match="refusing a zip bomb: 0 MB uncompressed"):
        check_zip(out.getvalue(), "big.docx", max_bytes=100_000)
    check_zip(out.getvalue(), "big.docx", max_bytes=400_000)  # under the limit: fine


# -- registry --------------------------------------------------------------------------------


def test_default_registry_extensions():
    assert default_loaders().extensions == [".docx", ".htm", ".html", ".markdown", ".md", ".txt"]
    assert ".pdf" in default_loaders(lambda p: []).extensions


@pytest.mark.parametrize(
    ("name", "supported"),
    [("a.txt", True), ("A.TXT", True), ("b.Md", True), ("c.markdown", True), ("d.htm", True),
     ("e.html", True), ("f.docx", True), ("g.pdf", False), ("h.doc", False), ("noext", False),
     ("plan.pdf.meta.yaml", False), ("plan.meta.yaml", False), ("policykb-manifest.yaml", False),
     ("~$draft.docx", False), ("._notes.txt", False), ("x.meta.yaml.txt", True)],
)
def test_supports(name, supported):
    assert default_loaders().supports(Path("folder") / name) is supported


def test_sidecar_detection():
    assert is_sidecar("a/plan.pdf.meta.yaml") and is_sidecar("policykb-manifest.yaml")
    assert not is_sidecar("meta.yaml.md")


def test_unknown_extension_names_the_file(tmp_path):
    path = write(tmp_path, "table.csv", "a,b\n")
    with pytest.raises(UnsupportedFormatError) as info:
        default_loaders().load(path)
    assert "table.csv" in str(info.value) and ".csv" in str(info.value)


def test_loading_a_sidecar_is_refused(tmp_path):
    with pytest.raises(UnsupportedFormatError, match="sidecar"):
        default_loaders().load(write(tmp_path, "a.txt.meta.yaml", "title: x\n"))


def test_directory_passed_as_file(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(DocumentParseError, match="is a directory") as info:
        default_loaders().load(tmp_path / "folder.txt")
    assert not isinstance(info.value, UnsupportedFormatError)


def test_missing_file(tmp_path):
    with pytest.raises(DocumentParseError, match="file not found"):
        default_loaders().load(tmp_path / "gone.md")


def test_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    with pytest.raises(DocumentParseError, match="not a regular file"):
        default_loaders().load(tmp_path / "pipe.txt")


def test_unreadable_file(tmp_path):
    path = write(tmp_path, "secret.txt", "text")
    path.chmod(0)
    try:
        if os.geteuid() == 0:
            pytest.skip("root can read mode-000 files; the directory case covers unreadable paths")
        with pytest.raises(DocumentParseError, match="permission denied"):
            default_loaders().load(path)
    finally:
        path.chmod(0o644)


def test_file_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 3 * 2**20)
    with pytest.raises(DocumentParseError, match="limit is 2 MB"):
        default_loaders(max_file_mb=2).load(path)
    assert default_loaders(max_file_mb=4).load(path)


def test_custom_loader_registration_and_error_wrapping(tmp_path):
    registry = LoaderTable()
    registry.register("CSV", lambda p: [ParsedDocument(pages=[Page(1, p.read_text())])])
    assert registry.supports("x.csv") and registry.extensions == [".csv"]
    assert registry.load(write(tmp_path, "t.csv", "a,b"))[0].text == "a,b"

    def broken(path: Path) -> list[ParsedDocument]:
        raise KeyError("internal bug")

    registry.register(".csv", broken)
    with pytest.raises(DocumentParseError, match="KeyError") as info:
        registry.load(tmp_path / "t.csv")
    assert "t.csv" in str(info.value)
    registry.register(".csv", lambda p: [])
    with pytest.raises(DocumentParseError, match="no documents"):
        registry.load(tmp_path / "t.csv")
    with pytest.raises(ValueError):
        registry.register(".", broken)


def test_registry_dispatches_every_format(tmp_path):
    registry = default_loaders()
    files = {
        "a.txt": ("plain text", "plain text"),
        "b.md": ("---\ntitle: T\n---\n# Title\n\nmarkdown text", "# Title\n\nmarkdown text"),
        "c.html": ("<nav>menu</nav><p>html text</p>", "html text"),
    }
    for name, (content, expected) in files.items():
        assert registry.load(write(tmp_path, name, content))[0].text == expected
    assert registry.load(make_docx(tmp_path / "d.docx"))[0].text.startswith("# Plan Title")


def test_html_empty_main_falls_back_to_body():
    doc = parse_html("<html><body><main><nav>menu</nav></main><div><p>Real text</p></div></body></html>", "a")
    assert doc.text == "Real text"


def test_html_several_articles_are_all_kept_in_order():
    html = "<body><p>teaser</p><article><h2>One</h2><p>a</p></article><article><h2>Two</h2></article></body>"
    assert parse_html(html, "a").text == "## One\n\na\n\n## Two"

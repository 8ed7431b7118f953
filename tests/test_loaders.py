"""Loaders: plain text, encodings, folder walks, bad files reported and passed over."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest

from kg.errors import LoadError
from kg.loaders import discover, load
from kg.loaders.base import clean_text, read_capped
from kg.loaders.text import decode, parse_text


def test_loaders_folder_ids_are_relative_paths(articles_dir):
    errors: list[LoadError] = []
    ids = sorted(a.id for a in load(articles_dir, on_error=errors.append))
    assert ids == ["acme-enters-brazil.txt", "tech/globex-buys-initech.txt", "umbrella-cp1252.txt"]
    assert sorted((e.path, e.reason) for e in errors) == [
        ("broken.txt", "binary file (NUL bytes), not text"),
        ("empty.txt", "empty file"),
    ]


def test_loaders_title_and_body(articles_dir):
    (a,) = load(articles_dir / "tech" / "globex-buys-initech.txt")
    assert a.title == "Globex agrees to buy Initech for $2.1 billion"
    assert a.text.startswith("Globex Corporation has agreed")
    assert a.id == "globex-buys-initech.txt"


def test_loaders_cp1252_fallback(articles_dir):
    (a,) = load(articles_dir / "umbrella-cp1252.txt")
    assert "café" in a.text


def test_loaders_forced_encoding_failure_is_reported(articles_dir):
    errors: list[LoadError] = []
    assert list(load(articles_dir / "umbrella-cp1252.txt", encoding="utf-8", on_error=errors.append)) == []
    assert "cannot decode as utf-8" in errors[0].reason


def test_loaders_utf8_bom_dropped():
    assert decode("Title".encode("utf-8-sig")) == "Title"


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        ("T\n\nB", "T", "B"),
        ("T\r\n\r\nB1\r\nB2", "T", "B1\nB2"),
        ("\n\n  T  \n\nB", "T", "B"),
        ("Only one line", "Only one line", "Only one line"),
    ],
)
def test_loaders_parse_text(text, title, body):
    a = parse_text(text, "x")
    assert (a.title, a.text) == (title, body)


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
def test_loaders_blank_text_rejected(text):
    with pytest.raises(LoadError, match="empty"):
        parse_text(text, "x")


def test_loaders_too_large(tmp_path):
    (tmp_path / "big.txt").write_text("T\n\n" + "word " * 1000)
    errors: list[LoadError] = []
    assert list(load(tmp_path, max_bytes=100, on_error=errors.append)) == []
    assert "too large" in errors[0].reason and "--max-size" in errors[0].reason


def test_loaders_include_exclude(articles_dir):
    assert [p for _, p in discover(articles_dir, include=("tech/*",))] == ["tech/globex-buys-initech.txt"]
    assert "tech/globex-buys-initech.txt" not in [p for _, p in discover(articles_dir, exclude=("tech/*",))]


def test_loaders_skip_hidden_and_foreign_files(tmp_path):
    (tmp_path / ".hidden.txt").write_text("T\n\nB")
    (tmp_path / "notes.md").write_text("# notes")
    (tmp_path / "a.txt").write_text("T\n\nB")
    assert [i for _, i in discover(tmp_path)] == ["a.txt"]


def test_loaders_symlink_loop_terminates(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("T\n\nB")
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    assert [i for _, i in discover(tmp_path)] == ["d/a.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_loaders_unreadable_file_reported(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("T\n\nB")
    p.chmod(0)
    errors: list[LoadError] = []
    assert list(load(tmp_path, on_error=errors.append)) == []
    assert "cannot read" in errors[0].reason


def test_loaders_missing_source():
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        list(load(Path("/nonexistent/kg-test")))


def test_loaders_sidecar_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("T\n\nB")
    (tmp_path / "index.jsonl").write_text(
        '{"file": "a.txt", "date": "2015-01-15", "url": "https://example.org/a", "source": "Wire"}\nnot json\n'
    )
    (a,) = load(tmp_path)
    assert (a.published, a.url, a.source) == (date(2015, 1, 15), "https://example.org/a", "Wire")


def test_loaders_real_corpus_sidecar(shared_dir):
    arts = list(load(shared_dir / "corpus" / "dc-news", include=("starbucks*",)))
    assert len(arts) == 1 and arts[0].published is not None and arts[0].url


# --- decoding, cleaning, limits (issue #8) -------------------------------------------------------


def test_loaders_utf16_with_bom():
    assert decode("Título\n\nCuerpo".encode("utf-16")) == "Título\n\nCuerpo"


def test_loaders_mixed_encodings_decoded_line_by_line():
    data = "naïve\n".encode() + "café\n".encode("cp1252") + "Zürich".encode()
    assert decode(data) == "naïve\ncafé\nZürich"


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        ("utf-8", "cannot decode as utf-8: byte 0xe9 at offset 3 (try --encoding latin-1)"),
        ("klingon", "unknown encoding"),
    ],
)
def test_loaders_forced_encoding_messages(encoding, reason):
    with pytest.raises(LoadError, match=re.escape(reason)):
        decode("café".encode("cp1252"), encoding=encoding)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b\x07c\x1bd\x7fe", "abcde"),
        ("line\u2028break", "line\nbreak"),
        ("para\u2029break", "para\n\nbreak"),
        ("nel\x85x\x0cy\x0bz", "nel\nx\ny\nz"),
        ("half \ud83d surrogate", "half \ufffd surrogate"),
        ("\ufeffbom", "bom"),
        ("crlf\r\nand\rcr", "crlf\nand\ncr"),
    ],
)
def test_loaders_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_loaders_long_one_line_title_is_cut():
    a = parse_text("word " * 1000, "x.txt")
    assert len(a.title) <= 301 and a.title.endswith("…") and a.text.startswith("word word")


def test_loaders_read_capped_names_the_limit():
    with pytest.raises(LoadError, match=r"too large \(more than 0\.0 MB; raise --max-size\)"):
        read_capped(io.BytesIO(b"abc"), 2, "x")


def test_loaders_named_pipe_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    errors: list[LoadError] = []
    assert list(load(tmp_path, on_error=errors.append)) == []
    assert errors[0].reason == "not a regular file (a named pipe)"


def test_loaders_broken_symlink_reported(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    errors: list[LoadError] = []
    assert list(load(tmp_path, on_error=errors.append)) == []
    assert errors[0].reason == "a broken symbolic link"


def test_loaders_file_named_directly_with_unknown_suffix_is_sniffed(tmp_path):
    (tmp_path / "feed.php").write_bytes(
        b'<rss version="2.0"><channel><item><guid>1</guid><title>T</title><description>D.</description></item></channel></rss>'
    )
    assert [a.id for a in load(tmp_path / "feed.php")] == ["feed.php#1"]

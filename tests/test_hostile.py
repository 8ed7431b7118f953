"""Bad input: a folder of hostile files ingests to completion; good articles land, bad ones are listed."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from rdflib import Dataset

import kg.extract
from kg.cli import cli
from kg.errors import LoadError
from kg.ingest import ingest
from kg.loaders import load
from kg.model import Entity, Event, EventType, Extraction, Kind, Status
from kg.store import close_store, export, open_store

IS_ROOT = os.geteuid() == 0


class NamesExtractor:
    """Names a firm per distinct capitalised word (up to 2,000); deletes `victim` on its first article."""

    def __init__(self, victim: Path | None = None) -> None:
        self.victim = victim

    def pipe(self, articles):
        for a in articles:
            if self.victim is not None:
                self.victim.unlink(missing_ok=True)
                self.victim = None
            words = dict.fromkeys(w.strip(".,;:()") for w in a.full_text.split())
            names = [w for w in words if w[:1].isupper() and w.isalnum()][:2000]
            ents = tuple(Entity("firm/" + n.lower(), Kind.FIRM, n) for n in names)
            events = tuple(
                Event(
                    EventType.LAWSUIT,
                    (("plaintiff", f"firm/{x.lower()}"), ("defendant", f"firm/{y.lower()}")),
                    Status.ANNOUNCED,
                    None,
                    (a.title,),
                    0.5,
                    "names",
                )
                for x, y in zip(names, names[1:], strict=False)
            )
            yield Extraction(a, entities=ents, events=events)


def _bomb() -> bytes:
    ents = ['<!ENTITY a0 "hahahahahahahahahaha">'] + [
        f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(ents) + "]>"
        '<rss version="2.0"><channel><item><title>Bomb</title><description>&a9;</description></item></channel></rss>'
    ).encode()


def build_hostile(root: Path) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """Write the hostile folder; return (ids that must land, {bad path: reason}, {warned path: reason})."""
    root.mkdir()
    good: set[str] = set()
    bad: dict[str, str] = {}
    warned: dict[str, str] = {}

    def put(name: str, data: bytes) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    put("good.txt", b"Acme buys Widget\n\nAcme bought Widget for $3 million on Monday.\n")
    good.add("good.txt")
    put("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2048))
    bad["binary.txt"] = "binary file (NUL bytes), not text"
    put("empty.txt", b"")
    bad["empty.txt"] = "empty file"
    put("whitespace.txt", b" \n\t\r\n   \n")
    bad["whitespace.txt"] = "empty file"
    with (root / "huge.txt").open("wb") as f:  # 50 MB of text
        line = b"Globex grows. " * 73 + b"\n"
        f.write(b"Huge\n\n")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    bad["huge.txt"] = "too large (50.0 MB > 10.0 MB limit; raise --max-size)"
    put("invalid-utf8.txt", b"Initech results\n\nInitech said \xc3\x28 sales rose \xff in Q3.\n")
    good.add("invalid-utf8.txt")
    put(
        "mixed-encodings.txt",
        "Café Umbrella\n\nUmbrella opened a café in Zürich.\n".encode() + "Le café est à Genève.\n".encode("cp1252"),
    )
    good.add("mixed-encodings.txt")
    put("utf16.txt", "Hooli in Japan\n\nHooli entered Japan.".encode("utf-16"))
    good.add("utf16.txt")
    put("control-chars.txt", "Tyrell \x07news\n\nTyrell\x1b[31m opened\x01 a lab\u2028in Singapore.\x7f\n".encode())
    good.add("control-chars.txt")
    scripts = "".join(f"<script>var s{i} = '<p>Script {i} text</p>'; alert({i});</script>" for i in range(200))
    put(
        "scripts.html",
        (
            f"<html><head><title>Soylent expands</title>{scripts}</head><body>{scripts}<article>"
            "<p>Soylent said on Thursday it would expand into Canada, opening two plants near Toronto next year.</p>"
            f"{scripts}<p>The company did not say how many jobs the plants would bring.</p></article></body></html>"
        ).encode(),
    )
    good.add("scripts.html")
    put("only-scripts.html", f"<html><head>{scripts}</head><body>{scripts}</body></html>".encode())
    bad["only-scripts.html"] = "no text in the HTML page"
    put("unclosed.html", b"<html><body><div><p>Wonka opened a factory in Peru <b>on Monday <i>with fanfare")
    good.add("unclosed.html")
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
        b"<item><guid>t1</guid><title>Vandelay imports</title><description>Vandelay imported latex.</description></item>"
        b"<item><guid>t2</guid><title>Cut off</title><description>This entry is cut off in the mi"
    )
    put("truncated.rss", feed)
    good.add("truncated.rss#t1")
    bad["truncated.rss#t2"] = "entry has no content or summary"  # cut off before its text
    warned["truncated.rss"] = "malformed or truncated feed"
    put("bomb.rss", _bomb())
    bad["bomb.rss"] = "XML bomb"
    put("not-a-feed.xml", b'<?xml version="1.0"?><config><option name="x">1</option></config>')
    bad["not-a-feed.xml"] = "not an RSS or Atom feed"
    put(
        "broken.jsonl",
        b'{"id": "j1", "title": "Cyberdyne sued", "text": "Cyberdyne was sued in Ohio."}\n'
        b'{"id": "j2", "title": "Broken", "text": "unterminated\n'
        b"\xff\xfe garbage \x00\n"
        b'{"id": "j3", "title": "No text"}\n'
        + b"[" * 100_000
        + b"\n"
        + b'{"id": "j4", "title": "Initech hires", "text": "Initech hired 40 engineers."}\n',
    )
    good |= {"broken.jsonl#j1", "broken.jsonl#j4"}
    bad |= {
        "broken.jsonl#2": "line 2: not JSON",
        "broken.jsonl#3": "line 3: binary data (NUL bytes)",
        "broken.jsonl#j3": "line 4: no text field",
        "broken.jsonl#5": "line 5: not JSON",
    }
    put(
        "missing-columns.csv",
        b"id,title,text,date\nk1,Hooli grows,Hooli grew 20 percent.,2016-01-02\nk2,Short row\nk3,,Acme alone.\n"
        b'k4,Unclosed,"this quote never ends\n',
    )
    good |= {"missing-columns.csv#k1", "missing-columns.csv#k3", "missing-columns.csv#k4"}
    bad["missing-columns.csv#k2"] = "row 2: no text (the row has 2 of 4 columns)"
    put("sub/nested.txt", b"Globex in Chile\n\nGlobex entered Chile.\n")
    good.add("sub/nested.txt")
    os.symlink(root, root / "sub" / "loop")  # a symlink loop
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    bad["dangling.txt"] = "a broken symbolic link"
    os.mkfifo(root / "fifo.txt")
    bad["fifo.txt"] = "not a regular file (a named pipe)"
    put("folder.txt/inside.txt", b"Folder article\n\nUmbrella sued Acme.\n")
    good.add("folder.txt/inside.txt")
    secret = put("unreadable.txt", b"Secret\n\nAcme secret plans.\n")
    secret.chmod(0)
    if IS_ROOT:  # root reads anything: the file is a good article then
        good.add("unreadable.txt")
    else:
        bad["unreadable.txt"] = "cannot read: Permission denied"
    put("long-line.txt", ("Acme " * 60_000).encode())  # 300,000 characters, one line, no title
    good.add("long-line.txt")
    warned["long-line.txt"] = "truncated from 299,999 to"
    put("many-names.txt", ("Names\n\n" + " ".join(f"Firm{i}x" for i in range(900))).encode())
    good.add("many-names.txt")
    warned["many-names.txt"] = "kept the first 500 of 901 entities (raise --max-entities)"
    put(".hidden.txt", b"Hidden\n\nNever read.\n")
    put("zz-vanishing.txt", b"Vanishing\n\nThis file is deleted mid-walk.\n")
    bad["zz-vanishing.txt"] = "vanished before it could be read"
    return good, bad, warned


@pytest.fixture
def hostile(tmp_path):
    """The hostile folder and what must come of it."""
    root = tmp_path / "hostile"
    good, bad, warned = build_hostile(root)
    yield root, good, bad, warned
    (root / "unreadable.txt").chmod(0o600)


def _lines(output: str, kind: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        m = re.match(rf"{kind} (.+?): (.*)$", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def test_hostile_folder_ingests_to_completion(runner, tmp_path, monkeypatch, hostile):
    root, good, bad, warned = hostile
    assert len(good) + len(bad) >= 20
    monkeypatch.setattr(
        kg.extract, "get_extractor", lambda name="rules", **kw: NamesExtractor(root / "zz-vanishing.txt"), raising=False
    )
    store = tmp_path / "store"
    start = time.perf_counter()
    result = runner.invoke(cli, ["ingest", str(root), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - start < 120
    skipped, warnings = _lines(result.output, "skipped"), _lines(result.output, "warning")
    for path, reason in bad.items():
        assert reason in skipped.get(path, ""), (path, skipped.get(path))
    assert set(skipped) == set(bad)
    for path, reason in warned.items():
        assert reason in warnings.get(path, ""), (path, warnings.get(path))
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{len(good)} articles") and f"{len(bad)} skipped" in summary
    assert "1 truncated (--max-chars)" in summary and "1 over the entity limit (--max-entities)" in summary

    ds = open_store(store, read_only=True)
    nquads = export(ds)
    ids = {str(o) for o in ds.objects(None, __import__("rdflib").DCTERMS.identifier)}
    close_store(ds)
    assert ids == good
    Dataset().parse(data=nquads.decode("utf-8"), format="nquads")  # the export is valid N-Quads


def test_hostile_texts_are_cleaned(hostile):
    root, *_ = hostile
    articles = {a.id: a for a in load(root, include=("*.txt", "*.html"), on_error=lambda e: None)}
    assert articles["invalid-utf8.txt"].text.startswith("Initech said")
    assert articles["mixed-encodings.txt"].text == "Umbrella opened a café in Zürich.\nLe café est à Genève."
    assert articles["utf16.txt"].title == "Hooli in Japan"
    assert articles["control-chars.txt"].text == "Tyrell[31m opened a lab\nin Singapore."
    scripts = articles["scripts.html"]
    assert "Soylent said on Thursday" in scripts.text and "alert" not in scripts.text and "Script" not in scripts.text
    assert len(articles["long-line.txt"].title) <= 301  # a one-line file's title is cut at a word


def test_hostile_strict_exit_code(runner, tmp_path, monkeypatch, hostile):
    root, *_ = hostile
    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: NamesExtractor(), raising=False)
    result = runner.invoke(cli, ["ingest", str(root), "--store", str(tmp_path / "s"), "--strict"])
    assert result.exit_code == 2 and "skipped" in result.output


def test_hostile_limits_are_options(runner, tmp_path, monkeypatch, hostile):
    root, *_ = hostile
    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: NamesExtractor(), raising=False)
    args = ["ingest", str(root), "--store", str(tmp_path / "s"), "--include", "*.txt", "--exclude", "huge.txt"]
    result = runner.invoke(cli, [*args, "--max-size", "60", "--max-chars", "1000000", "--max-entities", "5000"])
    assert result.exit_code == 0, result.output
    assert "truncated" not in result.output and "entity limit" not in result.output
    result = runner.invoke(cli, [*args, "--max-chars", "100", "--max-entities", "2"])
    assert "truncated (--max-chars)" in result.stdout.splitlines()[-1]
    assert "kept the first 2 of" in result.output


def test_hostile_file_vanishing_mid_walk(tmp_path, fake_extractor):
    (tmp_path / "a.txt").write_text("Acme one\n\nFirst.")
    (tmp_path / "b.txt").write_text("Globex two\n\nSecond.")
    sub = tmp_path / "c"
    sub.mkdir()
    (sub / "d.txt").write_text("Umbrella three\n\nThird.")

    def vanish(_):
        (tmp_path / "b.txt").unlink(missing_ok=True)
        for f in sub.iterdir():
            f.unlink()
        sub.rmdir() if sub.exists() else None

    report = ingest(tmp_path, open_store(), extractor=fake_extractor, on_article=vanish)
    assert report.articles == 1
    reasons = {e.path: e.reason for e in report.skipped}
    assert reasons["b.txt"] == "vanished before it could be read"
    assert reasons.get("c/", "cannot read folder").startswith("cannot read folder")


def test_hostile_folder_unreadable_is_reported(tmp_path, fake_extractor):
    if IS_ROOT:
        pytest.skip("root can list any folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("T\n\nB")
    locked.chmod(0)
    try:
        report = ingest(tmp_path, open_store(), extractor=fake_extractor)
    finally:
        locked.chmod(0o700)
    assert [e.path for e in report.skipped] == ["locked/"]


def test_hostile_reader_crash_stays_one_files(tmp_path, monkeypatch):
    import kg.loaders

    def explode(stream, name, options):
        raise TypeError("a bug in a reader")
        yield

    monkeypatch.setitem(kg.loaders.READERS, ".txt", explode)
    (tmp_path / "a.txt").write_text("T\n\nB")
    (tmp_path / "b.html").write_text("<html><body><p>Acme opened a plant in Peru.</p></body></html>")
    errors: list[LoadError] = []
    assert [a.id for a in load(tmp_path, on_error=errors.append)] == ["b.html"]
    assert errors[0].reason == "cannot read: TypeError: a bug in a reader"


def test_hostile_unreadable_file_reported_even_as_root(tmp_path, monkeypatch, fake_extractor):
    (tmp_path / "ok.txt").write_text("Acme news\n\nAcme grew.")
    (tmp_path / "secret.txt").write_text("Secret\n\nHidden.")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    report = ingest(tmp_path, open_store(), extractor=fake_extractor)
    assert report.articles == 1
    assert [(e.path, e.reason) for e in report.skipped] == [("secret.txt", "cannot read: Permission denied")]


def test_hostile_50_mb_text_with_a_raised_size_limit_is_truncated(tmp_path, fake_extractor):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"Huge report\n\n")
        paragraph = b"Globex grew in Brazil. " * 40 + b"\n\n"
        for _ in range(50 * 1024 * 1024 // len(paragraph)):
            f.write(paragraph)
    start = time.perf_counter()
    report = ingest(tmp_path, open_store(), extractor=fake_extractor, max_bytes=60 * 1024 * 1024)
    assert time.perf_counter() - start < 60
    assert report.articles == 1 and report.truncated == ["huge.txt"]
    assert "at a paragraph boundary (limit 200,000; raise --max-chars)" in report.warnings[0].reason

"""Ingest end to end with a model-free extractor: counts, skips, idempotence."""

from __future__ import annotations

import pytest

from kg.errors import LoadWarning
from kg.ingest import IngestReport, ingest, ingest_articles, limit_entities, truncate_text
from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention
from kg.store import close_store, export, open_store, stats


def test_ingest_counts_and_skips(articles_dir, fake_extractor):
    ds = open_store()
    report = ingest(articles_dir, ds, extractor=fake_extractor)
    assert report.articles == 3
    assert sorted(e.path for e in report.skipped) == ["broken.txt", "empty.txt"]
    assert report.events["Lawsuit"] == 3
    assert stats(ds)["articles"] == 3


def test_ingest_twice_is_byte_identical(tmp_path, articles_dir, fake_extractor):
    ds = open_store(tmp_path / "s")
    ingest(articles_dir, ds, extractor=fake_extractor)
    first = export(ds)
    ingest(articles_dir, ds, extractor=fake_extractor)
    assert export(ds) == first
    close_store(ds)


def test_ingest_callbacks(articles_dir, fake_extractor):
    seen, errors = [], []
    ingest(articles_dir, open_store(), extractor=fake_extractor, on_article=seen.append, on_error=errors.append)
    assert len(seen) == 3 and len(errors) == 2


def test_ingest_report_summary_plural():
    r = IngestReport(articles=1)
    r.entities["Firm"] = 2
    assert r.summary() == "1 article, 2 entities (Firm 2), 0 events, 0 skipped"


# --- limits and failures (issue #8) --------------------------------------------------------------


def _many(n: int) -> Extraction:
    names = [f"Firm{i}" for i in range(n)]
    text = " ".join(names)
    article = Article("many.txt", "T", text)
    offset = len("T\n\n")
    mentions, pos = [], offset
    for name in names:
        mentions.append(Mention(name, Kind.FIRM, pos, pos + len(name), f"firm/{name.lower()}"))
        pos += len(name) + 1
    ents = tuple(Entity(f"firm/{n.lower()}", Kind.FIRM, n) for n in reversed(names))  # not in mention order
    events = tuple(
        Event(EventType.ACQUISITION, (("acquirer", f"firm/firm{i}"), ("target", f"firm/firm{i + 1}"), ("value", "$1")))
        for i in range(n - 1)
    )
    return Extraction(article, tuple(mentions), ents, events)


def test_ingest_limit_entities_keeps_first_mentioned():
    small = limit_entities(_many(10), 3)
    assert sorted(e.key for e in small.entities) == ["firm/firm0", "firm/firm1", "firm/firm2"]
    assert [m.entity for m in small.mentions] == ["firm/firm0", "firm/firm1", "firm/firm2"]
    assert [e.role("acquirer") for e in small.events] == [("firm/firm0",), ("firm/firm1",)]
    assert limit_entities(_many(3), 3) == _many(3)


def test_ingest_limit_entities_unmentioned_go_last():
    ex = _many(2)
    ex = Extraction(ex.article, ex.mentions, (Entity("firm/ghost", Kind.FIRM, "Ghost"), *ex.entities))
    assert [e.key for e in limit_entities(ex, 2).entities] == ["firm/firm1", "firm/firm0"]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Para one.\n\nPara two is longer.", 18, "Para one."),
        ("Para one.\n\nPara two is longer.", 25, "Para one.\n\nPara two is"),  # too early a break: a word
        ("Line one here.\nLine two here.", 20, "Line one here."),
        ("Sentence one. Sentence two goes on.", 25, "Sentence one."),
        ("word " * 10, 12, "word word"),
        ("x" * 50, 10, "x" * 10),
    ],
)
def test_ingest_truncate_text_at_boundaries(text, limit, expected):
    assert truncate_text(Article("a", "T", text), limit).text == expected


def test_ingest_limits_reported(fake_extractor):
    ds = open_store()
    warnings: list[LoadWarning] = []
    arts = [Article("big.txt", "Acme big", "Para.\n\n" + "y " * 500), Article("ok.txt", "Globex ok", "Fine.")]
    report = ingest_articles(arts, ds, extractor=fake_extractor, max_chars=100, on_warning=warnings.append)
    assert report.articles == 2 and report.truncated == ["big.txt"]
    assert "truncated from 1,007 to" in warnings[0].reason and "raise --max-chars" in warnings[0].reason
    assert report.summary().endswith("0 skipped, 1 truncated (--max-chars)")


def test_ingest_bad_limits_refused(fake_extractor):
    with pytest.raises(ValueError, match="max_chars must be at least 1"):
        ingest_articles([], open_store(), extractor=fake_extractor, max_chars=0)


class _Flaky:
    """Fails on any article whose title says BOOM, in batches and alone."""

    def __init__(self, inner):
        self.inner = inner

    def pipe(self, articles):
        for a in articles:
            if "BOOM" in a.title:
                raise RuntimeError(f"cannot read {a.id}")
            yield from self.inner.pipe([a])

    def __call__(self, article):
        return next(self.pipe([article]))


def test_ingest_extractor_failure_stays_one_articles(fake_extractor):
    arts = [Article(f"{i}.txt", "BOOM" if i in (2, 5) else f"Firm{i} news", "Text.") for i in range(8)]
    report = ingest_articles(arts, open_store(), extractor=_Flaky(fake_extractor))
    assert report.articles == 6
    assert [(e.path, e.reason) for e in report.skipped] == [
        ("2.txt", "extraction failed: RuntimeError: cannot read 2.txt"),
        ("5.txt", "extraction failed: RuntimeError: cannot read 5.txt"),
    ]


def test_ingest_broken_extractor_raises(fake_extractor):
    def broken(articles):
        raise ImportError("no model")
        yield

    with pytest.raises(ImportError):
        ingest_articles([Article("a", "T", "B")], open_store(), extractor=broken)


def test_ingest_unstorable_article_is_skipped():
    def bad_iri(articles):
        for a in articles:
            key = "firm/bad iri" if a.id == "bad" else "firm/ok"
            yield Extraction(
                a, entities=(Entity(key, Kind.FIRM, "X", links=("not an iri <>",) if a.id == "bad" else ()),)
            )

    report = ingest_articles([Article("bad", "T", "B"), Article("good", "T", "B")], open_store(), extractor=bad_iri)
    assert report.articles == 1 and report.skipped[0].path == "bad" and "cannot store" in report.skipped[0].reason


def test_ingest_several_sources(tmp_path, articles_dir, fake_extractor):
    other = tmp_path / "more"
    other.mkdir()
    (other / "x.jsonl").write_text('{"id": "1", "title": "Hooli news", "text": "Hooli grew."}\n')
    report = ingest([articles_dir, other / "x.jsonl"], open_store(), extractor=fake_extractor)
    assert report.articles == 4 and len(report.skipped) == 2


def test_ingest_missing_source(fake_extractor):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        ingest(["/nonexistent/kg"], open_store(), extractor=fake_extractor)

"""Reading sources (folders, files, JSON, JSON lines, HTML, zip) and parsing them into articles."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.ingest import CleanArticle, RawInput, Rejection, iter_inputs, parse_input
from newsfacts.ingest.parse import parse_raw

SHARED = Path(__file__).resolve().parents[2] / "shared"
SENTENCE = "Казахстан впервые стал основным поставщиком пшеницы на азербайджанский рынок."


def _raw(kind: str, raw: bytes, uri: str = "x") -> RawInput:
    return RawInput(uri, raw, hashlib.sha256(raw).hexdigest(), kind)


def _by_uri(root: Path, **kwargs: int) -> dict[str, RawInput | Rejection]:
    return {item.source_uri: item for item in iter_inputs(root, **kwargs)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(f"date 2024-04-12\n\n{SENTENCE}\n", encoding="utf-8")
    (root / "b.txt").write_bytes(SENTENCE.encode("cp1251"))
    (root / "sub" / "c.json").write_text(
        json.dumps({"title": "Заголовок", "text": SENTENCE}), encoding="utf-8"
    )
    (root / "sub" / "d.json").write_text(json.dumps([{"text": SENTENCE}, 7]), encoding="utf-8")
    lines = [json.dumps({"content": SENTENCE, "url": f"https://x.kz/2024/04/1{i}/a"}) for i in range(3)]
    lines.insert(1, '{"content": "обрыв строки", ')
    (root / "e.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    (root / "f.html").write_text(f"<html><body><p>{SENTENCE}</p></body></html>", encoding="utf-8")
    (root / "g.pdf").write_bytes(b"%PDF-1.7")
    (root / "h.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text(SENTENCE, encoding="utf-8")
    return root


def test_walks_a_folder_in_sorted_order(folder: Path) -> None:
    items = list(iter_inputs(folder))
    uris = [i.source_uri for i in items]
    assert uris == [
        ".hidden.txt",
        "a.txt",
        "b.txt",
        "e.jsonl#L1",
        "e.jsonl#L2",
        "e.jsonl#L3",
        "e.jsonl#L4",
        "f.html",
        "g.pdf",
        "h.txt",
        "sub/c.json",
        "sub/d.json#0",
        "sub/d.json#1",
    ]
    assert uris == [i.source_uri for i in iter_inputs(folder)]  # deterministic


@pytest.mark.parametrize(
    ("uri", "kind_or_reason"),
    [
        (".hidden.txt", "skipped_hidden"),
        ("a.txt", "txt"),
        ("b.txt", "txt"),
        ("e.jsonl#L1", "json"),
        ("e.jsonl#L2", "malformed_json"),
        ("e.jsonl#L3", "json"),
        ("f.html", "html"),
        ("g.pdf", "unsupported_type"),
        ("h.txt", "empty"),
        ("sub/c.json", "json"),
        ("sub/d.json#0", "json"),
        ("sub/d.json#1", "not_an_object"),
    ],
)
def test_each_input_is_classified(folder: Path, uri: str, kind_or_reason: str) -> None:
    item = _by_uri(folder)[uri]
    if isinstance(item, RawInput):
        assert item.kind == kind_or_reason
        assert item.raw_sha256 == hashlib.sha256(item.raw).hexdigest()
    else:
        assert item.reason == kind_or_reason
        assert item.detail


def test_malformed_json_line_says_where(folder: Path) -> None:
    bad = _by_uri(folder)["e.jsonl#L2"]
    assert isinstance(bad, Rejection)
    assert (bad.stage, bad.reason) == ("parse", "malformed_json")
    assert bad.detail.startswith("line 2:")
    assert bad.raw_sha256 == hashlib.sha256('{"content": "обрыв строки", '.encode()).hexdigest()


def test_json_line_raw_is_the_line_bytes(folder: Path) -> None:
    first = _by_uri(folder)["e.jsonl#L1"]
    assert isinstance(first, RawInput)
    assert json.loads(first.raw)["url"] == "https://x.kz/2024/04/10/a"


def test_symlink_escaping_the_root_is_rejected_unread(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("секретные данные вне корня", encoding="utf-8")
    (root / "escape.txt").symlink_to(secret)
    (root / "escape_dir").symlink_to(tmp_path)
    (root / "ok.txt").write_text(SENTENCE, encoding="utf-8")
    (root / "inside.txt").symlink_to(root / "ok.txt")
    items = _by_uri(root)
    for uri in ("escape.txt", "escape_dir"):
        item = items[uri]
        assert isinstance(item, Rejection)
        assert (item.stage, item.reason, item.raw_sha256) == ("read", "path_escape", None)
    assert isinstance(items["inside.txt"], RawInput)
    assert not any(isinstance(i, RawInput) and "секрет".encode() in i.raw for i in items.values())


def test_oversize_files_and_lines_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(SENTENCE * 10, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Малый текст.", encoding="utf-8")
    long_line = json.dumps({"text": SENTENCE * 10})
    (tmp_path / "l.jsonl").write_text(
        f"{long_line}\n" + json.dumps({"text": "Малый."}) + "\n", encoding="utf-8"
    )
    items = _by_uri(tmp_path, max_bytes=200)
    big = items["big.txt"]
    assert isinstance(big, Rejection) and big.reason == "oversize"
    assert "over the cap of 200" in big.detail
    line = items["l.jsonl#L1"]
    assert isinstance(line, Rejection) and line.reason == "oversize"
    assert isinstance(items["l.jsonl#L2"], RawInput)
    assert isinstance(items["small.txt"], RawInput)


def test_single_file_and_missing_root(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(SENTENCE, encoding="utf-8")
    (item,) = iter_inputs(path)
    assert isinstance(item, RawInput) and item.source_uri == "one.txt"
    (missing,) = iter_inputs(tmp_path / "nope")
    assert isinstance(missing, Rejection) and missing.reason == "not_found"


def test_zip_members_are_read(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "news.zip", "w") as zf:
        zf.writestr("news.jsonlines", json.dumps({"content": SENTENCE}) + "\n" + "{oops\n")
        zf.writestr("img.png", b"\x89PNG\r\n\x1a\n")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    items = _by_uri(tmp_path)
    assert isinstance(items["news.zip/news.jsonlines#L1"], RawInput)
    bad_line = items["news.zip/news.jsonlines#L2"]
    assert isinstance(bad_line, Rejection) and bad_line.reason == "malformed_json"
    png = items["news.zip/img.png"]
    assert isinstance(png, Rejection) and png.reason == "unsupported_type"
    broken = items["broken.zip"]
    assert isinstance(broken, Rejection) and broken.reason == "bad_archive"


# --- parse_input on JSON and HTML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "title", "date", "source", "url"),
    [
        (  # Nezavisimaya Gazeta: the date only in the URL
            {
                "title": '"Газпрома" на всех не хватит',
                "url": "http://www.ng.ru/economics/2008-04-03/1_gazprom.html",
                "content": SENTENCE,
                "summary": "",
            },
            '"Газпрома" на всех не хватит',
            datetime.date(2008, 4, 3),
            "metadata",
            "ng.ru",
        ),
        (  # Tengrinews: datetime field and page_url
            {
                "page_url": "https://tengrinews.kz/world_news/x-532215/",
                "title": "Заголовок",
                "content": SENTENCE,
                "date_txt": "12 апреля 2024 23:15",
                "datetime": "2024-04-12T23:15:00",
            },
            "Заголовок",
            datetime.date(2024, 4, 12),
            "metadata",
            "tengrinews.kz",
        ),
        (  # RT: no date anywhere
            {
                "title": "Судебное давление",
                "url": "https://russian.rt.com/world/article/455367-ssha",
                "content": SENTENCE,
            },
            "Судебное давление",
            None,
            "unknown",
            "russian.rt.com",
        ),
        (
            {
                "headline": "Заголовок &quot;в кавычках&quot;",
                "body": f"<p>{SENTENCE}</p><p>Второй.</p>",
                "pubDate": "Fri, 12 Apr 2024 10:00:00 GMT",
                "source": "Kazinform",
            },
            'Заголовок "в кавычках"',
            datetime.date(2024, 4, 12),
            "metadata",
            "Kazinform",
        ),
    ],
)
def test_json_fields_fill_the_article(
    obj: dict[str, str], title: str, date: datetime.date | None, source: str, url: str
) -> None:
    article = parse_input(_raw("json", json.dumps(obj, ensure_ascii=False).encode("utf-8")))
    assert isinstance(article, CleanArticle), article
    assert article.title == title
    assert article.published_date == date
    assert article.published_date_source == source
    assert article.source_name == url
    assert article.text.startswith(SENTENCE)


@pytest.mark.parametrize(
    ("kind", "raw", "stage", "reason"),
    [
        ("json", b'{"text": "abc"', "parse", "malformed_json"),
        ("json", b"[1, 2]", "parse", "not_an_object"),
        ("json", b'{"title": "only a title"}', "parse", "no_text"),
        ("json", b"[" * 100_000, "parse", "malformed_json"),
        ("txt", b"\x89PNG\r\n\x1a\n\x00\x00", "decode", "binary"),
        ("txt", b"", "decode", "empty"),
        ("txt", "Рассказать друзьям\n\n  \n".encode(), "clean", "no_text"),
        ("txt", b"date 2024-04-12\n", "clean", "no_text"),
        ("pdf", b"%PDF-1.4", "parse", "unsupported_type"),
    ],
)
def test_bad_inputs_become_rejections(kind: str, raw: bytes, stage: str, reason: str) -> None:
    got = parse_input(_raw(kind, raw, uri="bad"))
    assert isinstance(got, Rejection), got
    assert (got.source_uri, got.stage, got.reason) == ("bad", stage, reason)
    assert got.raw_sha256 == hashlib.sha256(raw).hexdigest()


def test_txt_header_fields() -> None:
    text = f"title: Заголовок статьи\nurl: https://x.kz/2023/01/05/a\nsource: Казинформ\n\n{SENTENCE}"
    article = parse_input(_raw("txt", text.encode("utf-8")))
    assert isinstance(article, CleanArticle)
    assert (article.title, article.url, article.source_name) == (
        "Заголовок статьи",
        "https://x.kz/2023/01/05/a",
        "Казинформ",
    )
    assert (article.published_date, article.published_date_source) == (datetime.date(2023, 1, 5), "metadata")
    assert article.text == SENTENCE


def test_txt_without_header_has_unknown_date() -> None:
    article = parse_input(_raw("txt", f"В 2025 году {SENTENCE}".encode("cp1251")))
    assert isinstance(article, CleanArticle)
    assert (article.published_date, article.published_date_source, article.encoding) == (
        None,
        "unknown",
        "cp1251",
    )


def test_html_article() -> None:
    markup = (
        "<html><head><title>Сайт | Новость</title>"
        '<meta property="article:published_time" content="2024-04-12T10:00:00+05:00">'
        '<link rel="canonical" href="https://kz.example/news/1"></head>'
        "<body><nav>Главная Новости</nav><h1>Пшеница для Азербайджана</h1>"
        f"<script>var x = 1;</script><p>{SENTENCE}</p><p>Второй&nbsp;абзац.</p>"
        "<footer>© 2024</footer></body></html>"
    )
    article = parse_input(_raw("html", markup.encode("utf-8")))
    assert isinstance(article, CleanArticle)
    assert article.title == "Пшеница для Азербайджана"
    assert article.text == f"{SENTENCE}\n\nВторой абзац."
    assert (article.published_date, article.published_date_source) == (datetime.date(2024, 4, 12), "metadata")
    assert article.url == "https://kz.example/news/1"


# --- properties: nothing but a Rejection comes out of bad bytes ---------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["txt", "json", "html"]), st.binary(max_size=1500))
def test_parse_never_raises_on_arbitrary_bytes(kind: str, raw: bytes) -> None:
    got = parse_raw(_raw(kind, raw))  # without parse_input's last-resort guard
    assert isinstance(got, CleanArticle | Rejection)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["txt", "json", "html"]),
    st.text(alphabet=st.sampled_from('абвгд ЕЖЗ\n-.{}[]":,<>/pbrtex\\date2024-01'), max_size=300),
)
def test_parse_never_raises_on_structured_noise(kind: str, text: str) -> None:
    got = parse_raw(_raw(kind, text.encode("utf-8")))
    assert isinstance(got, CleanArticle | Rejection)
    if isinstance(got, CleanArticle):
        assert got.text.strip()
        assert got.published_date_source in {"header", "metadata", "unknown"}


# --- the real corpus ------------------------------------------------------------------------------------


def test_tengrinews_corpus_parses_without_errors() -> None:
    path = SHARED / "corpus" / "news" / "tengrinews_news_2024-04-12_17.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the checkout")
    articles = [parse_input(item) for item in iter_inputs(path)]
    assert len(articles) == 348
    assert all(isinstance(a, CleanArticle) for a in articles), [
        a for a in articles if isinstance(a, Rejection)
    ][:3]
    dated = [a for a in articles if isinstance(a, CleanArticle) and a.published_date is not None]
    assert len(dated) == 348
    assert all(a.published_date.year == 2024 for a in dated if a.published_date)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_are_rejected(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (item,) = iter_inputs(tmp_path)
    assert isinstance(item, Rejection) and item.reason == "unsupported_type"

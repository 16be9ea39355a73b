"""Product issue 6 (reliability): a hostile source folder through the real Prefect flow, the expected fate of
every input asserted from the warehouse; a configurable size cap; big files never read whole; an extractor
version bump re-extracts in place; property tests for decoding and cleaning.
"""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts import pipeline as nf
from newsfacts.ingest import iter_inputs
from newsfacts.ingest.clean import clean
from newsfacts.ingest.decode import decode
from newsfacts.ingest.model import CleanArticle, DecodeError, RawInput, Rejection
from newsfacts.ingest.parse import parse_raw
from tests.conftest import REPO

TABLES = ["articles", "sources", "quarantine", "runs", "date_mentions", "amounts", "trade_facts", "topics"]
TEXTS = {
    "plain": "Товарооборот между Казахстаном и Азербайджаном в 2024 году вырос на 15% и достиг 500 млн долларов.",
    "bom": "Экспорт пшеницы из Казахстана в Иран за первое полугодие 2025 года составил 1,2 млн тонн.",
    "cp1251": "Грузооборот морского порта Актау в январе 2025 года увеличился на 8% по сравнению с прошлым годом.",
    "koi8": "Азербайджан поставил в Грузию 300 тыс. тонн нефтепродуктов в 2023 году, сообщило министерство.",
    "moji": "Объем инвестиций в экономику Узбекистана вырос в 2 раза за пять лет, заявил министр экономики.",
    "moji1": "Туркменистан увеличил экспорт природного газа в Китай на 10% в 2024 году, сообщает агентство.",
    "one": "Казахстан и Китай подписали соглашение о строительстве нового терминала на границе.",
    "arr0": "Объем транзита через Казахстан в 2024 году превысил 27 млн тонн грузов.",
    "arr1": "Правительство Кыргызстана одобрило программу развития экспорта до 2030 года.",
    "line1": "Казахстан в 2025 году экспортировал 1,2 млн тонн пшеницы в страны Центральной Азии.",
    "line2": "Таможенные органы Азербайджана зафиксировали рост импорта автомобилей на 20%.",
    "dup": "Железнодорожные перевозки по Среднему коридору в первом квартале 2025 года выросли на треть.",
    "z_cp1251": "Туркменский порт Туркменбаши в 2024 году обработал 5 млн тонн грузов всех видов.",
    "z_json": "Грузия увеличила транзит казахстанской нефти через свою территорию в 1,5 раза.",
    "z_line": "Узбекистан и Азербайджан договорились довести товарооборот до 1 млрд долларов.",
    "z_html": "Паромная переправа Алят-Курык в 2024 году перевезла 300 тысяч тонн грузов.",
    "big_line_neighbour": "Товарооборот Казахстана и России в 2024 году составил 27 млрд долларов.",
}
SECRET = "Секретный текст за пределами источника"
SLIP = "ZIPSLIP секретное содержимое архива"
HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Каспий: новости</title>
<meta property="og:title" content="Транскаспийский маршрут нарастил перевозки">
<meta property="article:published_time" content="2025-02-03T10:00:00+05:00">
<script>document.write("СКРИПТ не должен попасть в статью")</script><style>.x{color:red}</style></head>
<body><nav>Главная | Новости | Экономика</nav>
<article><h1>Транскаспийский маршрут нарастил перевозки</h1>
<p>Объем перевозок по Транскаспийскому международному транспортному маршруту в 2024 году вырос на 62%
и составил 4,5 млн тонн.</p><p>Об этом сообщила пресс-служба ассоциации.</p></article>
<div class="share">Рассказать друзьям</div><footer>© 2025 Новости Каспия</footer></body></html>"""


def q(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"create view {t} as select * from read_parquet('{wh}/{t}/**/*.parquet')")
    return con.execute(sql).fetchall()


def _jsonl(*objs: dict[str, str]) -> bytes:
    return b"".join(json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in objs)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)  # ZipInfo keeps "../x" names as given
    return buf.getvalue()


def _big_text_file(path: Path, size: int) -> None:
    block = ((TEXTS["plain"] + "\n") * 200).encode()
    with path.open("wb") as fh:
        written = 0
        while written < size:
            fh.write(block)
            written += len(block)


# ---------------------------------------------------------------------------------------------- the fixture
# the expected fate of every input: ("article", encoding) for the article's primary source, ("dup", uri of
# the article's primary source) for another source of the same text, ("q", reason) for a quarantine row
EXPECTED: dict[str, tuple[str, str]] = {
    "a_plain.txt": ("article", "utf-8"),
    "a_bom.txt": ("article", "utf-8-sig"),
    "a_cp1251.txt": ("article", "cp1251"),
    "a_koi8.txt": ("article", "koi8-r"),
    "a_mojibake.txt": ("article", "utf-8"),
    "a_mojibake_latin1.txt": ("article", "utf-8"),
    "a_page.html": ("article", "utf-8"),
    "a_one.json": ("article", "utf-8"),
    "a_array.json#0": ("article", "utf-8"),
    "a_array.json#1": ("article", "utf-8"),
    "a_array.json#2": ("q", "not_an_object"),
    "a_lines.jsonl#L1": ("article", "utf-8"),
    "a_lines.jsonl#L2": ("q", "malformed_json"),
    "a_lines.jsonl#L4": ("article", "utf-8"),  # line 3 is blank: not an input
    ".hidden.txt": ("q", "skipped_hidden"),
    "bundle.zip/.hidden": ("q", "skipped_hidden"),
    "bundle.zip/../slip.txt": ("q", "path_escape"),
    "bundle.zip/z/a_cp1251.txt": ("article", "cp1251"),
    "bundle.zip/z/b.html": ("article", "koi8-r"),
    "bundle.zip/z/c.json": ("article", "utf-8"),
    "bundle.zip/z/d.jsonl#L1": ("article", "utf-8"),
    "bundle.zip/z/d.jsonl#L2": ("q", "malformed_json"),
    "bundle.zip/z/dup.txt": ("article", "utf-8"),
    "bundle.zip/z/empty.txt": ("q", "empty"),
    "bundle.zip/z/image.txt": ("q", "binary"),
    "bundle.zip/z/inner.zip": ("q", "unsupported_type"),
    "dup.json": ("dup", "bundle.zip/z/dup.txt"),
    "dup_a.txt": ("dup", "bundle.zip/z/dup.txt"),
    "dup_b.txt": ("dup", "bundle.zip/z/dup.txt"),
    "q_big_50mb.txt": ("q", "oversize"),
    "q_blank.txt": ("q", "blank"),
    "q_boilerplate.txt": ("q", "no_text"),
    "q_broken.zip": ("q", "bad_archive"),
    "q_broken_link.txt": ("q", "unreadable"),
    "q_empty.txt": ("q", "empty"),
    "q_escape.txt": ("q", "path_escape"),
    "q_escape_dir": ("q", "path_escape"),
    "q_jpeg.txt": ("q", "binary"),
    "q_json_no_text.json": ("q", "no_text"),
    "q_nul.txt": ("q", "binary"),
    "q_png.txt": ("q", "binary"),
    "q_undecodable.txt": ("q", "undecodable"),
    "q_notes.pdf": ("q", "unsupported_type"),
}


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    """A source folder with every case of issue 6 (see ``EXPECTED``); the secrets lie outside it."""
    src = tmp_path / "src"
    src.mkdir()
    T = TEXTS
    w = lambda name, data: (src / name).write_bytes(data)  # noqa: E731
    w("a_plain.txt", f"date 2025-01-15\ntitle: Товарооборот вырос\n\n{T['plain']}\n".encode())
    w("a_bom.txt", b"\xef\xbb\xbf" + T["bom"].encode())
    w("a_cp1251.txt", T["cp1251"].encode("cp1251"))
    w("a_koi8.txt", T["koi8"].encode("koi8-r"))
    w("a_mojibake.txt", T["moji"].encode("utf-8").decode("cp1251").encode("utf-8"))
    w("a_mojibake_latin1.txt", T["moji1"].encode("utf-8").decode("latin-1").encode("utf-8"))
    w("a_page.html", HTML.encode())
    w("a_one.json", json.dumps({"title": "Терминал", "text": T["one"]}, ensure_ascii=False).encode())
    w(
        "a_array.json",
        json.dumps([{"text": T["arr0"]}, {"content": T["arr1"]}, 42], ensure_ascii=False).encode(),
    )
    w("a_lines.jsonl", _jsonl({"text": T["line1"]}) + b'{"text": "oops\n\n' + _jsonl({"text": T["line2"]}))
    dup = f"title: Средний коридор\n\n{T['dup']}\n".encode()
    w("dup_a.txt", dup)
    w("dup_b.txt", dup)
    w("dup.json", json.dumps({"title": "Средний коридор", "text": T["dup"]}, ensure_ascii=False).encode())
    z_html = HTML.replace("4,5 млн тонн", "4,6 млн тонн").replace('charset="utf-8"', 'charset="koi8-r"')
    w(
        "bundle.zip",
        _zip(
            {
                "../slip.txt": SLIP.encode(),
                "z/a_cp1251.txt": T["z_cp1251"].encode("cp1251"),
                "z/b.html": z_html.replace("Об этом", T["z_html"] + " Об этом").encode("koi8-r"),
                "z/c.json": json.dumps({"body": T["z_json"]}, ensure_ascii=False).encode(),
                "z/d.jsonl": _jsonl({"text": T["z_line"]}) + b"[1, 2\n",
                "z/dup.txt": dup,
                "z/empty.txt": b"",
                "z/image.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
                "z/inner.zip": _zip({"x.txt": T["plain"].encode()}),
                ".hidden/skip.txt": T["plain"].encode(),
            }
        ),
    )
    _big_text_file(src / "q_big_50mb.txt", 50 * 1024 * 1024)
    w("q_blank.txt", b"   \n\n  \t\r\n")
    w("q_boilerplate.txt", "Рассказать друзьям\n\nПоделиться\n\nКомментарии 0\n".encode())
    w("q_broken.zip", b"PK\x03\x04 this is not really a zip archive")
    (src / "q_broken_link.txt").symlink_to(src / "missing.txt")
    w("q_empty.txt", b"")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (src / "q_escape.txt").symlink_to(outside / "secret.txt")
    (src / "q_escape_dir").symlink_to(outside)
    w("q_jpeg.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200))
    w("q_json_no_text.json", b'{"title": "only a title", "tags": ["x"]}')
    w("q_nul.txt", T["plain"].encode() + b"\x00\x00" + T["plain"].encode())
    w("q_png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    w("q_undecodable.txt", bytes(range(0x80, 0x100)) * 8)
    w("q_notes.pdf", b"%PDF-1.4 ...")
    w(".hidden.txt", T["plain"].encode())  # dot-files are recorded, not read
    return src


def fates(wh: Path) -> dict[str, tuple[str, str]]:
    """The fate of every input as the warehouse records it (each input must appear exactly once)."""
    got: dict[str, tuple[str, str]] = {}
    rows = q(
        wh,
        "select s.source_uri, a.source_uri, a.encoding from sources s join articles a using (article_id)",
    )
    rows += q(wh, "select source_uri, 'q', reason from quarantine where stage <> 'validate'")
    for uri, primary, what in rows:
        assert uri not in got, f"{uri} has two fates: {got[uri]} and {(primary, what)}"
        if primary == "q":
            got[uri] = ("q", what)
        elif primary == uri:
            got[uri] = ("article", what)
        else:
            got[uri] = ("dup", primary)
    return got


@pytest.fixture(scope="module")
def flow():  # noqa: ANN201 - the Prefect flow object
    from flows.pipeline import articles_pipeline

    return articles_pipeline


@pytest.mark.slow
def test_every_hostile_input_meets_its_expected_fate(flow, hostile: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    summary = flow(source=str(hostile), warehouse=str(wh), ner=False)
    got = fates(wh)
    assert got == EXPECTED
    n_sources = q(wh, "select count(*) from sources")[0][0]
    n_quarantined = q(wh, "select count(*) from quarantine where stage <> 'validate'")[0][0]
    assert summary["n_inputs"] == len(EXPECTED) == n_sources + n_quarantined
    assert summary["n_duplicates"] == 3
    n_articles = sum(1 for fate, _ in EXPECTED.values() if fate == "article")
    assert q(
        wh, "select count(*), count(distinct article_id), count(distinct text_sha256) from articles"
    ) == [(n_articles, n_articles, n_articles)]
    # decoding: the text is right whatever the encoding, and the row says what was done
    texts = dict(q(wh, "select source_uri, text from articles"))
    for uri, key in [
        ("a_bom.txt", "bom"),
        ("a_cp1251.txt", "cp1251"),
        ("a_koi8.txt", "koi8"),
        ("a_mojibake.txt", "moji"),
        ("a_mojibake_latin1.txt", "moji1"),
        ("bundle.zip/z/a_cp1251.txt", "z_cp1251"),
    ]:
        assert texts[uri] == TEXTS[key], uri
    repairs = dict(q(wh, "select source_uri, coalesce(repairs, '') from articles"))
    assert "ftfy_fix_encoding" in repairs["a_mojibake.txt"]
    assert "ftfy_fix_encoding" in repairs["a_mojibake_latin1.txt"]
    assert "ftfy" not in repairs["a_cp1251.txt"] and "ftfy" not in repairs["a_plain.txt"]
    # HTML: the article's text, none of the page's furniture or scripts
    ((title, text, published),) = q(
        wh, "select title, text, published_date from articles where source_uri = 'a_page.html'"
    )
    assert title == "Транскаспийский маршрут нарастил перевозки"
    assert "4,5 млн тонн" in text and str(published) == "2025-02-03"
    for junk in ("СКРИПТ", "document.write", "Главная", "Рассказать друзьям", "color:red", "©"):
        assert junk not in text
    assert TEXTS["z_html"] in texts["bundle.zip/z/b.html"]
    # content behind an escaping link or archive path is never read, so it is nowhere in the warehouse
    everything = str([q(wh, f"select * from {t}") for t in TABLES])
    assert SECRET not in everything and SLIP not in everything
    details = dict(q(wh, "select source_uri, detail from quarantine"))
    assert "not read" in details["q_big_50mb.txt"] and "10,000,000" in details["q_big_50mb.txt"]
    # a second run: every input is accounted for again, nothing is added
    again = flow(source=str(hostile), warehouse=str(wh), ner=False)
    assert again["n_new"] == 0 and again["rows_written"] == {} and again["n_quarantined"] == 0
    assert again["n_inputs"] == len(EXPECTED)
    assert fates(wh) == EXPECTED


@pytest.mark.slow
def test_the_size_cap_is_configurable(flow, tmp_path: Path) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    (src / "small.txt").write_text(TEXTS["plain"], encoding="utf-8")
    _big_text_file(src / "big.txt", 60_000)
    (src / "lines.jsonl").write_bytes(
        _jsonl({"text": TEXTS["line1"]}, {"text": TEXTS["line2"] * 600}, {"text": TEXTS["arr0"]})
    )
    summary = flow(source=str(src), warehouse=str(wh), ner=False, max_input_mb=0.05)
    assert fates(wh) == {
        "small.txt": ("article", "utf-8"),
        "big.txt": ("q", "oversize"),
        "lines.jsonl#L1": ("article", "utf-8"),
        "lines.jsonl#L2": ("q", "oversize"),
        "lines.jsonl#L3": ("article", "utf-8"),
    }
    assert summary["n_inputs"] == 5


def test_big_inputs_are_never_read_whole(tmp_path: Path) -> None:
    """50 MB as a file, as one JSON line and as a zip member: rejected as oversize with bounded memory."""
    src = tmp_path / "src"
    src.mkdir()
    _big_text_file(src / "big.txt", 50 * 1024 * 1024)
    with (src / "big.jsonl").open("wb") as fh:
        fh.write(b'{"text": "')
        for _ in range(50):
            fh.write(b"x" * (1024 * 1024))
        fh.write(b'"}\n')
        fh.write(_jsonl({"text": TEXTS["big_line_neighbour"]}))
    with (
        zipfile.ZipFile(src / "big.zip", "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("big_member.txt", "w") as member,
    ):
        for _ in range(50):
            member.write(b"y" * (1024 * 1024))
    tracemalloc.start()
    try:
        items = list(iter_inputs(src, max_bytes=10_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    outcome = {i.source_uri: i.reason if isinstance(i, Rejection) else "input" for i in items}
    assert outcome == {
        "big.jsonl#L1": "oversize",
        "big.jsonl#L2": "input",
        "big.txt": "oversize",
        "big.zip/big_member.txt": "oversize",
    }
    assert peak < 25 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB: a 50 MB input was read whole"


@pytest.mark.slow
def test_an_extractor_version_bump_re_extracts_in_place(
    flow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfacts.extract import dates as dates_mod

    src, wh = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    for seed in (REPO / "seeds").glob("*.txt"):
        (src / seed.name).write_bytes(seed.read_bytes())
    (src / "extra.json").write_text(json.dumps({"text": TEXTS["plain"]}, ensure_ascii=False), "utf-8")
    first = flow(source=str(src), warehouse=str(wh), ner=False)
    assert first["n_new"] == 3
    facts = ["date_mentions", "amounts", "trade_facts", "topics"]
    before = {t: q(wh, f"select count(*) from {t}")[0][0] for t in ["articles", "sources", *facts]}
    assert before["date_mentions"] > 0

    monkeypatch.setattr(dates_mod, "VERSION", "dates-bumped")
    monkeypatch.setattr(nf.shared, "_EXTRACTORS", {})  # the process caches its extractors (and their versions)
    bumped = flow(source=str(src), warehouse=str(wh), ner=False)
    assert bumped["n_new"] == 3 and bumped["n_skipped"] == 0
    after = {t: q(wh, f"select count(*) from {t}")[0][0] for t in ["articles", "sources", *facts]}
    assert after == before  # replaced, not appended
    assert q(wh, "select distinct extractor_version from date_mentions") == [("dates-bumped",)]
    assert q(
        wh, "select count(*) from articles where extractor_versions not like '%dates=dates-bumped%'"
    ) == [(0,)]
    for t, key in [("articles", "article_id"), ("date_mentions", "mention_id"), ("amounts", "amount_id")]:
        assert q(wh, f"select count(*) - count(distinct {key}) from {t}") == [(0,)], t
    # the same version again: skipped quickly
    again = flow(source=str(src), warehouse=str(wh), ner=False)
    assert again["n_new"] == 0 and again["n_skipped"] == 3


# ---------------------------------------------------------------------------------------------- properties
_RU = st.text(
    alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ .,-\n"))
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["txt", "json", "html"]), st.binary(max_size=3000))
def test_parsing_arbitrary_bytes_never_raises(kind: str, raw: bytes) -> None:
    """The unguarded parse (decode, header/JSON/HTML, clean) returns an article or a rejection."""
    got = parse_raw(RawInput("x", raw, hashlib.sha256(raw).hexdigest(), kind))
    assert isinstance(got, CleanArticle | Rejection)
    if isinstance(got, CleanArticle):
        assert got.text.strip()


@settings(max_examples=300, deadline=None)
@given(_RU, st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "koi8-r", "moji-cp1251", "moji-latin1"]))
def test_decoding_any_encoding_of_russian_never_raises(text: str, encoding: str) -> None:
    if encoding == "moji-cp1251":
        raw = text.encode("utf-8").decode("cp1251", errors="replace").encode("utf-8")
    elif encoding == "moji-latin1":
        raw = text.encode("utf-8").decode("latin-1").encode("utf-8")
    else:
        raw = text.encode(encoding)
    try:
        decoded = decode(raw)
    except DecodeError:
        return
    if encoding in ("utf-8", "utf-8-sig"):
        assert decoded.text == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(_RU, st.text(max_size=500)))
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once.text).text == once.text


@pytest.mark.slow
def test_a_run_without_ner_keeps_the_entities_of_a_run_with_ner(flow, tmp_path: Path) -> None:
    """--no-ner after a run with NER must skip the articles, not re-extract them and wipe their entities."""
    wh = tmp_path / "wh"
    flow(source=str(REPO / "seeds"), warehouse=str(wh), ner=True)
    n_entities = _count(wh, "entities")
    assert n_entities > 0
    without = flow(source=str(REPO / "seeds"), warehouse=str(wh), ner=False)
    assert without["n_new"] == 0 and without["n_skipped"] == 2
    assert _count(wh, "entities") == n_entities
    with_ner = flow(source=str(REPO / "seeds"), warehouse=str(wh), ner=True)
    assert with_ner["n_new"] == 0


def _count(wh: Path, table: str) -> int:
    got = duckdb.connect().execute(f"select count(*) from read_parquet('{wh}/{table}/*.parquet')").fetchone()
    assert got is not None
    return int(got[0])

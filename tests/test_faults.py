"""Issue 19 (faults): odd file names, corrupt zip members, dot-entries, impossible numbers and unclear messages,
each on real files, asserting what a user sees: the inputs' fates, the rows and the messages."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts import pipeline as nf
from newsfacts.ingest import RawInput, Rejection, iter_inputs
from newsfacts.ingest.sources import original_name, readable_name
from newsfacts.tables import TABLES
from tests.conftest import REPO

TEXT = "Казахстан в 2024 году экспортировал в Азербайджан 1,2 млн тонн пшеницы."
OTHER = "Товарооборот Казахстана и Узбекистана в 2024 году вырос на 15% и достиг 4 млрд долларов."


def _by_uri(root: Path) -> dict[str, RawInput | Rejection]:
    return {item.source_uri: item for item in iter_inputs(root)}


# ---------------------------------------------------------------------------------------------- case 1
@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    """A folder with a cp1251-named file, a Latin-1-named folder and a plain file (names made as bytes)."""
    root = tmp_path / "src"
    root.mkdir()
    (root / "ok.txt").write_text(OTHER, encoding="utf-8")
    cp1251 = "Новости.txt".encode("cp1251")
    with open(os.path.join(os.fsencode(root), cp1251), "wb") as fh:
        fh.write(TEXT.encode("utf-8"))
    folder = os.path.join(os.fsencode(root), "caf\xe9".encode("latin-1"))
    os.mkdir(folder)
    with open(os.path.join(folder, b"a.txt"), "wb") as fh:
        fh.write(b"")
    return root


def test_a_non_utf8_file_name_is_read_and_shown_with_byte_escapes(odd_names: Path) -> None:
    items = _by_uri(odd_names)
    shown = "".join(f"\\x{b:02x}" for b in "Новости".encode("cp1251")) + ".txt"
    assert set(items) == {"ok.txt", shown, "caf\\xe9/a.txt"}
    article = items[shown]
    assert isinstance(article, RawInput) and article.raw == TEXT.encode("utf-8")
    assert os.fsencode(original_name(shown)) == "Новости.txt".encode("cp1251")
    empty = items["caf\\xe9/a.txt"]
    assert isinstance(empty, Rejection) and empty.reason == "empty"


def test_rows_of_non_utf8_names_can_be_written(odd_names: Path) -> None:
    """The batch's frames (sources, articles, quarantine) build: the run no longer fails on them."""
    known = nf.KnownState({}, {}, {})
    batch = nf.read_inputs(odd_names, known, "", reprocess=False, max_bytes=1_000_000)
    plan = nf.parse_and_identify(batch.inputs, known, "run-1")
    pa.Table.from_pylist(plan.sources, schema=TABLES["sources"].schema)
    rows = nf.input_quarantine_rows([*batch.rejections, *plan.rejections], "run-1")
    table = pa.Table.from_pylist(rows, schema=TABLES["quarantine"].schema)
    assert table.column("source_uri").to_pylist() == ["caf\\xe9/a.txt"]


def test_a_non_utf8_source_root_is_named_readably(tmp_path: Path) -> None:
    missing = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff\xfe"))
    (item,) = iter_inputs(missing)
    assert isinstance(item, Rejection) and item.reason == "not_found"
    assert item.source_uri == "\\xff\\xfe" and "\\xff\\xfe" in item.detail
    pa.Table.from_pylist(nf.input_quarantine_rows([item], "r"), schema=TABLES["quarantine"].schema)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("Новости.txt", "Новости.txt"),
        ("dir\\file.txt", "dir\\file.txt"),  # a Windows separator stays as it is
        ("a\\xff.txt", "a\\\\xff.txt"),  # a literal backslash-x is doubled: it would read as an escape
        ("a\udcff.txt", "a\\xff.txt"),
        ("a\\\udcff", "a\\\\\\xff"),
    ],
)
def test_readable_names(name: str, shown: str) -> None:
    assert readable_name(name) == shown
    assert original_name(shown) == name


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_readable_name_is_reversible_and_printable(raw: bytes) -> None:
    name = os.fsdecode(raw)
    shown = readable_name(name)
    shown.encode("utf-8")  # never raises: no surrogates left
    assert os.fsencode(original_name(shown)) == raw


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "x", "u", "0", "f", "\\", "\udcff", "\ud800", "Ж"]), max_size=20)
)
def test_readable_name_round_trips_any_text(name: str) -> None:
    assert original_name(readable_name(name)) == name


# ---------------------------------------------------------------------------------------------- case 2
def _corrupt_zip(path: Path, compression: int, where: str) -> None:
    """A zip of a.txt, b.txt, c.txt whose member b.txt is damaged byte-wise: in its data or its local header."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr("a.txt", TEXT)
        zf.writestr("b.txt", OTHER * 20)
        zf.writestr("c.txt", OTHER)
    data = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("b.txt")
    if where == "data":
        offset = info.header_offset + 30 + len(info.filename) + 20
        data[offset] ^= 0xFF
    else:
        data[info.header_offset] = ord("X")  # the local header's signature
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("compression", "where", "message"),
    [
        (zipfile.ZIP_DEFLATED, "data", "Error -3 while decompressing data"),
        (zipfile.ZIP_STORED, "data", "Bad CRC-32 for file 'b.txt'"),
        (zipfile.ZIP_DEFLATED, "header", "Bad magic number for file header"),
    ],
)
def test_a_corrupt_zip_member_is_its_own_rejection(
    tmp_path: Path, compression: int, where: str, message: str
) -> None:
    _corrupt_zip(tmp_path / "news.zip", compression, where)
    items = _by_uri(tmp_path)
    assert set(items) == {"news.zip/a.txt", "news.zip/b.txt", "news.zip/c.txt"}
    a, b, c = items["news.zip/a.txt"], items["news.zip/b.txt"], items["news.zip/c.txt"]
    assert isinstance(a, RawInput) and a.raw == TEXT.encode()
    assert isinstance(c, RawInput) and c.raw == OTHER.encode()
    assert isinstance(b, Rejection) and (b.stage, b.reason) == ("read", "corrupt_member")
    assert b.detail.startswith("cannot read this member of the zip archive news.zip: ")
    assert message in b.detail
    assert nf.estimate_inputs(tmp_path) == 3  # the progress estimate does not fail on it either


# ---------------------------------------------------------------------------------------------- case 3
def test_dot_entries_are_recorded_not_read(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as zf:
        zf.writestr("news/b.txt", OTHER)
        zf.writestr("news/.cache/1.txt", OTHER)
        zf.writestr("news/.cache/2.txt", OTHER)
        zf.writestr("__MACOSX/news/._b.txt", b"\x00\x05\x16\x07")
        zf.writestr("./c.txt", TEXT)
    items = _by_uri(tmp_path)
    hidden = {uri: item.detail for uri, item in items.items() if isinstance(item, Rejection)}
    assert hidden == {
        ".DS_Store": "a hidden file (its name starts with '.'); not read",
        ".git": "a hidden folder (its name starts with '.'); nothing in it is read",
        "x.zip/__MACOSX/news/._b.txt": "a hidden file (its name starts with '.'); not read",
        "x.zip/news/.cache": "a hidden folder (its name starts with '.'); nothing in it is read",
    }
    assert all(items[uri].reason == "skipped_hidden" for uri in hidden)  # type: ignore[union-attr]
    assert {uri for uri, i in items.items() if isinstance(i, RawInput)} == {
        "a.txt",
        "x.zip/./c.txt",
        "x.zip/news/b.txt",
    }


# ---------------------------------------------------------------------------------------------- case 7
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Экспорт составил 1e6 тонн нефти.", [("1e6 тонн", 1e6, "t")]),
        ("Добыча достигла 2,5e6 тонн.", [("2,5e6 тонн", 2.5e6, "t")]),
        ("Выручка составила 10^6 рублей.", [("10^6 рублей", 1e6, "RUB")]),
        ("Товарооборот достиг 5·10^9 долларов.", [("5·10^9 долларов", 5e9, "USD")]),
        ("Рост составил 1e23 %.", [("1e23 %", 1e23, "percent")]),  # read as written; validation rejects it
        ("Бюджет составил 10^400 рублей.", []),  # no float holds it: not an amount (never "400 рублей")
        ("Выручка составила 2^10 рублей.", []),  # a power of another base: not read (never "10 рублей")
        ("Модель A5e7 стоит 5 млн рублей.", [("5 млн рублей", 5e6, "RUB")]),
    ],
)
def test_powers_of_ten_are_read_as_powers_or_not_at_all(
    sentence: str, expected: list[tuple[str, float, str]]
) -> None:
    from newsfacts.extract.amounts import extract_amounts

    assert [(a.text, a.value, a.unit) for a in extract_amounts(sentence)] == expected


def test_every_money_unit_of_the_lexicon_has_a_range() -> None:
    from newsfacts.extract.numbers import load_yaml
    from newsfacts.tables import UNIT_KINDS

    lexicon = load_yaml()
    money = {u["code"] for u in lexicon["units"] if u["kind"] == "money"} | set(
        lexicon["prefix_units"].values()
    )
    assert money <= set(UNIT_KINDS["money"])
    quantities = {u["code"] for u in lexicon["units"] if u["kind"] == "quantity"}
    assert {"t", "kg", "g", "bbl", "m3", "l", "dal"} <= quantities


@pytest.fixture(scope="module")
def validator():  # noqa: ANN201 - newsfacts.quality.Validator (imports GX)
    from newsfacts.quality import Validator

    return Validator()


def _trade_frame(*rows: dict[str, object]):  # noqa: ANN202 - a pandas frame
    base = {
        "article_id": "0123456789abcdef",
        "indicator": "export",
        "value_kind": "absolute",
        "direction": "none",
        "text": "экспорт составил",
        "start_char": 0,
        "end_char": 16,
        "sentence": "Экспорт составил.",
        "extractor_version": "trade-1",
    }
    full = [{**base, "fact_id": f"0123456789abcdef:t:{i}", **r} for i, r in enumerate(rows)]
    return pa.Table.from_pylist(full, schema=TABLES["trade_facts"].schema).to_pandas()


@pytest.mark.parametrize(
    ("value", "unit", "kind"),
    [
        (1e30, "USD", "money"),
        (1e27, "t", "mass"),
        (1e20, "m3", "volume"),
        (1e23, "percent", "percent"),
        (-2.0, "times", "ratio"),
        (1e25, None, None),  # a bare count, or any other unit: the contract's overall range
        (1e25, "km", None),
    ],
)
def test_impossible_values_are_rejected_per_unit_kind(
    validator, value: float, unit: str | None, kind: str | None
) -> None:
    from tests.test_quality import amounts_frame

    plausible = {"value": 5e9, "unit": "USD"}
    for table, frame, key in [
        ("amounts", amounts_frame(plausible, {"value": value, "unit": unit}), "0123456789abcdef:a:1"),
        ("trade_facts", _trade_frame(plausible, {"value": value, "unit": unit}), "0123456789abcdef:t:1"),
    ]:
        res = validator.validate(table, frame)
        assert res.success  # row-level: the row goes to quarantine, the run goes on
        (rej,) = res.rejections
        assert (rej.row_key, rej.expectation) == (key, "expect_column_values_to_be_between")
        what = f"a {kind} value" if kind else "the value"
        assert rej.detail.startswith(f"{table}.value: expect_column_values_to_be_between failed for ")
        assert f"value {{'value': {value!r}}}; {what} must lie in [" in rej.detail, rej.detail
    # a range's bounds are held to the same ranges
    res = validator.validate(
        "amounts", amounts_frame({"value": None, "value_low": 1.0, "value_high": 1e27, "unit": "t"})
    )
    assert [(r.expectation, r.detail.split(":")[0]) for r in res.rejections] == [
        ("expect_column_values_to_be_between", "amounts.value_high")
    ]


# ---------------------------------------------------------------------------------------------- case 8
def test_a_warehouse_path_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    from newsfacts.storage import Warehouse, WarehouseError, folder_problem

    (tmp_path / "wh").write_text("not a warehouse", encoding="utf-8")
    problem = f"the warehouse {tmp_path / 'wh'} is a file: give a folder (it is created if missing)"
    assert folder_problem(tmp_path / "wh") == problem
    with pytest.raises(WarehouseError) as raised, Warehouse(tmp_path / "wh").lock():
        pass
    assert str(raised.value) == problem
    assert folder_problem(tmp_path / "wh" / "sub") == (
        f"the warehouse {tmp_path / 'wh' / 'sub'} lies under {tmp_path / 'wh'}, which is a file: "
        "give a folder (it is created if missing)"
    )
    assert folder_problem(tmp_path / "new" / "wh") is None


def test_the_cli_refuses_a_warehouse_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main

    (tmp_path / "wh").write_text("x", encoding="utf-8")
    assert main(["run", str(REPO / "seeds"), "--warehouse", str(tmp_path / "wh")]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"newsfacts: the warehouse {tmp_path / 'wh'} is a file: give a folder (it is created if missing)\n"
    )


@pytest.mark.parametrize(
    ("obj", "detail"),
    [
        (b'{"text": 12345}', "JSON field 'text' holds a number (12345), not the article's text as a string"),
        (
            b'{"content": {"ru": "x"}}',
            'JSON field \'content\' holds an object ({"ru": "x"}), not the article\'s text as a string',
        ),
        (b'{"text": "  "}', "JSON field 'text' is empty: the object carries no article text"),
        (b'{"body": [1, 2]}', "JSON field 'body' holds a list of 2 items that are not all strings"),
        (
            b'{"title": "t"}',
            "JSON object has no text field (text/content/body/article/full_text/article_text); keys: title",
        ),
    ],
)
def test_a_json_text_field_that_is_no_string_says_so(obj: bytes, detail: str) -> None:
    from newsfacts.ingest import parse_input

    got = parse_input(RawInput("a.json", obj, "0" * 64, "json"))
    assert isinstance(got, Rejection) and (got.stage, got.reason, got.detail) == ("parse", "no_text", detail)


def test_an_invalid_header_date_is_kept_out_of_the_text_with_a_repair_note() -> None:
    from newsfacts.ingest import CleanArticle, parse_input

    raw = f"date 2023-02-31\ntitle: Экспорт пшеницы\n\n{TEXT}\n".encode()
    got = parse_input(RawInput("a.txt", raw, "0" * 64, "txt"))
    assert isinstance(got, CleanArticle)
    assert (got.text, got.title, got.published_date, got.published_date_source) == (
        TEXT,
        "Экспорт пшеницы",
        None,
        "unknown",
    )
    assert got.repairs == ("invalid_header_date:2023-02-31",)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_given_as_the_source_is_not_reported_missing(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (item,) = iter_inputs(tmp_path / "pipe")
    assert isinstance(item, Rejection)
    assert (item.source_uri, item.reason) == ("pipe", "unsupported_type")
    assert (
        item.detail == f"{tmp_path / 'pipe'} is a FIFO (named pipe), not a regular file or folder; not read"
    )
    assert nf.estimate_inputs(tmp_path / "pipe") in (0, None)
    (missing,) = iter_inputs(tmp_path / "nope")
    assert isinstance(missing, Rejection) and missing.reason == "not_found"
    assert missing.detail == f"{tmp_path / 'nope'} does not exist (no such file or folder)"


# ---------------------------------------------------------------------------------------------- end to end
ABSURD = "Товарооборот Казахстана и Китая в 2024 году достиг 999 999 999 999 999 999 трлн долларов."


@pytest.mark.slow
def test_a_faulty_source_folder_through_the_flow(tmp_path: Path) -> None:
    """Cases 1, 2, 3, 7 and 8 in one real run: what the warehouse holds, read back with DuckDB."""
    import duckdb

    from flows.pipeline import articles_pipeline

    src, wh = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    with open(os.path.join(os.fsencode(src), "Новости.txt".encode("cp1251")), "wb") as fh:
        fh.write(TEXT.encode("utf-8"))
    _corrupt_zip(src / "news.zip", zipfile.ZIP_DEFLATED, "data")
    (src / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (src / "absurd.txt").write_text(ABSURD, encoding="utf-8")
    (src / "number.json").write_bytes(b'{"text": 12345}')
    (src / "feb31.txt").write_text(f"date 2023-02-31\n\n{TEXT} Пшеница подорожала.\n", encoding="utf-8")
    summary = articles_pipeline(source=str(src), warehouse=str(wh), ner=False)

    con = duckdb.connect()
    for t in ("articles", "sources", "quarantine", "amounts", "trade_facts"):
        con.execute(f"create view {t} as select * from read_parquet('{wh}/{t}/**/*.parquet')")
    cp1251 = "".join(f"\\x{b:02x}" for b in "Новости".encode("cp1251")) + ".txt"
    assert sorted(r[0] for r in con.execute("select source_uri from sources").fetchall()) == sorted(
        ["absurd.txt", "feb31.txt", cp1251, "news.zip/a.txt", "news.zip/c.txt"]
    )
    inputs = dict(
        (uri, (reason, detail))
        for uri, reason, detail in con.execute(
            "select source_uri, reason, detail from quarantine where stage <> 'validate'"
        ).fetchall()
    )
    assert set(inputs) == {".DS_Store", "news.zip/b.txt", "number.json"}
    assert inputs[".DS_Store"] == ("skipped_hidden", "a hidden file (its name starts with '.'); not read")
    assert inputs["news.zip/b.txt"][0] == "corrupt_member"
    assert inputs["news.zip/b.txt"][1].startswith("cannot read this member of the zip archive news.zip: ")
    assert inputs["number.json"] == (
        "no_text",
        "JSON field 'text' holds a number (12345), not the article's text as a string",
    )
    assert summary["n_inputs"] == 8
    ((text, published, repairs),) = con.execute(
        "select text, published_date, repairs from articles where source_uri = 'feb31.txt'"
    ).fetchall()
    assert (text, published) == (f"{TEXT} Пшеница подорожала.", None)
    assert "invalid_header_date:2023-02-31" in repairs
    # the impossible figure is in no table, and quarantine says which row and why
    assert con.execute("select count(*) from amounts where abs(value) > 1e18").fetchone() == (0,)
    assert con.execute("select count(*) from trade_facts where abs(value) > 1e18").fetchone() == (0,)
    rejected = con.execute(
        "select table_name, reason, detail from quarantine where stage = 'validate' order by table_name"
    ).fetchall()
    assert {t for t, _, _ in rejected} == {"amounts", "trade_facts"}
    for table, reason, detail in rejected:
        assert reason == "expect_column_values_to_be_between"
        assert detail.startswith(f"{table}.value: ") and "{'value': 1e+30}" in detail
        assert detail.endswith("; a money value must lie in [-1e+18, 1e+18]")
    assert con.execute("select count(*) from articles where source_uri = 'absurd.txt'").fetchone() == (1,)
    # a second run changes nothing
    again = articles_pipeline(source=str(src), warehouse=str(wh), ner=False)
    assert again["n_new"] == 0 and again["rows_written"] == {} and again["n_quarantined"] == 0


def test_the_cli_refuses_a_source_root_that_is_not_utf8_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main

    root = os.path.join(os.fsencode(tmp_path), b"src\xff")
    os.mkdir(root)
    assert main(["run", os.fsdecode(root), "--warehouse", str(tmp_path / "wh")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsfacts: the source path {tmp_path}/src\\xff is not valid UTF-8")
    assert err.count("\n") == 1 and "give a path with a UTF-8 name" in err

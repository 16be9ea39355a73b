"""Named entities (newsfacts.extract.entities): normalisation tables, real sentences, the seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from newsfacts.extract.entities import (
    VERSION,
    ContextTagger,
    EntityExtractor,
    normalize_person,
    normalize_phrase,
)
from newsfacts.extract.types import EntityMention

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def extractor() -> EntityExtractor:
    return EntityExtractor()


@pytest.mark.parametrize(
    ("span", "normal"),
    [
        ("Касым-Жомарта Токаева", "Касым-Жомарт Токаев"),
        ("Ильхама Алиева", "Ильхам Алиев"),
        ("Токаева", "Токаев"),
        ("Фарид Шафиев", "Фарид Шафиев"),
        ("Азер Аллахверянов", "Азер Аллахверянов"),
        ("Эльхан Шаиноглу", "Эльхан Шаиноглу"),
        ("Фариз Исмаилзаде", "Фариз Исмаилзаде"),
        ("Марии Захаровой", "Мария Захарова"),
        ("Лидии Пархомчук", "Лидия Пархомчук"),
        ("Владимиром Путиным", "Владимир Путин"),
        ("Сергею Лаврову", "Сергей Лавров"),
        ("Никола Пашиняна", "Никол Пашинян"),
        ("Реджепа Тайипа Эрдогана", "Реджеп Тайип Эрдоган"),
        ("Шавката Мирзиёева", "Шавкат Мирзиёев"),
        ("Байеля", "Байель"),
        ("Э.Тукумов", "Э.Тукумов"),
    ],
)
def test_normalize_person(span: str, normal: str) -> None:
    assert normalize_person(span) == normal


@pytest.mark.parametrize(
    ("span", "normal"),
    [
        ("Министерства иностранных дел Казахстана", "Министерство иностранных дел Казахстана"),
        ("Центра анализа международных отношений", "Центр анализа международных отношений"),
        ("Организации тюркских государств", "Организация тюркских государств"),
        ("Южной Кореи", "Южная Корея"),
        ("Мангистауской области", "Мангистауская область"),
        ("Каспийском море", "Каспийское море"),
        (
            "Транскаспийского международного транспортного маршрута",
            "Транскаспийский международный транспортный маршрут",
        ),
        ("Нур-Султане", "Нур-Султан"),
        ("МИД", "МИД"),
        ("АО «НК «КазМунайГаз»", "АО «НК «КазМунайГаз»"),
    ],
)
def test_normalize_phrase(span: str, normal: str) -> None:
    assert normalize_phrase(span) == normal


def _find(mentions: list[EntityMention], text: str) -> EntityMention:
    found = [m for m in mentions if m.text == text]
    assert found, f"{text!r} not among {[m.text for m in mentions]}"
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Президент Азербайджана Ильхам Алиев провел встречу с Президентом Казахстана "
            "Касым-Жомартом Токаевым в Баку.",
            [
                ("LOC", "Азербайджана", "Азербайджан", "AZ"),
                ("PER", "Ильхам Алиев", "Ильхам Алиев", None),
                ("LOC", "Казахстана", "Казахстан", "KZ"),
                ("PER", "Касым-Жомартом Токаевым", "Касым-Жомарт Токаев", None),
                ("LOC", "Баку", "Баку", "AZ"),
            ],
        ),
        (
            "В первой половине текущего года объем торговли между Азербайджаном и Казахстаном вырос.",
            [("LOC", "Азербайджаном", "Азербайджан", "AZ"), ("LOC", "Казахстаном", "Казахстан", "KZ")],
        ),
        (
            "Министр иностранных дел Армении Арарат Мирзоян прибыл в Ереван.",
            [
                ("LOC", "Армении", "Армения", "AM"),
                ("PER", "Арарат Мирзоян", "Арарат Мирзоян", None),
                ("LOC", "Ереван", "Ереван", "AM"),
            ],
        ),
        (
            "Товарооборот между Россией и Турцией обсудили в Анкаре.",
            [
                ("LOC", "Россией", "Россия", "RU"),
                ("LOC", "Турцией", "Турция", "TR"),
                ("LOC", "Анкаре", "Анкара", "TR"),
            ],
        ),
    ],
)
def test_extract_sentences(
    extractor: EntityExtractor, sentence: str, expected: list[tuple[str, str, str, str | None]]
) -> None:
    mentions = extractor.extract(sentence)
    for kind, text, normal, iso2 in expected:
        m = _find(mentions, text)
        assert (m.type, m.normal, m.country_iso2) == (kind, normal, iso2)


@pytest.mark.parametrize(
    "sentence",
    [
        "Казахстанский бизнес и азербайджанские компании расширяют сотрудничество.",
        "Мир меняется, и экспертное сообщество это понимает.",
        "",
        "   ",
    ],
)
def test_no_persons_no_countries(extractor: EntityExtractor, sentence: str) -> None:
    mentions = extractor.extract(sentence)
    assert not [m for m in mentions if m.type == "PER"]
    assert not [m for m in mentions if m.country_iso2 and m.form == "name"]  # adjectives: form = adjective


def test_offsets_and_types(extractor: EntityExtractor) -> None:
    text = (REPO / "seeds" / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8")
    mentions = extractor.extract(text)
    assert mentions
    for m in mentions:
        assert text[m.start_char : m.end_char] == m.text
        assert m.type in {"PER", "ORG", "LOC"}
        assert m.normal
        assert m.country_iso2 is None or m.type == "LOC"


def test_same_person_shares_normal(extractor: EntityExtractor) -> None:
    text = (
        "Директор Центра анализа международных отношений Фарид Шафиев выступил на заседании. "
        "Ф.Шафиев отметил рост товарооборота. По словам Шафиева, совет будет встречаться регулярно. "
        "Эркин Тукумов поддержал коллегу, а Э.Тукумов предложил провести следующее заседание в Астане."
    )
    mentions = extractor.extract(text)
    persons = {m.text: m.normal for m in mentions if m.type == "PER"}
    assert {n for t, n in persons.items() if "Шафиев" in t} == {"Фарид Шафиев"}
    assert {n for t, n in persons.items() if "Тукумов" in t} == {"Эркин Тукумов"}


def test_two_mamedovs_stay_apart(extractor: EntityExtractor) -> None:
    text = "Выступили Фархад Мамедов и Заур Мамедов. Затем Мамедов ответил на вопросы. З.Мамедов согласился."
    mentions = extractor.extract(text)
    normals = {m.text: m.normal for m in mentions if m.type == "PER"}
    assert normals.get("Фархад Мамедов") == "Фархад Мамедов"
    assert normals.get("Заур Мамедов") == "Заур Мамедов"
    assert normals.get("Мамедов", "Мамедов") == "Мамедов"  # ambiguous: left alone
    if "З.Мамедов" in normals:
        assert normals["З.Мамедов"] == "Заур Мамедов"


def test_extract_many_matches_extract(extractor: EntityExtractor) -> None:
    texts = ["Ильхам Алиев прибыл в Астану.", "", "Президент Турции Реджеп Тайип Эрдоган посетил Баку."]
    assert extractor.extract_many(texts) == [extractor.extract(t) for t in texts]


def _dehyphenate(text: str) -> str:
    return re.sub(r"(\w)-\n+(\w)", r"\1\2", text)


@pytest.mark.parametrize(
    ("seed", "gold_persons", "at_least", "countries"),
    [
        (
            "000_7b51122feffa36ca.txt",
            "Алим Байель, Азер Аллахверянов, Фарид Шафиев, Фархад Мамедов, Ильгар Велизаде, Ризван Гусейнов, "
            "Орхан Йолчуев, Эльхан Шаиноглу, Заур Мамедов, Касым-Жомарт Токаев, Ильхам Алиев",
            9,
            {"KZ", "AZ", "AM"},
        ),
        (
            "002_a33c8814e50c2989.txt",
            "Фарид Шафиев, Эркин Тукумов, Касым-Жомарт Токаев, Айдос Сарым, Эльшад Мирбашироглу, "
            "Расим Мусабеков, Амангелды Таженев, Фариз Исмаилзаде, Рахим Ошакбаев, Фархад Мамедов, "
            "Гайдар Абдикеримов, Наги Ахмедов, Лидия Пархомчук",
            11,
            {"AZ", "KZ", "TR"},
        ),
    ],
)
def test_seed_acceptance(
    extractor: EntityExtractor, seed: str, gold_persons: str, at_least: int, countries: set[str]
) -> None:
    text = _dehyphenate((REPO / "seeds" / seed).read_text(encoding="utf-8"))
    mentions = extractor.extract(text)
    persons = [m for m in mentions if m.type == "PER"]
    found = 0
    for name in gold_persons.split(", "):
        key = name.split()[-1].lower()[:5]  # the checker's rule: first 5 letters of the surname
        found += any(key in m.normal.lower() or key in m.text.lower() for m in persons)
    assert found >= at_least
    assert countries <= {m.country_iso2 for m in mentions}


def test_seed_002_one_entity_per_person(extractor: EntityExtractor) -> None:
    text = _dehyphenate((REPO / "seeds" / "002_a33c8814e50c2989.txt").read_text(encoding="utf-8"))
    normals = {m.text: m.normal for m in extractor.extract(text) if m.type == "PER"}
    assert normals["Э.Тукумов"] == normals["Эркин Тукумов"] == "Эркин Тукумов"
    assert normals["Ф.Шафиев"] == "Фарид Шафиев"


def test_nerel_offsets(extractor: EntityExtractor) -> None:
    folder = SHARED / "corpus" / "nerel" / "dev"
    if not folder.is_dir():
        pytest.skip(f"NEREL corpus not found at {folder} (../shared is absent)")
    for path in sorted(folder.glob("*.txt"))[:10]:
        text = path.read_text(encoding="utf-8")
        for m in extractor.extract(text):
            assert text[m.start_char : m.end_char] == m.text


def test_version() -> None:
    assert VERSION == "entities-5"


# real mentions (NEREL dev, NG, the issue) whose lemma needs the first name, patronymic and surname agreed in
# gender and case: women's names, oblique cases of foreign names, ё as written, words of the dictionary as names
@pytest.mark.parametrize(
    ("kind", "span", "normal"),
    [
        ("PER", "Асию Биби", "Асия Биби"),
        ("PER", "Юлию", "Юлия"),
        ("PER", "Юлию Трофимову", "Юлия Трофимова"),
        ("PER", "Вольфганом Соботкой", "Вольфганг Соботка"),
        ("PER", "Вольфгангом Соботкой", "Вольфганг Соботка"),
        ("PER", "Зухрой Муртазиной", "Зухра Муртазина"),
        ("PER", "Божене Рынской", "Божена Рынская"),
        ("PER", "Грету Циммер Фридман", "Грета Циммер Фридман"),
        ("PER", "Антонеллой Рокуццо", "Антонелла Рокуццо"),
        ("PER", "Шакирой", "Шакира"),
        ("PER", "Мадонны", "Мадонна"),
        ("PER", "Поп-звезда Мадонна", "Поп-звезда Мадонна"),
        ("PER", "Иванку Трамп", "Иванка Трамп"),
        ("PER", "Еленой Малашенко", "Елена Малашенко"),
        ("PER", "Елизаветы Петровны", "Елизавета Петровна"),
        ("PER", "Вячеславом Степановичем Тимченко", "Вячеслав Степанович Тимченко"),
        ("PER", "Лиама Хоулетта", "Лиам Хоулетт"),
        ("PER", "Уильямом Фридкином", "Уильям Фридкин"),
        ("PER", "Чарли Чаплином", "Чарли Чаплин"),
        ("PER", "Джо Байдена", "Джо Байден"),
        ("PER", "Джо Локхарту", "Джо Локхарт"),
        ("PER", "Доминика Рааба", "Доминик Рааб"),
        ("PER", "Фолькера Буфье (Volker Bouffier)", "Фолькер Буфье (Volker Bouffier)"),
        ("PER", "Сергею Лаврову", "Сергей Лавров"),
        ("PER", "Юрию Гагарину", "Юрий Гагарин"),
        ("PER", "Михаиле Горбачёве", "Михаил Горбачёв"),
        ("PER", "Ивана Муравьева", "Иван Муравьев"),
        ("PER", "Лукашенко-старшего", "Лукашенко-старший"),
        ("PER", "Б.Обамы", "Б.Обама"),
        ("ORG", "Спитфайр", "Спитфайр"),
        ("ORG", "Уфанет", "Уфанет"),
        ("LOC", "Даунинг-стрит", "Даунинг-стрит"),
        ("ORG", "Организации Объединенных Наций", "Организация Объединенных Наций"),
        ("ORG", "Союзом польских композиторов", "Союз польских композиторов"),
        ("LOC", "Кировоградской (Кропивницкой) области", "Кировоградская (Кропивницкая) область"),
        # abbreviations: a case ending dropped, adjectives before one to the nominative, upper case kept
        ("ORG", "ВГИКе", "ВГИК"),
        ("ORG", "МИДа", "МИД"),
        ("ORG", "МИД", "МИД"),
        ("ORG", "КрАЗа", "КрАЗ"),
        ("ORG", "КрАЗ", "КрАЗ"),
        # capitals kept per hyphenated part, a lowercase particle first too
        ("PER", "Адель аль-Джубейр", "Адель аль-Джубейр"),
        ("PER", "Абдаллой II", "Абдалла II"),
        ("ORG", "Королевских ВВС", "Королевские ВВС"),
        ("ORG", "Чернобыльской АЭС", "Чернобыльская АЭС"),
        ("ORG", "Российская АЭС", "Российская АЭС"),
        # coordinated adjectives before the head
        (
            "ORG",
            "Западноафриканского экономического и валютного союза (UEMOA)",
            "Западноафриканский экономический и валютный союз (UEMOA)",
        ),
        # a word the dictionary knows only as a surname in -ский, before the head: an adjective
        ("ORG", "Никитинского суда", "Никитинский суд"),
        ("ORG", "Мариинского театра", "Мариинский театр"),
        ("ORG", "Никитинской больницы", "Никитинская больница"),
        # a place the gazetteer or the dictionary knows before a person's name of the same form
        ("LOC", "Марселе", "Марсель"),
        # a common noun in a person's name keeps its gender
        ("PER", "Доктора Лизу", "Доктор Лиза"),
        ("PER", "Доктора Лизы", "Доктор Лиза"),
    ],
)
def test_mention_normal_agrees_gender_and_case(kind: str, span: str, normal: str) -> None:
    from newsfacts.extract.entities import mention_normal

    found = mention_normal(kind, span)
    assert found is not None and found[0] == normal


# the table of real NEREL mentions (tests/data/entity_lemmas.tsv: dev rows, and train rows added later;
# bench/eval_names.py compares natasha's span.normalize on it): a floor against regressions, below the goal of 0.97
NAMES_TABLE_FLOOR = 0.85  # the mention alone (0.872); with its sentence (bench/eval_names.py "ours") 0.940


@pytest.fixture(scope="session")
def context_tagger() -> ContextTagger:
    return ContextTagger()


# real mentions whose lemma only the sentence tells (NEREL dev): a man's name in -а is a nominative ("Диарра
# имел") or a genitive of a name in a consonant ("кабинете Байдена"), an unknown place or company is in the case
# the sentence gives it; natasha's NewsMorphTagger on the words around the mention decides
@pytest.mark.parametrize(
    ("kind", "mention", "sentence", "normal"),
    [
        ("PER", "Диарра", "Как пишут СМИ, уже тогда Диарра имел президентские амбиции.", "Диарра"),
        ("PER", "Кейта", "Пост главы правительства Мали Кейта занимал с 1994 по 2000 годы.", "Кейта"),
        ("PER", "Запата", "На полпути к финишу Запата дозаправится.", "Запата"),
        (
            "PER",
            "Сумана Сакко (Soumana Sacko)",
            "Временный премьер Мали с 1991 по 1992 годы Сумана Сакко (Soumana Sacko) тоже имеет шансы.",
            "Сумана Сакко (Soumana Sacko)",
        ),
        # a Chinese family name stays as written, the given name declines (names_indeclinable_ru.txt)
        (
            "PER",
            "Цзян Цзэминя",
            "В Пекине умер Ли Пэн, соратник Цзян Цзэминя, премьер Госсовета.",
            "Цзян Цзэминь",
        ),
        (
            "PER",
            "Хуа Логэном",
            "Он ездил в другие регионы с математиком Хуа Логэном, чтобы учить.",
            "Хуа Логэн",
        ),
        ("PER", "Байдена", "Встреча прошла в кабинете Байдена в Белом доме.", "Байден"),
        ("PER", "Сандерса", "Сторонники Сандерса вышли на митинг.", "Сандерс"),
        ("PER", "Юлию", "Вчера он встретил Юлию на вокзале.", "Юлия"),
        # an unknown word in a case none of its readings has: indeclinable, as written
        (
            "PER",
            "Аматэрасу",
            "Он посетил святилище богини Аматэрасу — прародительницы династии.",
            "Аматэрасу",
        ),
        ("LOC", "Портапике", "В ночь на 19 апреля в Портапике и Энфилде произошла стрельба.", "Портапик"),
        (
            "ORG",
            "Металлоинвеста",
            "Глава «Металлоинвеста» Андрей Варичев умер от пневмонии.",
            "Металлоинвест",
        ),
        ("ORG", "Хезболла", "В связях с ливанской группировкой «Хезболла».", "Хезболла"),
        ("LOC", "Гаваре", "Пять человек задержаны по делу об инциденте в армянском Гаваре.", "Гавар"),
        ("LOC", "Санта Орсола", "Мы пожертвовали их в больницу Санта Орсола в Болонье.", "Санта Орсола"),
    ],
)
def test_mention_normal_in_its_sentence(
    context_tagger: ContextTagger, kind: str, mention: str, sentence: str, normal: str
) -> None:
    from newsfacts.extract.entities import mention_normal

    start = sentence.index(mention)
    hints = context_tagger.hints(sentence, [(kind, start, start + len(mention))])[0]
    found = mention_normal(kind, mention, hints)
    assert found is not None and found[0] == normal


def test_context_only_where_the_case_is_in_doubt() -> None:
    from newsfacts.extract.entities import needs_context

    assert needs_context("PER", "Диарра") and needs_context("LOC", "Портапике")
    assert not needs_context("PER", "Владимиром Путиным") and not needs_context("ORG", "Министерства обороны")


def test_canonical_names_on_the_table_of_real_mentions() -> None:
    import csv

    from newsfacts.extract.entities import mention_normal

    lines = (REPO / "tests" / "data" / "entity_lemmas.tsv").read_text(encoding="utf-8").splitlines()
    rows = list(
        csv.DictReader([ln for ln in lines if not ln.startswith("#")], delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    assert len(rows) >= 200 and {r["type"] for r in rows} == {"PER", "ORG", "LOC"}
    right = sum((mention_normal(r["type"], r["mention"]) or ("",))[0] == r["expected"] for r in rows)
    assert right / len(rows) >= NAMES_TABLE_FLOOR


# with each mention's quote, as EntityExtractor gives it its sentence (bench/eval_names.py "ours"): the NEREL dev
# table (0.940 at entities-3) and the held-out RT table (0.967; 0.946 before it was looked at)
@pytest.mark.parametrize(
    ("table", "floor"), [("entity_lemmas.tsv", 0.93), ("entity_lemmas_heldout.tsv", 0.95)]
)
def test_canonical_names_in_context(context_tagger: ContextTagger, table: str, floor: float) -> None:
    import csv

    from newsfacts.extract.entities import mention_normal

    lines = (REPO / "tests" / "data" / table).read_text(encoding="utf-8").splitlines()
    rows = list(
        csv.DictReader([ln for ln in lines if not ln.startswith("#")], delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    right = 0
    for r in rows:
        start = r["quote"].index(r["mention"])
        hints = context_tagger.hints(r["quote"], [(r["type"], start, start + len(r["mention"]))])[0]
        right += (mention_normal(r["type"], r["mention"], hints) or ("",))[0] == r["expected"]
    assert right / len(rows) >= floor


def test_context_tagged_once_per_form(context_tagger: ContextTagger) -> None:
    text = "Как пишут СМИ, Диарра имел амбиции. Позже у Диарра не было шансов."
    spans = [("PER", m.start(), m.end()) for m in re.finditer("Диарра", text)]
    hints = context_tagger.hints(text, spans)
    assert len(hints) == 2 and hints[0] and hints[0] == hints[1]
    assert context_tagger.hints("Владимир Путин заявил.", [("PER", 0, 14)]) == [()]


# ---------------------------------------------------------------- recognition beyond natasha (entity_rules)

Span = tuple[str, str, str, str, "str | None"]  # text, type, normal, form, country_iso2


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # seeds/000: the acronym of a ministry and the country after it, a compound country adjective
        (
            "В посольстве Казахстана в Баку состоялся круглый стол, посвященный казахско-азербайджанским "
            "отношениям, сообщили в МИД РК.",
            [
                ("казахско", "LOC", "Казахстан", "adjective", "KZ"),
                ("азербайджанским", "LOC", "Азербайджан", "adjective", "AZ"),
                ("МИД", "ORG", "МИД", "name", None),
                ("РК", "LOC", "Казахстан", "name", "KZ"),
            ],
        ),
        # seeds/000: a parliament of the region in the genitive, the acronyms of two institutes
        (
            "В мероприятии приняли участие депутат Милли Меджлиса Азербайджанской Республики Азер Аллахверянов.",
            [
                ("Милли Меджлиса", "ORG", "Милли Меджлис", "name", None),
                ("Азербайджанской Республики", "LOC", "Азербайджан", "name", "AZ"),
            ],
        ),
        (
            "Во вступительных речах председатель правления ЦАМО Фарид Шафиев и директор ИСИ Эркин Тукумов "
            "рассказали об актуальных вопросах во взаимоотношениях двух стран.",
            [("ЦАМО", "ORG", "ЦАМО", "name", None), ("ИСИ", "ORG", "ИСИ", "name", None)],
        ),
        # Tengrinews: a country adjective is a place mention of its country
        (
            "Также на территории республики вахтовым методом работают 174 сотрудника одной из казахстанских "
            "компаний.",
            [("казахстанских", "LOC", "Казахстан", "adjective", "KZ")],
        ),
        # NG: a national company in quotes, in the genitive
        (
            "Украина взыскала с «Газпрома» порядка 100 млн гривен.",
            [("Украина", "LOC", "Украина", "name", "UA"), ("Газпрома", "ORG", "Газпром", "name", None)],
        ),
        # NG: a quoted name after "компании", the legal form kept with its quotes
        (
            "Как отметил главный конструктор самолетов Ту-95 в компании «Туполев» Евгений Деянов, модернизация "
            "необходима.",
            [("Туполев", "ORG", "Туполев", "name", None)],
        ),
        (
            "По оценкам ООО «Ре-Форс», выполняющего работы по актуализации схемы теплоснабжения городского "
            "округа Самара, объемы снизятся.",
            [("ООО «Ре-Форс»", "ORG", "ООО «Ре-Форс»", "name", None)],
        ),
        # RT, NG: parliaments of the region in oblique cases
        (
            "Глава фракции и депутат парламента Киргизии (Жогорку Кенеша) Омурбек Бабанов был премьер-министром.",
            [
                ("парламента Киргизии", "ORG", "парламент Киргизии", "name", None),
                ("Киргизии", "LOC", "Киргизия", "name", "KG"),
                ("Жогорку Кенеша", "ORG", "Жогорку Кенеш", "name", None),
            ],
        ),
        (
            "Консультант Юлии Тимошенко по вопросам ТЭК, депутат Верховной Рады Алексей Гудыма считает иначе.",
            [("Верховной Рады", "ORG", "Верховная Рада", "name", None)],
        ),
        # Tengrinews, RT: a state body written as a common noun, with its genitive dependants
        (
            "Об этом сообщило министерство обороны Германии в субботу, 13 апреля.",
            [
                ("министерство обороны Германии", "ORG", "министерство обороны Германии", "name", None),
                ("Германии", "LOC", "Германия", "name", "DE"),
            ],
        ),
        (
            "Политический аналитик Александр Асафов указывает, что правительство Казахстана планирует получить "
            "политические бонусы.",
            [("правительство Казахстана", "ORG", "правительство Казахстана", "name", None)],
        ),
        # NG: a prosecutor's office of a former state, the former state itself, adjectives of two countries
        (
            "По официальным данным Генпрокуратуры СССР, в ходе беспорядков погибло 26 граждан армянской и 6 "
            "граждан азербайджанской национальности.",
            [
                ("Генпрокуратуры", "ORG", "Генпрокуратура", "name", None),
                ("СССР", "LOC", "СССР", "name", None),
                ("армянской", "LOC", "Армения", "adjective", "AM"),
                ("азербайджанской", "LOC", "Азербайджан", "adjective", "AZ"),
            ],
        ),
        # a city in an oblique case and a city adjective
        (
            "Делегация московского правительства прибыла в Алматы, а затем в Шымкент.",
            [
                ("московского", "LOC", "Москва", "adjective", "RU"),
                ("Алматы", "LOC", "Алматы", "name", "KZ"),
                ("Шымкент", "LOC", "Шымкент", "name", "KZ"),
            ],
        ),
        # natasha's place that is an organisation's name
        (
            "Страны ЕС обсудили санкции против России.",
            [("ЕС", "ORG", "ЕС", "name", None), ("России", "LOC", "Россия", "name", "RU")],
        ),
    ],
)
def test_rules_find(extractor: EntityExtractor, sentence: str, expected: list[Span]) -> None:
    got = {(m.text, m.type, m.normal, m.form, m.country_iso2) for m in extractor.extract(sentence)}
    for span in expected:
        assert span in got, (span, sorted(got))


@pytest.mark.parametrize(
    ("sentence", "text", "wrong_type"),
    [
        # a quoted name that is only a city's: the format of talks (NG), a football club
        (
            "Это ставит под сомнение результативность встреч в формате «Астана» и отчеты дипведомства.",
            "Астана",
            "LOC",
        ),
        ("ФК «Астана» обыграл «Кайрат» со счетом 2:1.", "Астана", "LOC"),
        # a person named like a city
        ("Семья переехала в Алматы, а актриса Вена Ли осталась в Лондоне.", "Вена", "LOC"),
        # a city whose name is a common word, at the start of a sentence ("Семей" / "семья")
        ("Семья переехала в Алматы, а актриса Вена Ли осталась в Лондоне.", "Семья", "LOC"),
        # a body word with nothing after it that names whose it is
        ("Администрация заявила, что работы продолжатся.", "Администрация", "ORG"),
        # a common noun natasha tags as an organisation
        ("Об этом сообщили местные СМИ.", "СМИ", "ORG"),
        # a preposition is no dependant of a body
        (
            "Об этом сообщило министерство обороны Германии в субботу.",
            "министерство обороны Германии в",
            "ORG",
        ),
    ],
)
def test_rules_do_not_find(extractor: EntityExtractor, sentence: str, text: str, wrong_type: str) -> None:
    got = {(m.text, m.type) for m in extractor.extract(sentence)}
    assert (text, wrong_type) not in got, sorted(got)


def test_rules_off_is_natasha() -> None:
    sentence = (
        "Также на территории республики работают сотрудники одной из казахстанских компаний и «Газпрома»."
    )
    plain = EntityExtractor(rules=False).extract(sentence)
    assert ("казахстанских", "Газпрома") not in {m.text for m in plain}
    assert all(m.form in ("name", "adjective") for m in plain)


def test_quick_place_scan_finds_what_the_full_scan_finds() -> None:
    from newsfacts.extract.geo import CITY, COUNTRY_KINDS, _find, find_places

    for seed in sorted((REPO / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        assert find_places(text) == _find(text, COUNTRY_KINDS | {CITY}, True)


@pytest.mark.slow
def test_entities_in_the_warehouse(tmp_path: Path) -> None:
    """The real `newsfacts run` over the seeds: forms and the rules' mentions as analysts read them."""
    import os
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        (src / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    wh = tmp_path / "warehouse"
    run = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(wh), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = duckdb.sql(
        f"select text, type, normal, form, country_iso2 from read_parquet('{wh}/entities/**/*.parquet')"
    ).fetchall()
    assert {r[3] for r in rows} == {"name", "adjective"}
    assert ("казахско", "LOC", "Казахстан", "adjective", "KZ") in rows
    assert ("ЦАМО", "ORG", "ЦАМО", "name", None) in rows
    assert ("Милли Меджлиса", "ORG", "Милли Меджлис", "name", None) in rows

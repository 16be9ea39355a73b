"""Topic tagger: IPTC Media Topics + regional domain topics from data/topics.yaml."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from newsfacts.extract.data import read_text
from newsfacts.extract.topics import VERSION, TopicTagger, is_verse
from newsfacts.extract.topics_taxonomy import IPTC_SUBSET_FILE, TAXONOMY_FILE, load_iptc
from newsfacts.extract.types import TopicAssignment

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"

# check_seeds.py's accepted IPTC codes per gold topic name
TOPIC_CODES = {
    "diplomacy / international relations": ["medtop:20000638", "medtop:20000639", "medtop:11000000"],
    "energy": ["medtop:20000256", "medtop:20001243", "medtop:20000431", "medtop:20000387"],
    "transport and logistics": ["medtop:20000337", "medtop:20001170"],
    "agriculture / food trade": ["medtop:20000210", "medtop:20000373"],
    "trade / economy": ["medtop:20000373", "medtop:20000344", "medtop:04000000"],
    # shoulds (our reading of the gold names)
    "telecommunications": ["medtop:20000233", "medtop:20000225"],
    "artificial intelligence / technology": ["medtop:20001298", "medtop:20000763", "medtop:20000756"],
    "parliament / politics": ["medtop:20000615", "medtop:11000000"],
    "culture and humanitarian ties": ["medtop:20000038", "medtop:01000000"],
    "security / defence": ["medtop:20000598", "medtop:16000000"],
    "education and culture": ["medtop:05000000", "medtop:20000038"],
}


@pytest.fixture(scope="session")
def tagger() -> TopicTagger:
    return TopicTagger()


@pytest.fixture(scope="session")
def parents() -> dict[str, str | None]:
    """qcode -> parent: the full IPTC CSV when ../shared is there (as check_seeds.py), else the subset."""
    full = SHARED / "taxonomy" / "iptc_mediatopics_en.csv"
    concepts = load_iptc(full) if full.exists() else load_iptc()
    return {q: c.parent for q, c in concepts.items()}


def ancestors(code: str, parents: dict[str, str | None]) -> set[str]:
    out: set[str] = set()
    current: str | None = code
    while current and current not in out:
        out.add(current)
        current = parents.get(current)
    return out


def codes(result: list[TopicAssignment]) -> set[str]:
    return {t.topic_code for t in result}


# (title, text, codes that must be assigned, codes that must not)
CASES = [
    pytest.param(
        "Курс доллара в Казахстане снова падает",
        "На утренней сессии в Астане курс доллара снизился. Национальный банк сообщил о валютных торгах.",
        {"medtop:20000379"},
        {"medtop:15000000"},
        id="astana-the-city-is-not-sport",
    ),
    pytest.param(
        "Газета «Завтра» сменила главного редактора",
        "Главный редактор газеты рассказал о планах издания. Газета будет выходить еженедельно.",
        {"medtop:20000045"},
        {"medtop:20001243", "medtop:20000256"},
        id="gazeta-is-not-gas",
    ),
    pytest.param(
        "Сборная Казахстана выступит на чемпионате мира",
        "Чемпионат мира по футболу пройдет летом. Сборная готовится к турниру в Катаре.",
        {"medtop:15000000"},
        {"medtop:20000073", "nf:conflict_settlement"},
        id="mir-world-not-peace",
    ),
    pytest.param(
        "Армения и Азербайджан обсудили мирный договор",
        "Стороны провели мирные переговоры о делимитации границы и нормализации отношений.",
        {"nf:conflict_settlement", "medtop:20000073"},
        {"medtop:15000000"},
        id="mir-peace",
    ),
    pytest.param(
        "Израиль нанес удары по сектору Газа",
        "Израильская армия нанесла авиаудары по сектору Газа, обстрел продолжался всю ночь. "
        "В секторе Газа погибли мирные жители.",
        {"medtop:20000056"},
        {"medtop:20001243"},
        id="gaza-is-not-gas",
    ),
    pytest.param(
        "Казахстан нарастил добычу нефти",
        "Добыча нефти и газа на Кашагане и Тенгизе выросла, экспорт нефти через КТК увеличился.",
        {"medtop:20001243", "nf:caspian_energy"},
        {"medtop:15000000"},
        id="caspian-oil",
    ),
    pytest.param(
        "Грузоперевозки по ТМТМ выросли",
        "Объем транзитных грузоперевозок по Среднему коридору через порт Актау вырос на 60%.",
        {"nf:middle_corridor", "medtop:20001170"},
        {"medtop:20000210"},
        id="middle-corridor",
    ),
    pytest.param(
        "Казахстан стал основным поставщиком пшеницы в Азербайджан",
        "Экспорт зерна из Казахстана вырос, поставки пшеницы идут через порт Актау.",
        {"nf:grain_trade", "medtop:20000210", "medtop:20000373"},
        {"medtop:20001243"},
        id="wheat-trade",
    ),
    pytest.param(
        "Саммит ОТГ прошел в Баку",
        "Лидеры стран Организации тюркских государств подписали декларацию.",
        {"nf:org_turkic_states", "medtop:20000644"},
        set(),
        id="ots-acronym",
    ),
    pytest.param(
        "Главы государств ЕАЭС собрались в Минске",
        "Лидеры стран ЕАЭС и СНГ обсудили евразийскую интеграцию.",
        {"nf:org_eaeu", "nf:org_cis", "medtop:20000644"},
        set(),
        id="eaeu-cis",
    ),
    pytest.param(
        "Форум СВМДА пройдет в Астане",
        "Аналитические центры стран СВМДА обсудят меры доверия в Азии.",
        {"nf:org_cica"},
        set(),
        id="cica",
    ),
    pytest.param(
        "Токаев: искусственный интеллект изменит экономику",
        "Президент призвал развивать искусственный интеллект и нейросети в госсекторе.",
        {"medtop:20001298", "nf:ai_digital"},
        set(),
        id="ai",
    ),
    pytest.param(
        "По дну Каспия проложат оптоволоконный кабель",
        "Волоконно-оптическая линия связи соединит Казахстан и Азербайджан.",
        {"nf:telecom_cables", "medtop:20000233"},
        set(),
        id="telecom-cable",
    ),
    pytest.param(
        "Мажилис одобрил законопроект о парламентской реформе",
        "Депутаты Мажилиса обсудили переход к однопалатному парламенту.",
        {"medtop:20000615", "nf:parliamentary_reform"},
        set(),
        id="parliament-reform",
    ),
    pytest.param(
        "Квят финишировал четвертым на Гран-при Бахрейна",
        "Гонщик Формулы-1 провел блестящую квалификацию, а в гонке обошел пилота Ferrari.",
        {"medtop:20000991"},
        {"medtop:20000337"},
        id="formula1",
    ),
    pytest.param(
        "Четыре нефтяные скважины подтопило на западе Казахстана",
        "Из-за паводка на месторождении подтоплены скважины, МЧС ведет откачку талых вод.",
        {"medtop:20000151", "medtop:20001243"},
        set(),
        id="flood",
    ),
    pytest.param(
        "Суд приговорил экс-министра к 10 годам за взятку",
        "Бывшего чиновника признали виновным в получении взятки; прокурор просил 12 лет лишения свободы.",
        {"medtop:20000106", "medtop:20000082"},
        set(),
        id="court",
    ),
    pytest.param(
        "В Москве прошла выставка современного искусства",
        "Художники представили живопись и скульптуру; выставку открыл куратор галереи.",
        {"medtop:20000031"},
        {"medtop:20000082"},
        id="art",
    ),
    pytest.param(
        "Новая вакцина от гриппа прошла испытания",
        "Минздрав сообщил, что вакцинация начнется осенью, пациентов привьют в поликлиниках.",
        {"medtop:07000000"},
        set(),
        id="health",
    ),
]


@pytest.mark.parametrize(("title", "text", "must", "must_not"), CASES)
def test_sentences(tagger: TopicTagger, title: str, text: str, must: set[str], must_not: set[str]) -> None:
    got = codes(tagger.tag(title, text))
    assert must <= got, f"missing {must - got}; got {got}"
    assert not (must_not & got), f"unexpected {must_not & got}"


@pytest.mark.parametrize("form", ["пшеница", "пшеницы", "пшенице", "пшеницу", "пшеницей"])
def test_every_case_form_counts(tagger: TopicTagger, form: str) -> None:
    assert "nf:grain_trade" in codes(tagger.tag(f"Экспорт: {form}", ""))


@pytest.mark.parametrize(
    "phrase", ["Средний коридор", "Среднего коридора", "Средним коридором", "Среднем коридоре"]
)
def test_multiword_terms_match_in_every_case(tagger: TopicTagger, phrase: str) -> None:
    assert "nf:middle_corridor" in codes(tagger.tag(f"Новости: {phrase}", ""))


def test_acronyms_are_case_sensitive(tagger: TopicTagger) -> None:
    assert "nf:org_turkic_states" in codes(tagger.tag("Саммит ОТГ", ""))
    assert "nf:org_turkic_states" not in codes(tagger.tag("саммит отг", ""))
    assert "nf:org_cis" not in codes(tagger.tag("Снг", "снг снг"))


def test_body_mention_counts_less_than_title(tagger: TopicTagger) -> None:
    filler = " ".join(["Сегодня в городе состоялось обычное заседание без особых новостей."] * 30)
    in_title = tagger.tag("Цены на нефть выросли", filler)
    in_body = tagger.tag("Обычный день", filler + " Цены на нефть выросли.")
    score_title = {t.topic_code: t.score for t in in_title}.get("medtop:20001243", 0.0)
    score_body = {t.topic_code: t.score for t in in_body}.get("medtop:20001243", 0.0)
    assert score_title > score_body


def test_empty_and_untopical_input(tagger: TopicTagger) -> None:
    assert tagger.tag(None, "") == []
    assert tagger.tag("", "   \n ") == []
    assert tagger.tag(None, "Он пошел домой и лег спать.") == []


def test_assignment_shape(tagger: TopicTagger) -> None:
    text = (REPO / "seeds" / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8")
    result = tagger.tag(None, text)
    assert [t.rank for t in result] == list(range(1, len(result) + 1))
    level1 = [t.topic_code == t.iptc_level1 for t in result]
    assert level1[0] and level1 == sorted(level1, reverse=True)  # the level-1 subjects rank first ...
    for group in (True, False):  # ... each group by score
        scores = [t.score for t, top in zip(result, level1, strict=True) if top is group]
        assert scores == sorted(scores, reverse=True)
    scores = [t.score for t in result]
    threshold = tagger.taxonomy.settings["threshold"]
    assert all(threshold <= s < 1 for s in scores)
    assert len(codes(result)) == len(result)
    for t in result:
        assert re.fullmatch(r"[^;×]+×\d+(; [^;×]+×\d+)*", t.evidence), t.evidence
        assert t.evidence_terms and t.evidence.startswith(t.evidence_terms[0])
        assert t.topic_label and t.iptc_code and t.iptc_level1
        assert tagger.taxonomy.iptc[t.iptc_level1].level == 1
        if t.topic_code.startswith("medtop:"):
            assert t.iptc_code == t.topic_code
        else:  # a domain topic: its IPTC parent is emitted as a row of its own
            assert t.iptc_code in codes(result)


def test_domain_topic_rolls_up_with_evidence(tagger: TopicTagger) -> None:
    result = {t.topic_code: t for t in tagger.tag("Грузоперевозки по ТМТМ выросли", "")}
    assert result["nf:middle_corridor"].iptc_code == "medtop:20001170"
    assert result["nf:middle_corridor"].iptc_level1 == "medtop:04000000"
    assert "ТМТМ×1" in result["medtop:20001170"].evidence
    assert result["medtop:20001170"].score >= result["nf:middle_corridor"].score


@pytest.mark.parametrize(
    ("seed", "level", "names"),
    [
        (
            "000_7b51122feffa36ca.txt",
            "must",
            [
                "diplomacy / international relations",
                "energy",
                "transport and logistics",
                "agriculture / food trade",
            ],
        ),
        (
            "002_a33c8814e50c2989.txt",
            "must",
            ["diplomacy / international relations", "trade / economy", "transport and logistics"],
        ),
        (
            "000_7b51122feffa36ca.txt",
            "should",
            ["telecommunications", "parliament / politics", "culture and humanitarian ties"],
        ),
        ("002_a33c8814e50c2989.txt", "should", ["security / defence", "education and culture"]),
    ],
)
def test_seed_acceptance(
    tagger: TopicTagger, parents: dict[str, str | None], seed: str, level: str, names: list[str]
) -> None:
    text = (REPO / "seeds" / seed).read_text(encoding="utf-8")
    got = codes(tagger.tag(None, text))
    for name in names:
        accepted = set(TOPIC_CODES[name])
        assert any(accepted & ancestors(code, parents) for code in got), f"{seed}: {name} not in {got}"


def test_taxonomy_codes_are_in_the_iptc_subset(tagger: TopicTagger) -> None:
    doc = yaml.safe_load(read_text(TAXONOMY_FILE))
    for topic in doc["topics"]:
        for key in ("code", "iptc"):
            value = topic.get(key)
            if value and value.startswith("medtop:"):
                assert value in tagger.taxonomy.iptc, value
        assert topic.get("label_ru"), topic["code"]


def test_iptc_subset_has_attribution() -> None:
    head = read_text(IPTC_SUBSET_FILE)[:600]
    assert "CC BY 4.0" in head and "IPTC" in head


def test_analyst_can_add_a_topic_and_a_term(tmp_path: Path) -> None:
    doc = yaml.safe_load(read_text(TAXONOMY_FILE))
    doc["topics"].append(
        {
            "code": "nf:caviar",
            "iptc": "medtop:20000213",
            "label": "caviar trade",
            "label_ru": "торговля икрой",
            "terms": ["черная икра", "осетровые"],
            "triggers": ["КаспийИкра"],
        }
    )
    for topic in doc["topics"]:
        if topic["code"] == "medtop:15000000":
            topic["terms"].append("керлинг")
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    custom = TopicTagger(path)
    tagged = custom.tag("Экспорт черной икры вырос", "Компания КаспийИкра довольна.")
    result = {t.topic_code: t for t in tagged}
    assert "nf:caviar" in result
    assert result["nf:caviar"].iptc_level1 == "medtop:04000000"
    assert "КаспийИкра×1" in result["nf:caviar"].evidence
    assert "medtop:15000000" in codes(custom.tag("Керлингисты и керлинг", "Турнир по керлингу."))
    assert "nf:caviar" not in codes(TopicTagger().tag("Экспорт черной икры вырос", "КаспийИкра"))


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ([{"code": "nf:x", "label": "x", "terms": ["икра"]}], "iptc"),
        (
            [{"code": "medtop:20000213", "terms": ["икра"]}, {"code": "medtop:20000213", "terms": ["рыба"]}],
            "duplicate",
        ),
        ([{"label": "x", "terms": ["икра"]}], "code"),
        ([{"code": "nf:x", "iptc": "medtop:20000213", "label": "x", "terms": [["икра"]]}], "term"),
    ],
)
def test_malformed_taxonomy_is_rejected(
    tmp_path: Path, topics: list[dict[str, object]], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"topics": topics}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        TopicTagger(path)


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, newsfacts.extract.topics as t; "
        "assert t.lemma.cache_info().currsize == 0; "
        "assert 'prefect' not in sys.modules and 'pymorphy3' not in sys.modules; print(t.VERSION)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == VERSION == "topics-5"


def test_score_is_monotone_in_evidence(tagger: TopicTagger) -> None:
    one = {t.topic_code: t.score for t in tagger.tag("Нефть", "")}["medtop:20001243"]
    two = {t.topic_code: t.score for t in tagger.tag("Нефть и газопровод", "")}["medtop:20001243"]
    assert 0 < one < two < 1
    assert not math.isnan(two)


@pytest.mark.slow
def test_ng_coverage_under_five_percent(tagger: TopicTagger) -> None:
    paths = sorted((SHARED / "corpus" / "news").glob("ng_*.jsonlines.zip"))
    if not paths:
        pytest.skip(f"NG corpus not found under {SHARED / 'corpus' / 'news'} (../shared is absent)")
    n = empty = 0
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                for line in zf.open(name):
                    d = json.loads(line)
                    text = d.get("content") or ""
                    if len(text) >= 300:
                        n += 1
                        empty += not tagger.tag(d.get("title"), text)
    assert n > 1000
    assert empty / n < 0.05, f"{empty}/{n} NG articles without a topic"


def _ng_articles(limit: int) -> list[tuple[str | None, str]]:
    path = SHARED / "corpus" / "news" / "ng_0.jsonlines.zip"
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the checkout")
    out: list[tuple[str | None, str]] = []
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if not n.endswith("/"))
        for line in zf.read(name).decode("utf-8").splitlines()[:limit]:
            row = json.loads(line)
            out.append((row.get("title"), str(row["content"])))
    assert sum(len(text) for _, text in out) > 100_000  # real articles, not empty strings
    return out


@pytest.mark.slow
def test_the_prefix_filter_changes_no_result(tagger: TopicTagger) -> None:
    """Word forms are lemmatised only when they could begin a taxonomy word: the results must be those of
    lemmatising every form."""
    from newsfacts.extract.topics import lemma

    unfiltered = TopicTagger(lemmatize=lambda word: lemma(word))
    texts = [
        (None, (Path(__file__).resolve().parents[1] / "seeds" / n).read_text(encoding="utf-8"))
        for n in ("000_7b51122feffa36ca.txt", "002_a33c8814e50c2989.txt")
    ]
    texts += _ng_articles(300)
    for title, text in texts:
        assert [(t.topic_code, t.score) for t in tagger.tag(title, text)] == [
            (t.topic_code, t.score) for t in unfiltered.tag(title, text)
        ]


# Real NG headlines and leads (short quotes from ../shared/corpus/news/ng_0), one or more per subject:
# (title, lead, the IPTC level-1 topic that must rank first, narrower topics that must be assigned)
SUBJECTS = [
    pytest.param(
        '"Молодежное "Яблоко": оппозиционная деятельность становится опасной',
        "Многие интересуются, зачем нужна «Яблоку» молодежная фракция? Основной задачей «Молодежного «Яблока» "
        "является привлечение молодых людей к участию в выборах и деятельности партии.",
        "medtop:11000000",
        {"medtop:20000574"},
        id="politics-party-and-elections",
    ),
    pytest.param(
        '"Газпрома" на всех не хватит',
        "Вчера «Газпром» снизил верхнюю планку прогноза собственной добычи газа в 2020 году.",
        "medtop:04000000",
        {"medtop:20001243"},
        id="economy-gas",
    ),
    pytest.param(
        "Рынок нефти: ОПЕК играет на повышение цен",
        "Европу и США, настаивающих на увеличении мировой добычи нефти и снижении цен на нее, судя по всему, ждет "
        "разочарование.",
        "medtop:04000000",
        {"medtop:20001243"},
        id="economy-oil-market",
    ),
    pytest.param(
        "F1. Гран-При США прошел без четырех машин и со «стопкой» штрафов",
        "Семнадцатый этап чемпионата мира по кольцевым автогонкам в классе «Формула-1» в урезанном составе прошел "
        "в США на автодроме Circuit of the Americas в Остине (Техас).",
        "medtop:15000000",
        {"medtop:20000991"},
        id="sport-formula1",
    ),
    pytest.param(
        'Москва будет строить атомный авианосец "Шторм"',
        "Москва будет строить атомный авианосец «Шторм», на нем предполагается разместить авиационную войсковую "
        "часть палубных Су-57.",
        "medtop:16000000",
        {"nf:military"},
        id="military-aircraft-carrier",
    ),
    pytest.param(
        "5. 30 сентября 2015 года Россия вступила в войну",
        "Бесспорно, самым значимым военным событием для нашей страны в уходящем году стало проведение военной "
        "операции в Сирии по официальной просьбе Дамаска, которая началась 30 сентября.",
        "medtop:16000000",
        {"medtop:20000056"},
        id="war-syria",
    ),
    pytest.param(
        "Минобороны: Российские бомбардировщики теперь будут прикрывать истребители",
        "Заявление для прессы сделано в связи с гибелью в Сирии фронтового бомбардировщика Су-24м российских ВКС.",
        "medtop:16000000",
        {"nf:military"},
        id="military-air-force",
    ),
    pytest.param(
        "Жизнь – это колебание ионов",
        "Наш соотечественник Илья Мечников получил Нобелевскую премию в области физиологии и медицины за 1908 год "
        "за открытие макрофагов, или больших клеток-пожирателей различных патогенов.",
        "medtop:13000000",
        {"medtop:20000735"},
        id="science-nobel-physiology",
    ),
    pytest.param(
        "От Третьей мировой войны спасутся эмигрировавшие на Марс",
        "Глава компании Space X Илон Маск заявил, что люди должны ускорить создание базы на Марсе.",
        "medtop:13000000",
        {"medtop:20000739"},
        id="science-space",
    ),
    pytest.param(
        "Бог есть поэт, а слово убери – безмолвие...",
        "Стихи Соны Ван переведены с армянского такими известными поэтами и переводчиками, как Евгений Рейн. "
        "Каждая хорошая новая книга – это событие не только для самого автора, но и для читателя.",
        "medtop:01000000",
        {"medtop:20000013"},
        id="literature-poetry",
    ),
    pytest.param(
        "Манифест против экстремизма",
        "В издательстве «Алгоритм» выпустили в свет книгу-антиутопию «Дети перестройки. Предупреждение» за "
        "авторством Марии Магдалиновой.",
        "medtop:01000000",
        {"medtop:20000013"},
        id="literature-book-not-terror",
    ),
    pytest.param(
        "В Запорожской епархии углубляется раскол",
        "На заседании Синода Украинской православной церкви Московского патриархата в Киево-Печерской лавре "
        "иерархи выразили беспокойство действиями областной прокуратуры.",
        "medtop:12000000",
        set(),
        id="religion-church",
    ),
    pytest.param(
        "Утилизация твердых бытовых отходов по-французски",
        "Итак, Россия занялась мусором. Закон должен был бы положить конец бесконтрольным мусорным свалкам.",
        "medtop:06000000",
        set(),
        id="environment-waste",
    ),
    pytest.param(
        "Найдено средство борьбы с глобальным потеплением",
        "Каждый раз с возникновением природных катаклизмов мировая общественность начинает живо интересоваться и "
        "обсуждать проблемы изменения климата.",
        "medtop:06000000",
        {"medtop:20000418"},
        id="environment-climate",
    ),
    pytest.param(
        "Что-то не так с Хоакином Фениксом",
        "«Тебя никогда здесь не было» – четвертый полнометражный фильм шотландского режиссера Линн Рэмси. На "
        "прошлогоднем Каннском фестивале он был удостоен призов за лучший сценарий.",
        "medtop:01000000",
        {"medtop:20000005"},
        id="arts-cinema",
    ),
    pytest.param(
        'Шестой фестиваль независимых театров для детей "Карабас" пройдет в Москве',
        "В этом году будут показаны 20 спектаклей, созданных независимыми театрами и творческими объединениями.",
        "medtop:01000000",
        {"medtop:20000029"},
        id="arts-theatre",
    ),
    pytest.param(
        "Выборы в парламент назначены на март",
        "Депутаты и министры обсудили сроки голосования; правительство выделит средства ЦИК.",
        "medtop:11000000",
        {"medtop:20000574", "medtop:20000615", "medtop:20000593"},
        id="subtopics-vote-for-politics",
    ),
    pytest.param(  # ng_0, ng_ekologiya (issue 18: environment was outvoted by economy)
        "Когда рассеется дым над Байкалом",
        "Территория прибрежных районов озера Байкал в соответствии с законом «Об охране озера Байкал» относится к "
        "центральной экологической зоне Байкальской природной территории и совпадает с границами объекта "
        "мирового наследия, взятого под охрану ЮНЕСКО.",
        "medtop:06000000",
        set(),
        id="environment-baikal",
    ),
    pytest.param(
        "Экологическая безопасность Каспия под угрозой",
        "Загрязнение моря нефтепродуктами и гибель тюленей тревожат экологов прикаспийских стран.",
        "medtop:06000000",
        set(),
        id="environment-ecological-safety",
    ),
    pytest.param(  # ng_0, nauka: computers and software are computer science, not only the IT industry
        "Электронные словари не так новы и надежны, как думает большинство пользователей",
        "Электронные переводные и энциклопедические словари стали появляться тогда, когда их платформа – "
        "персональные и портативные компьютеры – стала массовой и доступной, то есть 20–25 лет назад. И уже более "
        "15 лет в Интернете ведутся энергичные споры о сравнительных достоинствах и недостатках электронных и "
        "бумажных словарей.",
        "medtop:13000000",
        {"medtop:20000763"},
        id="science-computers",
    ),
    pytest.param(  # ng_0, economics: accession to the WTO is trade, even when parliaments and sanctions argue it
        "Променяли ВТО на Олимпиаду",
        "Планам России на вступление в ВТО, судя по всему, не суждено сбыться еще долгие годы. Непреодолимой "
        "преградой может стать противодействие Тбилиси, недовольного отменой Россией экономических санкций против "
        "Абхазии. Вчера грузинские парламентарии выступили против продолжения переговоров с Россией по ВТО.",
        "medtop:04000000",
        {"medtop:20000373"},
        id="economy-wto-accession",
    ),
]


@pytest.mark.parametrize(("title", "lead", "first", "narrower"), SUBJECTS)
def test_subject_ranks_first(
    tagger: TopicTagger, title: str, lead: str, first: str, narrower: set[str]
) -> None:
    result = tagger.tag(title, lead)
    assert result, "no topic"
    assert result[0].iptc_level1 == first, [(t.topic_label, t.score, t.evidence) for t in result[:4]]
    assert narrower <= codes(result), f"missing {narrower - codes(result)}"


# (title, text, codes that must not be assigned, a level-1 topic that must be)
NEGATIVES = [
    pytest.param(
        "Война цен на рынке бензина",
        "Сети АЗС начали войну цен: бензин подешевел на два рубля за литр.",
        {"medtop:20000056", "medtop:16000000"},
        "medtop:04000000",
        id="price-war-is-not-war",
    ),
    pytest.param(
        "Ценовая война операторов связи",
        "Мобильные операторы снижают тарифы: ценовая война продолжается третий месяц.",
        {"medtop:20000056", "medtop:16000000"},
        "medtop:04000000",
        id="tariff-war-is-not-war",
    ),
    pytest.param(
        "В Астане открылся новый торговый центр",
        "Торговый центр в Астане займет 40 тысяч квадратных метров, сообщил акимат.",
        {"medtop:15000000"},
        None,
        id="astana-city-is-not-sport",
    ),
    pytest.param(  # ng_0, ng_exlibris: Herzen's memoirs, "thoughts", not a parliament
        "",
        "Он перечитывал «Былое и думы».",
        {"medtop:20000615", "medtop:11000000"},
        None,
        id="herzens-thoughts-are-not-the-duma",
    ),
    pytest.param(
        "Президент выступил с призывом к миру",
        "Глава государства призвал стороны к диалогу.",
        {"nf:military", "medtop:16000000"},
        "medtop:11000000",
        id="an-appeal-is-not-conscription",
    ),
    pytest.param(
        "Восточный экономический форум открылся во Владивостоке",
        "Инвесторы подписали соглашения на 3 трлн рублей.",
        {"medtop:20000739", "medtop:13000000"},
        "medtop:04000000",
        id="eastern-is-not-the-cosmodrome",
    ),
    pytest.param(
        "Яндекс увеличил выручку на 40%",
        "Выручка IT-компании во втором квартале выросла до 80 млрд рублей, акции подорожали на бирже.",
        {"medtop:13000000", "medtop:20000763"},
        "medtop:04000000",
        id="it-company-earnings-are-business-not-science",
    ),
    pytest.param(
        "Зеленый коридор для экспортеров",
        "Таможня ускорит оформление грузов: экспортеры получат зеленый коридор на границе.",
        {"medtop:06000000", "medtop:20000421"},
        "medtop:04000000",
        id="green-corridor-is-not-environment",
    ),
]


@pytest.mark.parametrize(("title", "text", "must_not", "level1"), NEGATIVES)
def test_negatives(
    tagger: TopicTagger, title: str, text: str, must_not: set[str], level1: str | None
) -> None:
    result = tagger.tag(title, text)
    assert not (must_not & codes(result)), [(t.topic_label, t.evidence) for t in result]
    if level1:
        assert {t.iptc_level1 for t in result[:1]} == {level1}


def test_ranks_name_the_strongest_subjects_first(tagger: TopicTagger, tmp_path: Path) -> None:
    title, lead = (
        "Выборы в парламент и цены на нефть",
        "Депутаты обсудили бюджет; нефть подорожала, газопровод построен.",
    )
    ranked = tagger.tag(title, lead)
    top = [t.topic_code for t in ranked if t.topic_code == t.iptc_level1]
    assert [t.topic_code for t in ranked[: len(top)]] == top and {
        "medtop:11000000",
        "medtop:04000000",
    } <= set(top)
    doc = yaml.safe_load(read_text(TAXONOMY_FILE))
    doc["settings"]["level1_first"] = 0
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    by_score = TopicTagger(path).tag(title, lead)
    assert [t.score for t in by_score] == sorted((t.score for t in by_score), reverse=True)
    assert {t.topic_code for t in by_score} == {t.topic_code for t in ranked}


def test_every_topic_votes_for_its_level1_row(tagger: TopicTagger) -> None:
    result = {t.topic_code: t for t in tagger.tag("Выборы в парламент назначены на март", "")}
    politics = result["medtop:11000000"]
    assert politics.rank == 1
    assert {"выборы", "парламент"} <= set(politics.evidence_terms)
    assert politics.score >= max(result["medtop:20000574"].score, result["medtop:20000615"].score)
    for t in result.values():  # every row's level-1 ancestor is a row too
        assert t.iptc_level1 in result


def test_thin_evidence_still_places_the_article_at_level1(tagger: TopicTagger) -> None:
    filler = " ".join(["Сегодня в городе состоялось обычное заседание без особых новостей."] * 60)
    result = tagger.tag(None, f"Он пошел домой.\n\n{filler} Была метель.")
    assert [t.topic_code for t in result] == ["medtop:17000000"]  # weather, a level-1 topic
    (only,) = result
    assert only.rank == 1 and only.evidence == "метель×1"
    assert 0 < only.score < tagger.taxonomy.settings["threshold"]  # the score says how thin it is
    assert tagger.tag(None, f"Он пошел домой.\n\n{filler}") == []  # no evidence at all: no topic


def test_headline_and_lead_weigh_more_than_the_body(tagger: TopicTagger) -> None:
    filler = " ".join(["Сегодня в городе состоялось обычное заседание без особых новостей."] * 30)
    in_lead = tagger.tag("Обычный день", f"Цены на нефть выросли.\n\n{filler}")
    in_body = tagger.tag("Обычный день", f"Обычный день.\n\n{filler} Цены на нефть выросли.")
    lead_score = {t.topic_code: t.score for t in in_lead}["medtop:20001243"]
    body_score = {t.topic_code: t.score for t in in_body}.get("medtop:20001243", 0.0)
    assert lead_score > body_score


def test_frequent_terms_are_damped(tmp_path: Path) -> None:
    df = tmp_path / "df.tsv"
    df.write_text("# test\nL\tнефть\t0.5\n", encoding="utf-8")
    damped = TopicTagger(term_df_path=df)
    plain = TopicTagger(term_df_path=tmp_path / "absent.tsv")
    weight = {t.text: t.weight for t in next(t for t in damped.topics if t.code == "medtop:20001243").terms}
    base = {t.text: t.weight for t in next(t for t in plain.topics if t.code == "medtop:20001243").terms}
    assert weight["нефть"] < base["нефть"] and weight["газопровод"] == base["газопровод"]


def test_articles_without_topics_are_counted() -> None:
    import pandas as pd

    from newsfacts.pipeline import Frames, articles_without_topics

    frames = Frames(
        {
            "articles": pd.DataFrame({"article_id": ["a", "b", "c"]}),
            "topics": pd.DataFrame({"article_id": ["a"]}),
        },
        {"a", "b", "c"},
    )
    assert articles_without_topics(frames) == 2
    empty = Frames(
        {"articles": pd.DataFrame({"article_id": ["a"]}), "topics": pd.DataFrame({"article_id": []})}, {"a"}
    )
    assert articles_without_topics(empty) == 1


def test_the_cli_summary_shows_articles_without_topics() -> None:
    from flows.cli import format_summary

    summary = {
        "run_id": "r", "warehouse": "w", "n_inputs": 2, "n_new": 2, "n_skipped": 0, "n_duplicates": 0,
        "n_quarantined": 0, "rows_written": {"topics": 3}, "validation_success": True,
        "validation_rejected_rows": 0, "elapsed_s": 1.0, "n_without_topics": 1,
    }  # fmt: skip
    assert "articles without any topic evidence (no topic row): 1" in format_summary(summary, 1.0)


@pytest.mark.slow
def test_a_run_counts_the_articles_without_topics(tmp_path: Path) -> None:
    """The real CLI over a seed and a text with no topic evidence: the summary counts the latter."""
    import os

    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_text((REPO / "seeds" / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8"))
    (src / "nothing.txt").write_text("Он пошел домой и лег спать. Утром он проснулся и пошел гулять.\n")
    env = {
        **os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
    }  # fmt: skip
    cmd = [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(tmp_path / "wh")]
    out = subprocess.run([*cmd, "--no-ner", "--json"], cwd=REPO, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["n_new"] == 2 and summary["n_without_topics"] == 1


# the development signal: NG newsroom sections mapped to IPTC level-1 topics (bench/eval_topic_sections.py);
# floors: top-3 at the goal (0.95, met on both archives); rank-1 below its goal (0.85, not met: most
# remaining misses are court stories in politics, wars in world/cis, see the closing note) by about five
# articles of the churn one lexicon edit causes (topics-5: ng_0 0.817, ng_1 0.809)
SECTION_FLOORS = {"ng_0": (0.79, 0.95), "ng_1": (0.79, 0.95)}


@pytest.mark.slow
@pytest.mark.parametrize("archive", sorted(SECTION_FLOORS))
def test_ng_sections_agree_with_the_rank1_topic(tagger: TopicTagger, archive: str) -> None:
    path = SHARED / "corpus" / "news" / f"{archive}.jsonlines.zip"
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the checkout")
    sys.path.insert(0, str(REPO))
    from bench.eval_topic_sections import load, score

    result = score(tagger, load(path), archive)
    overall = result.overall
    rank1_floor, top3_floor = SECTION_FLOORS[archive]
    assert overall.n > 300
    assert overall.rank1 / overall.n >= rank1_floor, result.as_dict()
    assert overall.top3 / overall.n >= top3_floor, result.as_dict()
    assert result.no_topic == 0, f"{result.no_topic} of {result.n_articles} articles without a topic"
    armies = result.groups["armies"]
    assert armies.n and armies.rank1 / armies.n >= 0.8, (
        "military articles must rank conflict, war and peace first"
    )
    literature = result.groups["literature"]  # poems are literature by their layout (text form "verse")
    assert literature.n and literature.rank1 / literature.n >= 0.78, result.as_dict()["groups"]


# Real NG headlines and leads (ng_0): (title, lead, topic, the evidence term it must show, a topic that must not
# show a term) -- named fleets are the navy, not shipping; "Дума" capitalised is parliament, "думать" is not
EVIDENCE = [
    pytest.param(
        'Седьмой флот США преследует "черная карма"',
        "По информации представителя ВМС США в среду, примерно в 2 часа 45 минут по полудню (японское стандартное "
        "время) в 500 морских миль от острова Окинава произошло крушение транспортного самолета принадлежавшего "
        "7-му флоту Соединенных штатов. Причины аварии выясняются, сведений о погибших пока нет.",
        "nf:military",
        "Седьмой флот",
        ("medtop:20000343", "флот"),
        id="a-named-fleet-is-the-navy",
    ),
    pytest.param(
        "В Думе предлагают повысить максимально разрешенную скорость автомобиля до 100-110 км/ч",
        "Глава комитета Госдумы по транспорту и строительству Евгений Москвичев выступил за повышение максимально "
        "разрешенной скорости автомобиля с 90 км/ч до 100–110 км/ч. «Думаю, пора уже ее нам поставить. Мы вместе "
        "с МВД должны над этим подумать, потому что скорость – это важно», – отметил Москвичев.",
        "medtop:20000615",
        "Думе",
        ("medtop:20000615", "Думаю"),
        id="the-duma-is-parliament-thinking-is-not",
    ),
    pytest.param(  # ng_0, moscow
        "",
        "Его заместителями стали спикер Московской городской думы Алексей Шапошников и зампредседателя комиссии по "
        "развитию гражданского общества столичной Общественной палаты Вадим Ковалев.",
        "medtop:20000615",
        "городская дума",
        ("medtop:20000615", "Думе"),
        id="a-city-duma-is-parliament",
    ),
]


@pytest.mark.parametrize(("title", "lead", "code", "term", "not_term"), EVIDENCE)
def test_topic_evidence(
    tagger: TopicTagger, title: str, lead: str, code: str, term: str, not_term: tuple[str, str]
) -> None:
    rows = {t.topic_code: t for t in tagger.tag(title, lead)}
    assert code in rows and term in rows[code].evidence_terms, [
        (t.topic_label, t.evidence) for t in rows.values()
    ]
    other, word = not_term
    assert other not in rows or word not in rows[other].evidence_terms, rows[other].evidence


# Real texts from ../shared/corpus/news (ng_0): a poem (NG Ex libris, "Во сне сегодня видел кошку"), laid out
# as verse, whose winter words ("снег, мороз, метель") would otherwise make it weather news
POEM = """Пылающую спичку в эту тьму
И стер картину сумерек
январских,
Печали непонятной никому.
Стер тени и полутона
и краски.
Январь, а значит, снег, мороз,
метель.
Темнеет в пять, а рассветает
в девять.
И призрак ночью в комнате
моей
То половицами скрипит,
то дверью.
Там фонари застыли за окном,
В их свете мир – мгновенный
фотоснимок"""
# a numbered list of short lines (ng_1, ng_stolitsa, "Схема спортивного комплекса «Лужники»") is not verse
LIST = """1 – Большая спортивная арена.
2 – Аквакомплекс «Лужники» (строится).
3 – Южный спортивный центр.
4 – Универсальный спортзал «Дружба» (ремонтируется).
5 – Теннисный клуб (строится).
6 – Летний аквакомплекс.
7 – Центр художественной гимнастики (строится).
8 – Станция канатной дороги «Лужники».
9 – Станция метро «Воробьевы горы».
10 – Детская площадка «Корабль».
11 – Малая спортивная арена.
12 – Ледовый центр (строится).
13 – Северный спортивный центр."""
# news prose in paragraphs (ng_0, economics)
PROSE = (
    "Вчера «Газпром» снизил верхнюю планку прогноза собственной добычи газа в 2020 году. Через 12 лет концерн "
    "собирается добывать около 620–640 млрд. куб. м в год.\nПри этом общее производство газа в стране, по расчетам "
    "холдинга, должно достичь 940 млрд. куб. м.\nЭксперты не верят, что независимые компании смогут выйти на "
    "такие объемы добычи."
)


@pytest.mark.parametrize(
    ("text", "verse"),
    [
        pytest.param(POEM, True, id="poem"),
        pytest.param(POEM.replace("\n", " "), False, id="the-poem-run-together-as-prose"),
        pytest.param("\n".join(POEM.splitlines()[:8]), False, id="too-few-lines"),
        pytest.param(LIST, False, id="numbered-list"),
        pytest.param(PROSE, False, id="news-paragraphs"),
        pytest.param("", False, id="empty"),
    ],
)
def test_verse_layout(tagger: TopicTagger, text: str, verse: bool) -> None:
    s = tagger.taxonomy.settings
    assert is_verse(text, int(s["verse_min_lines"]), int(s["verse_line_chars"]), s["verse_share"]) is verse


def test_a_poem_is_literature_whatever_its_words(tagger: TopicTagger) -> None:
    result = tagger.tag("Во сне сегодня видел кошку", POEM)
    assert result[0].topic_code == "medtop:01000000", [(t.topic_label, t.evidence) for t in result]
    literature = {t.topic_code: t for t in result}["medtop:20000013"]
    assert "стихотворная форма" in literature.evidence_terms
    # the same words as prose: weather, and no verse evidence
    prose = tagger.tag("Во сне сегодня видел кошку", POEM.replace("\n", " "))
    assert prose[0].topic_code == "medtop:17000000"
    assert all("стихотворная форма" not in t.evidence_terms for t in prose)


def test_a_list_of_short_lines_keeps_its_subject(tagger: TopicTagger) -> None:
    result = tagger.tag("Схема спортивного комплекса «Лужники»", LIST)
    assert result[0].topic_code == "medtop:15000000", [(t.topic_label, t.evidence) for t in result]
    assert all("стихотворная форма" not in t.evidence_terms for t in result)


def test_an_unknown_text_form_is_rejected(tmp_path: Path) -> None:
    doc = yaml.safe_load(read_text(TAXONOMY_FILE))
    doc["topics"][0]["forms"] = ["sonnet"]
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown text form 'sonnet'"):
        TopicTagger(path)


def test_no_topic_lists_a_term_twice(tagger: TopicTagger) -> None:
    for topic in tagger.topics:
        keys = [(t.surface, t.key) for t in topic.terms]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, f"{topic.code} lists {twice} twice (as lemmas)"

"""Generate ``newsfacts/extract/data/countries_ru.yaml``.

Country codes come from pycountry (ISO 3166-1), Russian names from babel's CLDR data
(``Locale('ru').territories``); the regional variants, official forms, abbreviations and adjectives
that news text uses are added by hand below. Run: ``.venv/bin/python bench/make_countries_ru.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pycountry
import yaml
from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "newsfacts" / "extract" / "data" / "countries_ru.yaml"

# CLDR names that are also frequent common words in lowercase or sentence-initial position.
SKIP_NAMES = {"Того", "Доминика"}

# name variants (nominative), matched on lemmas, case-insensitive but one word must be capitalised
NAMES: dict[str, list[str]] = {
    "KZ": ["Республика Казахстан", "Казахстанская Республика"],
    "AZ": ["Азербайджанская Республика", "Республика Азербайджан"],
    "AM": ["Республика Армения", "Армянская Республика"],
    "GE": ["Республика Грузия", "Сакартвело"],
    "UZ": ["Республика Узбекистан"],
    "KG": [
        "Кыргызстан",
        "Киргизстан",
        "Кыргызская Республика",
        "Киргизская Республика",
        "Республика Кыргызстан",
    ],
    "TJ": ["Республика Таджикистан"],
    "TM": ["Туркмения", "Республика Туркменистан"],
    "BY": ["Белоруссия", "Белорусь", "Республика Беларусь"],
    "MD": ["Молдавия", "Республика Молдова"],
    "UA": ["Украина"],
    "RU": ["Российская Федерация", "Россия"],
    "US": ["Соединенные Штаты Америки", "Соединённые Штаты", "Соединённые Штаты Америки", "Америка"],
    "GB": ["Британия", "Англия", "Соединенное Королевство", "Соединённое Королевство"],
    "CN": ["Китайская Народная Республика", "Поднебесная"],
    "TR": ["Турецкая Республика", "Туркия", "Республика Турция", "Турция"],
    "IR": ["Исламская Республика Иран", "Иран"],
    "AF": ["Исламская Республика Афганистан", "Исламский Эмират Афганистан"],
    "PK": ["Исламская Республика Пакистан"],
    "KR": ["Южная Корея", "Корея"],
    "KP": ["Северная Корея", "КНДР"],
    "DE": ["Федеративная Республика Германия"],
    "NL": ["Голландия"],
    "CZ": ["Чешская Республика"],
    "AE": ["Объединенные Арабские Эмираты", "Объединённые Арабские Эмираты", "Эмираты"],
    "SA": ["Королевство Саудовская Аравия"],
    "MK": ["Македония"],
    "MM": ["Мьянма", "Бирма"],
    "HK": ["Гонконг"],
    "MO": ["Макао"],
    "CD": ["Демократическая Республика Конго", "ДР Конго"],
    "CG": ["Республика Конго"],
    "CI": ["Кот-д'Ивуар", "Кот-д’Ивуар"],
    "VA": ["Ватикан"],
    "PS": ["Палестина"],
    "MN": ["Монголия"],
    "IN": ["Индия", "Республика Индия"],
    "SY": ["Сирийская Арабская Республика"],
}

# abbreviations: matched case-sensitively on the surface form
ABBRS: dict[str, list[str]] = {
    "RU": ["РФ"],
    "US": ["США"],
    "CN": ["КНР"],
    "AE": ["ОАЭ"],
    "DE": ["ФРГ"],
    "KP": ["КНДР"],
    "GB": ["UK"],
    "KG": ["КР"],
    "ZA": ["ЮАР"],
    "CD": ["ДРК"],
    "AZ": ["АР"],
}
# abbreviations that only the context disambiguates (РК: Kazakhstan or Korea); off by default
AMBIGUOUS_ABBRS: dict[str, str] = {"РК": "KZ", "КР": "KG", "АР": "AZ"}
for _abbr in AMBIGUOUS_ABBRS:
    for _lst in ABBRS.values():
        if _abbr in _lst:
            _lst.remove(_abbr)

# adjectives (masculine nominative), matched on lemmas
ADJECTIVES: dict[str, list[str]] = {
    "KZ": ["казахстанский", "казахский"],
    "AZ": ["азербайджанский"],
    "AM": ["армянский"],
    "GE": ["грузинский"],
    "UZ": ["узбекистанский", "узбекский"],
    "KG": ["кыргызстанский", "киргизстанский", "кыргызский", "киргизский"],
    "TJ": ["таджикистанский", "таджикский"],
    "TM": ["туркменистанский", "туркменский"],
    "BY": ["белорусский", "белорусский"],
    "MD": ["молдавский", "молдовский", "молдованский"],
    "UA": ["украинский"],
    "RU": ["российский"],
    "EE": ["эстонский"],
    "LV": ["латвийский", "латышский"],
    "LT": ["литовский"],
    "TR": ["турецкий"],
    "IR": ["иранский"],
    "CN": ["китайский"],
    "US": ["американский"],
    "AF": ["афганский", "афганистанский"],
    "PK": ["пакистанский"],
    "IN": ["индийский"],
    "MN": ["монгольский"],
    "JP": ["японский"],
    "KR": ["южнокорейский", "корейский"],
    "KP": ["северокорейский"],
    "GB": ["британский"],  # not "английский": mostly the language
    "DE": ["германский", "немецкий"],
    "FR": ["французский"],
    "IT": ["итальянский"],
    "ES": ["испанский"],
    "PL": ["польский"],
    "NL": ["нидерландский", "голландский"],
    "BE": ["бельгийский"],
    "AT": ["австрийский"],
    "CH": ["швейцарский"],
    "SE": ["шведский"],
    "FI": ["финский", "финляндский"],
    "NO": ["норвежский"],
    "DK": ["датский"],
    "CZ": ["чешский"],
    "SK": ["словацкий"],
    "HU": ["венгерский"],
    "RO": ["румынский"],
    "BG": ["болгарский"],
    "GR": ["греческий"],
    "HR": ["хорватский"],
    "RS": ["сербский"],
    "SI": ["словенский"],
    "PT": ["португальский"],
    "IE": ["ирландский"],
    "CY": ["кипрский"],
    "IL": ["израильский"],
    "EG": ["египетский"],
    "SA": ["саудовский", "саудоаравийский"],
    "AE": ["эмиратский"],
    "QA": ["катарский"],
    "IQ": ["иракский"],
    "SY": ["сирийский"],
    "OM": ["оманский"],
    "KW": ["кувейтский"],
    "JO": ["иорданский"],
    "LB": ["ливанский"],
    "CA": ["канадский"],
    "BR": ["бразильский"],
    "MX": ["мексиканский"],
    "AU": ["австралийский"],
    "VN": ["вьетнамский"],
    "TH": ["тайский", "таиландский"],
    "MY": ["малайзийский"],
    "ID": ["индонезийский"],
    "BD": ["бангладешский"],
}

# first parts of compound adjectives ("азербайджано-казахстанский"), matched on the surface before a hyphen
PREFIXES: dict[str, list[str]] = {
    "KZ": ["казахстано", "казахско"],
    "AZ": ["азербайджано", "азербайджанско"],
    "AM": ["армяно", "армянско"],
    "GE": ["грузино", "грузинско"],
    "UZ": ["узбекистано", "узбекско", "узбекистанско"],
    "KG": ["кыргызско", "киргизско", "кыргызстано", "кыргызстанско"],
    "TJ": ["таджикско", "таджикистано", "таджикистанско"],
    "TM": ["туркмено", "туркменско", "туркменистано", "туркменистанско"],
    "BY": ["белорусско", "белорусо"],
    "UA": ["украино", "украинско"],
    "RU": ["российско", "русско"],
    "TR": ["турецко"],
    "IR": ["ирано", "иранско"],
    "CN": ["китайско", "сино"],
    "US": ["американо", "американско"],
    "AF": ["афгано", "афганско"],
    "PK": ["пакистано", "пакистанско"],
    "IN": ["индо", "индийско"],
    "MN": ["монголо", "монгольско"],
    "JP": ["японо", "японско"],
    "GB": ["британо", "британско", "англо"],
    "DE": ["германо", "немецко"],
    "FR": ["франко", "французско"],
    "IL": ["израильско"],
    "EU": [],
}


def clean_cldr(name: str) -> str | None:
    if " - " in name or name in SKIP_NAMES:
        return None
    name = re.sub(r"\s*\(.*?\)", "", name)
    name = name.replace("о-ва", "острова").replace("о-в", "остров").replace("Св.", "Святой")
    return name.replace(" — ", "-").strip() or None


def build() -> dict[str, object]:
    ru = Locale("ru").territories
    countries: dict[str, dict[str, object]] = {}
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        cldr = ru.get(code)
        names: list[str] = []
        base = clean_cldr(cldr) if cldr else None
        if base:
            names.append(base)
        for extra in NAMES.get(code, []):
            if extra not in names:
                names.append(extra)
        entry: dict[str, object] = {"name": names[0] if names else country.name, "names": names}
        if ABBRS.get(code):
            entry["abbrs"] = ABBRS[code]
        if ADJECTIVES.get(code):
            entry["adjectives"] = sorted(set(ADJECTIVES[code]))
        if PREFIXES.get(code):
            entry["prefixes"] = PREFIXES[code]
        countries[code] = entry
    return {"countries": countries, "ambiguous_abbrs": AMBIGUOUS_ABBRS}


def main() -> None:
    header = (
        "# Russian country names for ISO 3166-1 alpha-2 codes.\n"
        "# GENERATED by bench/make_countries_ru.py: codes from pycountry, names from babel/CLDR (ru),\n"
        "# plus hand-added variants, abbreviations, adjectives and compound prefixes. Edit the script.\n"
    )
    text = yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=120)
    OUT.write_text(header + text, encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Countries and national companies in a sentence with the role their preposition or case gives them, and the
reporter / partner / transit they make for a fact's indicator (CONVENTIONS.md), enumerations included."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from newsfacts.extract.trade.lexicon import _MULTILATERAL, _WORD, _lex
from newsfacts.extract.trade.triggers import _Trigger
from newsfacts.extract.types import AmountMention, TradeFact

_BETWEEN = re.compile(r"(?<!\w)между(?!\w)")


_DATIVE_SIDE = re.compile(r"\w*\s+сторон(?:е|ам)(?!\w)")

_PAIR_REACH = 120  # chars after "между" in which the pair's countries lie


@dataclass(frozen=True)
class _Country:
    start: int
    end: int
    iso2: str
    role: str  # transit / origin / destination / pair / adjective / subject


def _countries(text: str, norm: str, s0: int, s1: int) -> list[_Country]:
    from newsfacts.extract.geo import find_countries  # geo loads its lexicon lazily

    lex = _lex()
    out: list[_Country] = []
    found = [(a + s0, b + s0, iso2) for a, b, iso2 in find_countries(text[s0:s1])]
    for m in lex.party_re.finditer(norm, s0, s1):  # national companies and capitals stand for their countries
        if not any(a < m.end() and m.start() < b for a, b, _ in found):
            code = lex.party_iso2[int(str(m.lastgroup)[1:])]
            found.append((m.start(), m.end(), "" if code == _MULTILATERAL else code))
    for a, b, iso2 in sorted(found):
        before = norm[max(s0, a - 30) : a]
        role = next((name for name, pat in lex.roles_after if pat.match(norm, b, s1)), None)
        if role is None:
            role = next((name for name, pat in lex.roles if pat.search(before)), None)
        if role is None and out and _ENUMERATION.fullmatch(norm, out[-1].end, a):
            role = out[-1].role  # "вложился в Индию, Китай и Азербайджан": each item has the first one's role
        if role is None:
            if _BETWEEN.search(norm, max(s0, a - _PAIR_REACH), a):
                role = "pair"
            elif text[a].islower():
                # "поставок нефти из РФ белорусской стороне": a side in the dative is where goods go
                role = "destination" if _DATIVE_SIDE.match(norm, b) else "adjective"
            else:
                role = "destination" if _indirect_object(text[a:b]) else "subject"
                if role == "subject" and lex.owner_re.search(norm, max(s0, a - 40), a) and _genitive(text[a:b]):
                    role = "owner"  # "на решение Пакистана повлиял срыв контракта": no party of the flow
        out.append(_Country(a, b, iso2, role))
    return [c for c in out if c.role not in _NO_PARTY]


_NO_PARTY = ("source", "instead", "owner")  # roles of a country that is none of the flow's parties (trade_ru.yaml)


def _last_word_cases(name: str) -> set[str]:
    """The cases pymorphy3 allows the last word of a country's name (empty for no word)."""
    from newsfacts.extract.morph import parses

    words = _WORD.findall(name.lower())
    return {p.tag.case for p in parses(words[-1])} if words else set()


def _genitive(name: str) -> bool:
    cases = _last_word_cases(name)
    return bool(cases) and cases <= {"gent"}


def _indirect_object(name: str) -> bool:
    """A country name in the dative or accusative without a preposition is where goods go ("поставляет газ
    Китаю", "пришлось на три направления — Великобританию"), never the subject or a genitive owner."""
    cases = _last_word_cases(name)
    return bool(cases) and cases <= {"datv", "accs"}


# between two items of one list: "Индию, Китай и Азербайджан", "из США, Великобритании, а также государств ЕС",
# "в Канаде и в странах ЕС"
_ENUMERATION = re.compile(
    r"\s*(?:\([^()]{0,60}\)\s*)?(?:,|и|,\s*а\s+также|а\s+также)\s*(?:(?:в|во|из|на)\s+)?"
    r"(?:(?:стран\w*|государств\w*)\s+)?(?:\([^()]{0,12}\)\s*)?"
)


_TRANSIT_WORD = re.compile(r"(?<!\w)через(?!\w)")


def _roles(
    indicator: str, countries: list[_Country], near: int | None = None
) -> tuple[str | None, str | None, str | None]:
    """(reporter, partner, transit) ISO2 codes; of several countries in one role, the one nearest ``near``
    (the trigger), else the first."""

    def first(*roles: str) -> str | None:
        found = [c for c in countries if c.role in roles]
        if near is not None:  # the nearest; a subject before the trigger before one after it
            found.sort(key=lambda c: (c.role == "subject" and c.start > near, abs(c.start - near)))
        return found[0].iso2 if found else None

    transit = first("transit")
    if indicator == "turnover":
        codes: list[str] = []
        for c in sorted(countries, key=lambda c: (c.role != "pair", c.start)):
            if c.role != "transit" and c.iso2 and c.iso2 not in codes:
                codes.append(c.iso2)
        pair = sorted(codes[:2])  # the two countries, alphabetical by code (CONVENTIONS.md)
        return (pair[0] if pair else None), (pair[1] if len(pair) > 1 else None), transit
    if (
        indicator == "production"
    ):  # where it is produced: "добыча в России", "российская нефть", "Россия добывает"
        return first("adjective", "subject", "destination", "origin"), None, transit
    origin = first("origin", "adjective") or first("subject")
    dest = first("destination") or first("with")
    if indicator == "import":
        reporter = first("destination") or first("subject")
        partner = first("origin", "adjective") or first("with")
        return reporter, partner if partner != reporter else None, transit
    return origin, dest if dest != origin else None, transit


class _SentenceCountries:
    """The countries of one sentence, looked up (``geo.find_countries``) only when a trigger needs them."""

    def __init__(self, text: str, norm: str, s0: int, s1: int) -> None:
        self._args = (text, norm, s0, s1)
        self._found: list[_Country] | None = None

    def all(self) -> list[_Country]:
        if self._found is None:
            self._found = _countries(*self._args)
        return self._found


def _trigger_countries(
    sentence: _SentenceCountries, trig: _Trigger, lo: int, hi: int, has_turnover_pair: bool
) -> list[_Country]:
    """The countries in the trigger's share of its sentence (a turnover trigger also takes the "между" pair)."""
    countries = sentence.all()
    found = [c for c in countries if lo <= c.start < hi]
    if trig.indicator != "turnover" and has_turnover_pair:
        found = [c for c in found if c.role != "pair"]
    elif trig.indicator == "turnover":
        found += [c for c in countries if c.role == "pair" and c not in found]
    return found


_BEFORE_AMOUNT = re.compile(r"[\s(:—–-]{0,4}")


def _adjacent_countries(
    text: str, linked: list[tuple[int, AmountMention]], countries: list[_Country]
) -> dict[int, _Country]:
    """Amount index -> the partner country written right before it, in an enumeration of amounts
    ("на три направления — Великобританию (388,7 тыс. тонн), Украину (247,2 тыс. тонн) и Нидерланды (...)")."""
    if len(linked) < 2:
        return {}
    out: dict[int, _Country] = {}
    for idx, amount in linked:
        for c in countries:
            if c.iso2 and c.end <= amount.start_char and c.role not in ("transit", "adjective", "origin"):
                gap = _BEFORE_AMOUNT.fullmatch(text, c.end, amount.start_char)
                if gap is not None:
                    out[idx] = c
    return out if len(set(c.iso2 for c in out.values())) > 1 else {}


def _item_roles(
    item: _Country | None, countries: list[_Country], reporter: str | None, partner: str | None
) -> dict[str, str | None]:
    """``reporter_iso2`` / ``partner_iso2`` of one figure of an enumeration: the country written right at it
    (``_adjacent_countries``) takes the place of the subject it parallels ("Германия в 2015 году потеряла €6
    млрд, Франция — €1,6 млрд": FR), else of the partner ("в Иран — 63%, в Египет — 13%")."""
    if item is None:
        return {"reporter_iso2": reporter, "partner_iso2": partner}
    if item.role == "subject" and any(c.role == "subject" and c.iso2 == reporter for c in countries if reporter):
        return {"reporter_iso2": item.iso2, "partner_iso2": partner if partner != item.iso2 else None}
    return {"reporter_iso2": reporter, "partner_iso2": item.iso2}


_RESPECTIVELY = re.compile(r"(?<!\w)соответственно(?!\w)")


def _respective(
    norm: str, linked: list[tuple[int, AmountMention]], countries: list[_Country]
) -> dict[int, _Country]:
    """Amount index -> partner for "Египет, Южную Корею и Казахстан (7,9%, 7,8% и 7,1% соответственно)": the
    figures listed right before "соответственно" and as many partner countries written before them, paired in
    order (also after other figures with their own partner: "на Китай (10,1%), Турцию (9,2%), а также ...")."""
    if len(linked) < 2 or not _RESPECTIVELY.search(norm, linked[-1][1].end_char, linked[-1][1].end_char + 40):
        return {}
    group = [linked[-1]]
    for item in reversed(linked[:-1]):
        if not _LISTED_FIGURES.fullmatch(norm, item[1].end_char, group[0][1].start_char):
            break
        group.insert(0, item)
    if len(group) < 2:
        return {}
    first = group[0][1].start_char
    listed = [c for c in countries if c.iso2 and c.end <= first and c.role in ("destination", "subject")]
    listed = listed[-len(group) :]
    if len(listed) != len(group) or len({c.iso2 for c in listed}) != len(listed):
        return {}
    return {idx: c for (idx, _), c in zip(group, listed, strict=True)}


_LISTED_FIGURES = re.compile(r"\s*(?:,|и|;)\s*")  # between the figures of one list ("7,9%, 7,8% и 7,1%")


def _enumerated_partners(
    norm: str, indicator: str, countries: list[_Country], in_sentence: list[_Country]
) -> list[_Country]:
    """The partners listed in one enumeration ("вложился в Индию, Китай и Азербайджан"): two or more distinct
    countries of the partner's role (destination; origin for an import) written as one list, also where the
    list begins before the trigger's share of the sentence; else none."""
    if indicator in ("turnover", "production", "price"):
        return []
    role = "origin" if indicator == "import" else "destination"
    mine = [c for c in countries if c.role == role and c.iso2]
    if not mine:
        return []
    chain: list[_Country] = []
    for c in in_sentence:
        if c.role == role and c.iso2 and chain and _ENUMERATION.fullmatch(norm, chain[-1].end, c.start):
            chain.append(c)
        elif c.role == role and c.iso2:
            if any(m in chain for m in mine):
                break
            chain = [c]
        elif any(m in chain for m in mine):
            break
    listed = chain if any(m in chain for m in mine) else mine
    return listed if len({c.iso2 for c in listed}) == len(listed) > 1 else []


_REPORTER_ROLES = {  # the roles of a reporter's country, by indicator (as ``_roles`` reads them)
    "import": ("subject",),  # not "на Китай (10,1%), Турцию (9,2%)": shares of the buyers
    "production": ("adjective", "subject", "destination", "origin"),
}


def _joined_reporters(norm: str, fact: TradeFact, countries: list[_Country]) -> TradeFact:
    """A statement about several reporters written as one list has them all, joined by ";" ("реэкспорта
    санкционных фруктов и овощей из стран Евросоюза, Канады, Австралии и США": EU;CA;AU;US; "уменьшения урожая
    в Канаде и в странах ЕС": CA;EU); ``countries``: the sentence's, in text order."""
    if not fact.reporter_iso2 or ";" in fact.reporter_iso2 or fact.indicator == "turnover" or fact.unit == "rank":
        return fact
    roles = _REPORTER_ROLES.get(fact.indicator, ("origin", "adjective", "subject"))
    for k, c in enumerate(countries):
        if c.iso2 != fact.reporter_iso2 or c.role not in roles:
            continue
        chain = [c]
        for d in countries[k + 1 :]:
            if d.role != c.role or not d.iso2 or not _ENUMERATION.fullmatch(norm, chain[-1].end, d.start):
                break
            chain.append(d)
        codes = list(dict.fromkeys(d.iso2 for d in chain if d.iso2 != fact.partner_iso2))
        if len(codes) > 1:
            return replace(fact, reporter_iso2=";".join(codes))
        return fact
    return fact


def _enumerated(text: str, fact: TradeFact, partners: list[_Country]) -> list[TradeFact]:
    """A statement about several partners: one figure for all of them has them all, joined by ";" ("в
    Бангладеш, Индонезии и Пакистане было выделено $509 млн": BD;ID;PK); a rank is one fact per item, its span
    reaching it ("больше всего вложился в Индию, Китай и Азербайджан")."""
    if not partners:
        return [fact]
    if fact.value_kind != "rank":
        codes = ";".join(c.iso2 for c in partners if c.iso2 != fact.reporter_iso2)
        return [replace(fact, partner_iso2=codes or fact.partner_iso2)]
    out = []
    for c in partners:
        start, end = min(fact.start_char, c.start), max(fact.end_char, c.end)
        out.append(replace(fact, partner_iso2=c.iso2, start_char=start, end_char=end, text=text[start:end]))
    return out

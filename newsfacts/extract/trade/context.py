"""What a fact takes from the sentences before it: the fact a pronoun stands for, parties and period."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from newsfacts.extract.text import Sentences
from newsfacts.extract.trade.figures import _per_unit
from newsfacts.extract.trade.lexicon import _lex
from newsfacts.extract.trade.periods import _dated, _period, _reach
from newsfacts.extract.trade.roles import _countries, _Country, _roles
from newsfacts.extract.trade.triggers import _figure_fields
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

_PRONOUN = re.compile(r"(?<!\w)(?:это|он|она|оно|они)(?=\s)")


def _anaphoric(
    text: str,
    norm: str,
    sents: Sentences,
    facts: list[TradeFact],
    amounts: list[AmountMention],
    dates: list[DateMention],
) -> list[TradeFact]:
    """Figures of a sentence that names no trigger but begins with a pronoun for the fact before it ("Уже в
    2010 г. он составил $35,63 млрд", "Это на 139,9% больше показателей 2016 г."): facts of that fact's
    indicator, commodity and parties (``roles_from = "context"``), its period unless the sentence has one."""
    lex = _lex()
    out = list(facts)
    bounds = sents.spans
    reach = _reach(sents)
    last_sentence = {}
    for f in facts:
        last_sentence[sents.index_of(f.start_char)] = f
    for k, f in sorted(last_sentence.items()):
        if k + 1 >= len(bounds) or (k + 1) in last_sentence or reach[k + 1] - reach[k] > 1:
            continue
        s0, s1 = bounds[k + 1]
        m = _PRONOUN.search(norm, s0, min(s1, s0 + 40))
        if m is None:
            continue
        mine = [
            (i, a)
            for i, a in enumerate(amounts)
            if m.end() <= a.start_char and a.end_char <= s1 and a.unit not in lex.ignored_units
        ]
        for i, a in mine:
            start = m.start()
            period = _period(norm, dates, s0, s1, s0, s1, a.start_char)
            p_start, p_end, granularity = (
                _dated(period, dates)
                if period
                else (
                    f.period_start,
                    f.period_end,
                    f.period_granularity,
                )
            )
            out.append(
                replace(
                    f,
                    start_char=start,
                    end_char=a.end_char,
                    text=text[start : a.end_char],
                    period_start=p_start,
                    period_end=p_end,
                    period_granularity=granularity,
                    **_figure_fields(norm, a, i, s0, s1),
                    per_unit=_per_unit(norm, a) if a.unit in lex.money_units else None,
                    roles_from="context" if (f.reporter_iso2 or f.partner_iso2) else None,
                )
            )
    return sorted(out, key=lambda t: t.start_char)


_OPEN_REACH = 60  # chars around a fact in which a group or a region stands for its parties

_CONTEXT_SENTENCES = 3  # a fact's parties may come from a fact this many sentences before it


# What the context may fill, by indicator (CONVENTIONS.md; in the development set a flow between two named
# countries is the rule for imports, supplies, turnover and transit, while exports and production are mostly
# stated for their exporter/producer alone): "both" fills a missing reporter or partner, "reporter" only a
# missing reporter, "pair" only a fact with no party at all; market prices (Brent, gold) take none.
_TRANSIT_TARIFF = re.compile(
    r"(?<!\w)(?:тариф|пошлин|став|цен|стоимост)\w*\s+(?:на|за)\s+(?:транзит|перекачк|прокачк)"
)
_CONTEXT_FILLS: dict[str, str] = {
    "import": "both",
    "supply": "both",
    "turnover": "both",
    "transit": "both",
    "other": "both",
    "capacity": "both",
    "export": "reporter",
    "production": "reporter",
    "investment": "pair",
}


def _sentence_parties(indicator: str, countries: list[_Country]) -> list[str | None]:
    """[reporter, partner] a fact takes from the sentence before it: its countries' roles for the fact's
    indicator; a slot they leave empty takes the one other country the sentence names as a subject or a pair
    ("представители России и Саудовской Аравии уже обсудили покупку ... Сообщалась и вероятная сумма сделки":
    RU, SA; "президенты РФ и Украины договорились ... В 2002 году в Москве заявили о желании купить 160
    машин": RU <- UA)."""
    found = [c or None for c in _roles(indicator, countries)[:2]]
    named = (c.iso2 for c in countries if c.iso2 and c.iso2 not in found and c.role in ("subject", "pair"))
    rest: list[str | None] = list(dict.fromkeys(named))
    if len(rest) == 1 and None in found:
        found[found.index(None)] = rest[0]
    elif len(rest) == 2 and found == [None, None]:
        found = rest
    return found


def _roles_from_context(
    text: str,
    norm: str,
    sents: Sentences,
    facts: list[TradeFact],
    named: set[int],
) -> list[TradeFact]:
    """Facts whose own sentence lacks a party take it from the statement before them: a fact in the
    previous few sentences, else the countries of the sentence right before, else the article's main
    reporters (the most frequent reporters of its facts). "Поставки увеличились на 12%" after a sentence about Kazakh
    wheat to Iran is KZ -> IR; "Экспорт нефтепродуктов в США" in an article on Belarus is BY -> US.
    Such facts are marked ``roles_from = "context"``; the others ``"sentence"`` (or None: no parties)."""
    lex = _lex()
    bounds = sents.spans
    reach = _reach(sents)
    counts = Counter(f.reporter_iso2 for f in facts if f.indicator in _CONTEXT_FILLS and f.reporter_iso2)
    main = [c for c, _ in counts.most_common(2)]  # the article's main reporters

    def context(k: int, last: tuple[int, TradeFact] | None, indicator: str) -> list[str | None]:
        if last is not None and reach[k] - reach[last[0]] <= _CONTEXT_SENTENCES:
            r, p = last[1].reporter_iso2, last[1].partner_iso2
            if (last[1].indicator == "import") != (indicator == "import") and "turnover" not in (
                indicator,
                last[1].indicator,
            ):
                r, p = p, r  # an import's reporter is the export's partner: the flow is the same
            return [r, p]
        if k > 0 and reach[k] - reach[k - 1] == 1:
            s0, s1 = bounds[k - 1]
            countries = [c for c in _countries(text, norm, s0, s1) if c.role != "transit"]
            if countries:
                found = _sentence_parties(indicator, countries)
                if None in found and k > 1 and reach[k - 1] - reach[k - 2] == 1:
                    # a slot the sentence before leaves empty, the one before that may fill ("Впрочем,
                    # американский БЛА ... Данные системы уже продавались в ОАЭ. Соответствующий контракт на
                    # поставку ... 197 млн долл.": US -> AE)
                    s0, s1 = bounds[k - 2]
                    earlier = [c for c in _countries(text, norm, s0, s1) if c.role != "transit"]
                    more = _sentence_parties(indicator, earlier) if earlier else [None, None]
                    found = [a or (b if b not in found else None) for a, b in zip(found, more, strict=True)]
                return found
        if indicator == "investment":
            return [None, None]
        # the reporter its own sentence last named before it, then the article's main reporters
        return [*dict.fromkeys(c for c in (recent, *main) if c), None, None][:2]

    out: list[TradeFact] = []
    last: tuple[int, TradeFact] | None = None
    recent: str | None = None
    for f in facts:
        k = sents.index_of(f.start_char)
        own = f.roles_from or ("sentence" if (f.reporter_iso2 or f.partner_iso2) else None)
        if own == "sentence" and f.reporter_iso2 and f.indicator in _CONTEXT_FILLS:
            recent = f.reporter_iso2
        fills = _CONTEXT_FILLS.get(f.indicator)
        if f.indicator == "price" and _TRANSIT_TARIFF.search(norm, f.start_char, f.end_char):
            fills = "reporter"  # a transit tariff's reporter is the goods' origin, often named before
        reporter, partner = f.reporter_iso2, f.partner_iso2
        wanted = (
            fills == "both"
            and not (reporter and partner)
            or fills == "reporter"
            and not reporter
            or fills == "pair"
            and not (reporter or partner)
        )
        if wanted and not reporter and lex.multilateral_re.search(norm, *bounds[k]):
            wanted = False  # "страны ОПЕК договорились о сокращении добычи": a group's figure, no country's
        near = (max(bounds[k][0], f.start_char - _OPEN_REACH), min(bounds[k][1], f.end_char + _OPEN_REACH))
        if wanted and lex.group_pair_re.search(norm, *near):
            wanted = False  # "торговля между странами-членами упала на 40%": a group's flow
        elif wanted and not partner and lex.open_partner_re.search(norm, *near):
            fills = "reporter"  # "поставщиком газа в Европу", "мировым импортёром": its partner is no country
            wanted = not reporter
        if not wanted or (k in named and not partner):
            out.append(replace(f, roles_from=own))
            if own and fills:
                last = (k, f)
            continue
        ctx = [c if c != f.transit_iso2 else None for c in context(k, last, f.indicator)]
        if fills == "reporter":
            reporter = next((c for c in ctx if c and c != partner), None)
        elif not reporter and not partner:
            reporter, partner = ctx
        else:
            # the context's party of the same role first: "Белоруссия закупила у ЕС ... Швейцария импортировала
            # 29,8 тыс. тонн" is CH <- EU, the new reporter in the old one's place
            aligned = ctx if not reporter else ctx[::-1]
            other = next((c for c in aligned if c and c not in (reporter, partner)), None)
            if not reporter:
                reporter = other
            elif fills == "both":
                partner = other
        if (reporter, partner) == (f.reporter_iso2, f.partner_iso2):
            out.append(replace(f, roles_from=own))
            continue
        if f.indicator == "turnover" and reporter and partner and reporter > partner:
            reporter, partner = partner, reporter
        out.append(replace(f, reporter_iso2=reporter, partner_iso2=partner, roles_from="context"))
        if own is None:
            continue
        last = (k, out[-1])
    return out

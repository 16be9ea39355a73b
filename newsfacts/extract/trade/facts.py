"""Assembly: each trigger's share of its sentence -> its facts (figures x commodities, roles, period)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from newsfacts.extract.numbers import normalise
from newsfacts.extract.text import Sentences, sentences
from newsfacts.extract.trade.context import _anaphoric, _roles_from_context
from newsfacts.extract.trade.figures import (
    _COUNTED,
    _PHYSICAL_UNITS,
    RANK_INDEX,
    _before_ok,
    _figure_kind,
    _ordinal,
    _pairs,
    _per_unit,
    _rank_beside,
    _SentenceFigures,
    _top,
    _unit_allowed,
)
from newsfacts.extract.trade.goods import _commodities, _SentenceRoutes
from newsfacts.extract.trade.lexicon import _WORD, _Lex, _lex, _Rule
from newsfacts.extract.trade.periods import (
    _clause_year,
    _dated,
    _period,
    _periods_from_context,
    _then_periods,
    governing_dates,
)
from newsfacts.extract.trade.reference import with_reference
from newsfacts.extract.trade.roles import (
    _TRANSIT_WORD,
    _adjacent_countries,
    _Country,
    _enumerated,
    _enumerated_partners,
    _item_roles,
    _joined_reporters,
    _respective,
    _roles,
    _SentenceCountries,
    _trigger_countries,
)
from newsfacts.extract.trade.seasons import (
    _bracket_years,
    _from_values,
    _headline_periods,
    _seasonal_periods,
    _seasons,
)
from newsfacts.extract.trade.triggers import (
    _by_sentence,
    _change,
    _close,
    _direction,
    _figure_fields,
    _near_trigger,
    _nearest,
    _Trigger,
    _triggers,
)
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

_MAX_FACTS_PER_TRIGGER = 6


def extract_trade_facts(text: str, amounts: list[AmountMention], dates: list[DateMention]) -> list[TradeFact]:
    """Trade statements in ``text``; ``amounts``/``dates`` are the article's extracted mentions."""
    norm = normalise(text)
    triggers = _triggers(norm)
    lex = _lex()
    if not triggers and not any(a.unit in lex.money_units and _per_unit(norm, a) for a in amounts):
        return []  # no trigger and no price per unit: no trade statement (most articles stop here)
    dates = governing_dates(norm, with_reference(text, dates))
    facts: list[TradeFact] = []
    named: set[int] = (
        set()
    )  # sentences naming the pair ("между A и B") of a fact: their facts take no context
    a_starts = [a.start_char for a in amounts]  # extract_amounts gives them in text order
    sents = sentences(text)
    for s0, s1, here in _by_sentence(sents.spans, triggers) if triggers else ():
        sentence = _SentenceCountries(text, norm, s0, s1)
        i0, i1 = bisect_left(a_starts, s0), bisect_left(a_starts, s1)
        figures_here = _SentenceFigures(
            norm,
            text,
            s0,
            s1,
            list(zip(range(i0, i1), amounts[i0:i1], strict=True)),
            [d for d in dates if s0 <= d.start_char < s1],
        )
        first = len(facts)
        routes = _SentenceRoutes(norm, s0, s1)
        has_turnover_pair = any(t.indicator == "turnover" for t in here)
        owner: tuple[_Trigger, _Share, Callable[[], list[_Country]], Callable[[], str | None], int] | None = (
            None
        )
        carry: tuple[int, int] | None = None  # the share (words, figures) of a trigger that made no fact
        for k, trig in enumerate(here):  # ... goes on to the next one
            lo = s0 if k == 0 else (here[k - 1].end + trig.start) // 2
            hi = s1 if k == len(here) - 1 else (trig.end + here[k + 1].start) // 2
            # a figure belongs to the last trigger written before it (figures before the first: the first)
            figures = (s0 if k == 0 else trig.start, s1 if k == len(here) - 1 else here[k + 1].start)
            if carry is not None:  # "эти отрасли получили 19% от всех инвестиций": 19% is the investment's
                lo, figures, carry = min(lo, carry[0]), (min(figures[0], carry[1]), figures[1]), None
            mine = partial(_trigger_countries, sentence, trig, lo, hi, has_turnover_pair)
            route = partial(routes.near, trig, lo, hi)
            share = _Share(lo, hi, figures, (s0, s1), sentence, figures_here)
            found = _facts_for(text, norm, trig, share, mine, route, dates, lex)
            if not found:
                carry = lo, figures[0]  # "украинские производители поставили": the words before go to "поставили"
            if found or owner is None:
                facts.extend(found)
                owner = (trig, share, mine, route, len(facts) - len(found))
                continue
            # a trigger that makes no fact ("... общей стоимостью 197 млн долл." after "контракт на поставку")
            # leaves its figures to the trigger before it
            o_trig, o_share, o_mine, o_route, o_at = owner
            o_share = replace(o_share, figures=(o_share.figures[0], figures[1]))
            # ... and the countries of its words
            o_mine = partial(_trigger_countries, sentence, o_trig, o_share.lo, hi, has_turnover_pair)
            del facts[o_at:]
            facts.extend(_facts_for(text, norm, o_trig, o_share, o_mine, o_route, dates, lex))
            owner = (o_trig, o_share, o_mine, o_route, o_at)
        if len(facts) > first and any(c.role == "pair" for c in sentence.all()):
            named.add(sents.index_of(s0))  # the sentence's pair is its turnover's, not the context's
    facts = _merge(facts, _unit_prices(text, norm, sents, triggers, facts, amounts, dates))
    if not facts:
        return facts
    facts = _anaphoric(text, norm, sents, facts, amounts, dates)
    seasons = _seasons(norm, dates)
    facts = _seasonal_periods(norm, sents, facts, seasons)
    facts = _then_periods(norm, sents, facts, dates)
    facts = _periods_from_context(norm, sents, facts, dates)
    facts = _seasonal_periods(norm, sents, facts, seasons)
    facts = _bracket_years(norm, facts, amounts)
    facts = _from_values(norm, facts, amounts, seasons)
    facts = _headline_periods(sents, facts)
    return _roles_from_context(text, norm, sents, facts, named)


@dataclass(frozen=True)
class _Share:
    """A trigger's part of its sentence: ``lo``..``hi`` for its words (countries, commodities, direction),
    ``figures`` for the amounts that belong to it, ``sentence`` the whole sentence."""

    lo: int
    hi: int
    figures: tuple[int, int]
    sentence: tuple[int, int]
    countries: _SentenceCountries  # every party of the sentence
    amounts: _SentenceFigures  # every figure of the sentence


def _needs_met(
    rule: _Rule,
    figures: tuple[bool, bool, bool],
    comms: list[tuple[int, str, str]],
    countries_of: Callable[[], list[_Country]],
    per_unit: bool,
) -> bool:
    """Whether a statement holds one of what its trigger needs; ``figures``: (any figure, a non-money one,
    a physical one); the countries are looked up last, only when nothing else meets the needs."""
    if not rule.needs:
        return True
    met = {
        "figure": figures[0],
        "quantity": figures[1],
        "physical": figures[2],
        "commodity": bool(comms),
        "per_unit": per_unit,
    }
    if any(met.get(n, False) for n in rule.needs):
        return True
    return "country" in rule.needs and bool(countries_of())


def _merge(facts: list[TradeFact], more: list[TradeFact]) -> list[TradeFact]:
    return sorted(facts + more, key=lambda f: f.start_char) if more else facts


def _unit_prices(
    text: str,
    norm: str,
    sents: Sentences,
    triggers: list[_Trigger],
    facts: list[TradeFact],
    amounts: list[AmountMention],
    dates: list[DateMention],
) -> list[TradeFact]:
    """Prices a sentence states with no trigger word: a money figure per unit of goods ("получать российский
    газ по $73 за тысячу кубометров или хотя бы по $100"), a fact of its commodity and of the countries
    written right at it (as a price trigger's)."""
    lex = _lex()
    taken = {f.amount_index for f in facts}
    with_trigger = {sents.index_of(t.start) for t in triggers}
    out: list[TradeFact] = []
    priced: tuple[int, str | None, str] | None = None  # (sentence, unit, per unit) of the last price
    for i, a in enumerate(amounts):
        k = sents.index_of(a.start_char)
        if i in taken or a.unit not in lex.money_units or k in with_trigger:
            continue
        per_unit = _per_unit(norm, a)
        if per_unit is None and priced is not None and priced[:2] == (k, a.unit):
            per_unit = priced[2]  # "по $73 за тысячу кубометров или хотя бы по $100": the same per unit
        if per_unit is None:
            continue
        priced = (k, a.unit, per_unit)
        s0, s1 = sents.bounds_of(a.start_char)
        comms = _commodities(norm, s0, s1)
        if not comms:
            continue  # "$5 за штуку": no goods named, no trade
        countries = [
            c
            for c in _SentenceCountries(text, norm, s0, s1).all()
            if _close(norm, min(c.end, a.end_char), max(c.start, a.start_char), 6)
        ]
        reporter, partner, transit = _roles("price", countries, a.start_char)
        reporter, partner = _payer(
            norm, (s0, s1), _SentenceCountries(text, norm, s0, s1).all(), reporter, partner
        )
        comm = min(comms, key=lambda c: abs(c[0] - a.start_char))
        period = _period(norm, dates, s0, s1, s0, s1, a.start_char)
        p_start, p_end, granularity = _dated(period, dates)
        out.append(
            TradeFact(
                indicator="price",
                start_char=a.start_char,
                end_char=a.end_char,
                text=text[a.start_char : a.end_char],
                reporter_iso2=reporter or None,
                partner_iso2=partner or None,
                transit_iso2=transit or None,
                commodity=comm[1],
                hs_code=comm[2],
                period_start=p_start,
                period_end=p_end,
                period_granularity=granularity,
                **_figure_fields(norm, a, i, s0, s1),
                per_unit=per_unit,
            )
        )
    return out


def _payer(
    norm: str, sentence: tuple[int, int], countries: list[_Country], reporter: str | None, partner: str | None
) -> tuple[str | None, str | None]:
    """A price a country pays ("Белоруссия начала платить за российский газ $73", "официальный Минск ...
    получать российский газ по $73"): the payer, the sentence's subject before the verb, is the reporter and
    the seller (the price's reporter so far: the goods' origin) the partner (CONVENTIONS.md)."""
    verb = _lex().pays_re.search(norm, *sentence)
    if verb is None or not reporter or partner:
        return reporter, partner
    payer = next(
        (c.iso2 for c in reversed(countries) if c.end <= verb.start() and c.role == "subject" and c.iso2),
        None,
    )
    return (payer, reporter) if payer and payer != reporter else (reporter, partner)


def _tariff_roles(countries: list[_Country]) -> tuple[str | None, str | None, str | None]:
    """(reporter, partner, transit) of a transit tariff (CONVENTIONS.md): the goods' origin ("российской
    нефти", "из России") is the reporter, the country that charges it ("Белоруссия повышает тарифы на
    транзит", "по территории республики") the transit; no partner."""
    origin = next((c.iso2 for c in countries if c.role in ("adjective", "origin") and c.iso2), None)
    charging = next((c.iso2 for c in countries if c.iso2 and c.iso2 != origin), None)
    return origin, None, charging


def _facts_for(
    text: str,
    norm: str,
    trig: _Trigger,
    share: _Share,
    countries_of: Callable[[], list[_Country]],
    route_of: Callable[[], str | None],
    dates: list[DateMention],
    lex: _Lex,
) -> list[TradeFact]:
    lo, hi = share.lo, share.hi
    f0, f1 = share.figures
    rule = trig.rule
    if rule.context is not None and not rule.context.search(
        norm, max(0, share.sentence[0] - rule.context_reach), share.sentence[1]
    ):
        return []
    if rule.veto is not None and rule.veto.search(norm, *share.sentence):
        return []
    linked = [
        (i, a)
        for i, a in share.amounts.amounts
        if a.start_char >= f0
        and a.end_char <= f1
        and a.unit not in lex.ignored_units
        and _unit_allowed(trig.rule, a.unit, lex)
        and _before_ok(norm, a, trig)
    ]
    if trig.indicator in _COUNTED and _unit_allowed(rule, None, lex):  # negative indices: no amounts row
        counts = [
            (k, c)
            for k, c in share.amounts.counts()
            if f0 <= c.start_char and c.end_char <= f1 and _before_ok(norm, c, trig)
        ]
        linked = sorted(linked + counts, key=lambda ia: ia[1].start_char)
    ranks = [m for m in lex.rank_re.finditer(norm, lo, hi) if _near_trigger(norm, m, trig, 3, 3)]
    if linked and trig.indicator != "price" and not any(a.unit == "rank" for _, a in linked):
        beside = _rank_beside(norm, text, trig, lo, hi, ranks)
        if beside is not None:
            linked = sorted([*linked, (RANK_INDEX, beside)], key=lambda ia: ia[1].start_char)
    rank = None if linked or trig.indicator == "price" else _nearest(trig.start, ranks)
    top = None if linked else _top(norm, trig, lo, hi)
    ordinal = None if linked or trig.indicator == "price" else _ordinal(norm, trig, lo, hi)
    if ordinal is not None:
        rank = top = None  # "вторым по объёмам партнёром" is rank 2, exactly
    has_figure = bool(linked or rank or top or ordinal)
    change = None
    if not has_figure:  # cheap checks first: most figure-less trigger words state no change
        if not trig.rule.figureless:
            return []
        change = _change(norm, trig, lo, hi)
        if change is None and not _TRANSIT_WORD.search(norm, lo, hi):
            return []
    comms = _commodities(norm, min(lo, f0), max(hi, f1))  # the words of its share and of its figures
    per_units = {i: _per_unit(norm, a) for i, a in linked if a.unit in lex.money_units}
    quantity = bool(rank or top or ordinal) or any(a.unit not in lex.money_units for _, a in linked)
    physical = any(a.unit in _PHYSICAL_UNITS for _, a in linked)
    if not _needs_met(
        trig.rule, (has_figure, quantity, physical), comms, countries_of, any(per_units.values())
    ):
        return []
    countries = countries_of()
    reach = max((a.start_char for _, a in linked if a.start_char > trig.end), default=hi)
    if reach > hi:  # a figure after the share's end is still this trigger's, and so is a country before it
        countries = countries + [
            c for c in share.countries.all() if hi <= c.start < reach and c.role != "pair"
        ]
    if not has_figure:
        if change is None and comms and any(c.role == "transit" for c in countries):
            change = "none"  # a named flow along its route: "экспорт казахской нефти через территорию Азербайджана"
        if change is None or not (share.countries.all() or route_of() or comms or not trig.rule.needs):
            return []  # a figure-less statement must state a change of a named flow (CONVENTIONS.md)
        if lex.modal_re.search(norm, *share.sentence):
            return []  # ... that happened, is happening or is decided: not a scenario, an option or an opinion
    if trig.indicator == "price":
        # a market price (Brent, gold) has no parties: only a country written right at the trigger or the
        # figure ("за российский газ", "тариф на транзит через Белоруссию") is one of its flow's
        spots = [(trig.start, trig.end)] + [(a.start_char, a.end_char) for _, a in linked]
        countries = [
            c for c in countries if any(_close(norm, min(c.end, b), max(c.start, a), 4) for a, b in spots)
        ]
    comparison = next((name for name, pat in lex.comparison if pat.search(norm, lo, hi)), None)
    adjacent = _adjacent_countries(text, linked, countries)
    adjacent.update(_respective(norm, linked, countries))
    reporter, partner, transit = _roles(
        trig.indicator, [c for c in countries if c not in adjacent.values()], trig.start
    )
    if trig.flow == "transit":
        reporter, partner, transit = _tariff_roles(countries)
    elif trig.indicator == "price" or any(per_units.values()):
        reporter, partner = _payer(norm, share.sentence, share.countries.all(), reporter, partner)
    reporter, partner, transit = reporter or None, partner or None, transit or None
    out: list[TradeFact] = []
    values: list[tuple[int | None, AmountMention | None]] = list(linked) or [(None, None)]
    commodity_options: list[tuple[int, str, str] | None] = list(comms) or [None]
    for (idx, amount), comm in _pairs(values, commodity_options):
        start, end = trig.start, trig.end
        value: float | None = None
        unit = qualifier = per_unit = None
        kind = "none"
        indicator = trig.indicator
        direction = change or _direction(norm, trig.start, lo, hi)
        if amount is not None:
            start, end = min(start, amount.start_char), max(end, amount.end_char)
            value, unit, qualifier = amount.value, amount.unit, amount.qualifier
            kind = _figure_kind(norm, amount)
            inside = (0, 0) if kind == "ratio" else (amount.start_char, amount.end_char)  # "удвоился": up
            direction = _direction(norm, amount.start_char, lo, hi, inside, kind == "ratio")
            per_unit = per_units.get(idx) if idx is not None else None
            if per_unit is not None:
                indicator = "price"  # a money figure per barrel, tonne, 1000 m3 is a price
        elif rank is not None:
            start, end = min(start, rank.start()), max(end, rank.end())
            value, unit, qualifier, kind = 1.0, "rank", "exact", "rank"
            direction = change or _direction(norm, trig.start, lo, hi, (rank.start(), rank.end()))
        elif top is not None:
            start, end = min(start, top[0].start()), max(end, top[0].end())
            value, unit, qualifier, kind = top[1], "rank", "up_to", "rank"
        elif ordinal is not None:
            start, end = min(start, ordinal[0].start()), max(end, ordinal[0].end())
            value, unit, qualifier, kind = ordinal[1], "rank", "exact", "rank"
        if comm is not None and abs(comm[0] - start) < 80:
            start, end = min(start, comm[0]), max(end, comm[0] + 1)
            end = max(end, _WORD.match(norm, comm[0]).end())  # type: ignore[union-attr]
        at = amount.start_char if amount is not None else None
        period = _period(norm, dates, lo, hi, share.sentence[0], share.sentence[1], start, at)
        p_start, p_end, granularity = _dated(period, dates)
        if at is not None and _clause_year(norm, dates, *share.sentence, at):
            p_start, p_end, granularity = None, None, "year"  # "а в этом — уже на 11%": its own, unknown
        out.append(
            TradeFact(
                indicator=indicator,
                start_char=start,
                end_char=end,
                text=text[start:end],
                **_item_roles(adjacent.get(idx) if idx is not None else None, countries, reporter, partner),
                transit_iso2=transit,
                commodity=comm[1] if comm else None,
                hs_code=comm[2] if comm else None,
                value=value,
                unit=unit,
                value_kind=kind,
                qualifier=qualifier,
                direction=direction,
                comparison=comparison,
                period_start=p_start,
                period_end=p_end,
                period_granularity=granularity,
                amount_index=idx if idx is not None and idx >= 0 else None,
                route=route_of(),
                per_unit=per_unit,
            )
        )
        if len(out) >= _MAX_FACTS_PER_TRIGGER:
            break
    if len(linked) <= 1 and not adjacent and len(out) == 1:
        partners = _enumerated_partners(norm, trig.indicator, countries, share.countries.all())
        out = _enumerated(text, out[0], partners)
    return out if adjacent else [_joined_reporters(norm, f, share.countries.all()) for f in out]

"""Trade statements -> :class:`TradeFact` (turnover, export, import, supply, transit, investment, ...).

A fact starts at a trigger ("товарооборот", "экспорт", "поставщиком", "грузоперевозок";
``data/trade_ru.yaml``)
and gathers, within the trigger's share of its sentence (from the midpoint to the previous trigger to the
midpoint to the next one): linked amounts, the direction word, the comparison, commodities (pymorphy3 lemmas,
``data/commodities_ru.yaml``) and countries (``geo.find_countries``) with their roles read from the preceding
preposition ("в Армению" destination, "через Азербайджан" transit, "из" origin, "между A и B" a pair, a
country adjective origin, a bare dative/accusative name "Китаю" destination). The governing period is the
nearest DateMention in the same sentence. A named route (``data/routes_ru.yaml``: "по Среднему коридору" ->
"Middle Corridor") in the trigger's share counts when a preposition says the goods go along it.

Roles: for export/supply/transit/production/investment the reporter is the exporter and the partner the
importer; for import the reporter is the importing country and the partner the origin (reporter = the country
whose flow it is); for turnover the two countries in text order. In an enumeration of amounts each amount
takes the country written right before it as its partner ("Великобританию (388,7 тыс. тонн), Украину (...)").
A statement without a number is kept when it has a rank ("основным поставщиком"), or a direction and a
country, commodity or route, or a commodity and a country. "вывоз"/"ввоз" need a commodity; a supply with a
money figure needs a commodity or a country (tenders). One fact per commodity and amount; with several of
both, each amount goes with the commodity just before it.

The package: ``lexicon`` (the data files, compiled once), ``triggers`` (trigger words, direction and change),
``figures`` (amounts, counts, ranks, prices per unit), ``goods`` (commodities, routes), ``roles`` (countries and
parties, their roles, enumerations), ``periods`` (the governing date), ``reference`` (the time an undated
article's own text gives, on which its relative periods resolve), ``seasons`` (marketing years, the base of
"с X до Y", a headline dated by the body), ``context`` (pronouns, parties and periods from the sentences
before) and ``facts`` (the assembly). Sentences are ``newsfacts.extract.text.sentences``, the
one splitter every extractor and every evidence ``sentence`` shares.
"""

from __future__ import annotations

from newsfacts.extract.trade.facts import extract_trade_facts

VERSION: str = "trade-9"  # 9: roles from the words beside a country, periods of ranges, ranks, fractions

__all__ = ["VERSION", "extract_trade_facts"]

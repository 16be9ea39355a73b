"""Handlers of the date rules for expressions that are not plain points: durations, ages, frequencies,
back-references, vague relative points ("недавно", "несколько лет назад") and holidays ("Дня независимости"),
named eras ("в годы Великой Отечественной войны").

A candidate's ``mkind`` says which (``point``/``duration``/``age``/``frequency``/``reference``); ``resolve``
gives non-points no start/end date. The words are data (``data/dates_ru.yaml``, the second half, read by
``lexicon.span_lexicon``); the rules that use these handlers are the records of ``rules``.
"""

from __future__ import annotations

import re
from datetime import date

from newsfacts.extract.dates.calendar import Period
from newsfacts.extract.dates.candidate import MISSING, Cand, Future
from newsfacts.extract.dates.lexicon import Holiday, Lexicon, SpanLexicon, norm_word, span_lexicon
from newsfacts.extract.text import sentences

_AMOUNT_BEFORE = re.compile(
    r"\d|тысяч|миллион|миллиард|триллион|млн|млрд|трлн|процент|%|тонн|баррел|кубометр", re.I
)
_FREQ_AFTER = re.compile(
    r"\s*(?:$|[.,;:!?)»\"—–-]|\s(?:и|а|но|при|с|по|на|до|к|что|или|из|для|в|против|за|это|то|уже|а также)"
    r"(?![а-яё]))",
    re.I,
)
_ANNUAL_AFTER = re.compile(r"\s+(?:выражении|исчислении|измерении)", re.I)
_GRAN = {"hour": "day"}
_FREQ_GRAN = {
    "ежегодно": "year",
    "каждогодно": "year",
    "ежеквартально": "quarter",
}


# --- helpers ---------------------------------------------------------------------------------------------


def _prev_word(m: re.Match[str], start: int | None = None) -> str:
    s = m.start() if start is None else start
    pm = _PREV_WORD.search(m.string, max(0, s - 30), s)
    return norm_word(pm.group(1)) if pm else ""


def _quantity(raw: str | None, lex: Lexicon, slex: SpanLexicon) -> float | None:
    """The value of a count ("3", "1,5", "4-5" -> 4.5, "двух", "один-два" -> 1.5); None when vague/absent."""
    if not raw:
        return None
    parts = [p for p in re.split(r"\s*[-–—]\s*", raw.strip()) if p]
    values: list[float] = []
    for part in parts:
        if part[0].isdigit():
            values.append(float(part.replace(",", ".")))
            continue
        total = 0.0
        for word in part.split():
            w = norm_word(word)
            if w in slex.vague_counts:
                return None
            v = lex.cardinals.get(w)
            if v is None:
                return None
            total += v
        values.append(total)
    return sum(values) / len(values) if values else None


def _is_vague(raw: str | None, slex: SpanLexicon) -> bool:
    return bool(raw) and norm_word(raw.split()[0]) in slex.vague_counts  # type: ignore[union-attr]


def _mk(m: re.Match[str], mkind: str, granularity: str, **kw: object) -> Cand:
    kw.setdefault("priority", -1)  # a point reading of the same span wins ("3 дня назад")
    return Cand(m.start(), m.end(), granularity, kind=mkind, mkind=mkind, **kw)  # type: ignore[arg-type]


# --- handlers --------------------------------------------------------------------------------------------


def duration(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "два года", "в течение трех лет", "за год", "около 30 лет", "несколько дней назад", "годом ранее"."""
    slex = span_lexicon()
    g = m.groupdict()
    for key in ("pre", "n", "n2", "u2"):
        g.setdefault(key, None)
    pre = norm_word(g["pre"] or "")
    tail = norm_word(g["tail"] or "").strip()
    if m.start() and m.string[m.start() - 1] in '«"':
        return None  # a title: «Один день Ивана Денисовича»
    if g.get("whole"):
        days: float | None = slex.duration_words[norm_word(g["whole"])]
        unit = "month" if days and days < 365 else "year"
        vague = False
    else:
        unit = slex.unit_of[norm_word(g["u"])]
        n = _quantity(g["n"], lex, slex)
        vague = _is_vague(g["n"], slex)
        if g["n"] and n is None and not vague:
            return None
        if n is not None and not 0 < n <= 1000:
            return None
        days = (
            None
            if vague or (n is None and norm_word(g["u"]) in ("годы", "годах", "дни"))
            else ((n if n is not None else 1.0) * slex.unit_days[unit])
        )
        if g["u2"] and days is not None:
            n2 = _quantity(g["n2"], lex, slex)
            if n2 is None:
                return None
            days += n2 * slex.unit_days[slex.unit_of[norm_word(g["u2"])]]
        if not g["n"] and not pre and not tail:
            if _COMPARATIVE_BEFORE.search(m.string, max(0, m.start() - 30), m.start() - 3):
                return _mk(m, "age", unit)  # "младше его на год": a difference of ages
            return _bare_unit(m, unit, days)
    granularity = _GRAN.get(unit, slex.unit_granularity[unit])
    if tail.endswith("назад") or pre == "через":
        if not (vague or g.get("whole") is None and not g["n"]):
            return None  # a counted shift is a point: count_ago / later resolve it
        return _mk(m, "point", granularity, vague=True, tense="past" if tail else "future")
    if tail or pre == "спустя":
        return _mk(m, "reference", granularity)
    if _COMPARATIVE_AFTER.match(m.string, m.end()) or _COMPARATIVE_BEFORE.search(
        m.string, max(0, m.start() - 30), m.start() - (3 if m.string.startswith("на", m.start()) else 0)
    ):
        return _mk(m, "age", granularity)  # "на несколько месяцев старше": a difference of ages
    if g["n"] and not vague and _is_age(m, slex, pre, cue_only=unit != "year" or bool(g["u2"])):
        return _mk(m, "age", granularity)
    return _mk(m, "duration", granularity, days=days)


# the word before (group 1; and a capitalised word or name after it, group 2): read by _prev_word and _is_age
# (the one definition: an earlier one, shadowed by this before any call, was dropped; behaviour unchanged)
_PREV_WORD = re.compile(r"([А-ЯЁа-яё]+)[\s\xa0]+(?:([A-ZА-ЯЁ][\w-]*)[\s\xa0]+)?$")
_COMPARATIVE_AFTER = re.compile(r"[\s\xa0]+(?:старше|младше|моложе)(?![а-яё])", re.I)
_COMPARATIVE_BEFORE = re.compile(
    r"(?<![а-яё])(?:старше|младше|моложе)[\s\xa0]+(?:[а-яё]+[\s\xa0]+)?(?:на[\s\xa0]+)?$", re.I
)


def _dative_or_person(word: str, slex: SpanLexicon) -> bool:
    """ "Кравцову 39 лет", "ему 5 лет", "девочка 8 лет": the word before a count of years names its bearer."""
    if norm_word(word) in slex.age_nouns:
        return True
    from newsfacts.extract.morph import parses

    best = parses(word)[:2]
    return any(
        "datv" in p.tag and ({"NOUN", "NPRO"} & {p.tag.POS} or "Surn" in p.tag or "Name" in p.tag)
        for p in best
    )


def _animate_noun_follows(text: str, pos: int) -> bool:
    """An animate noun among the next four words, before any punctuation: "сорокалетнего владельца",
    "двадцатилетний на тот момент пианист"."""
    from newsfacts.extract.morph import parses

    for word in re.findall(r"[А-ЯЁа-яё]+", re.split(r"[.,;:!?()«»\"]", text[pos : pos + 60], maxsplit=1)[0])[
        :4
    ]:
        if any(p.tag.POS == "NOUN" and "anim" in p.tag for p in parses(word)[:1]):
            return True
    return False


_AGE_PREP = re.compile(r"(?<![а-яё])(?:в|во|с|со|до|от|к)[\s\xa0]+$", re.I)
_NAME_BEFORE = re.compile(r"(?<=[а-яё,] )[А-ЯЁ][а-яё]+[\s\xa0]+$")
_NEXT_WORD = re.compile(r"[\s\xa0]+([а-яё]+)", re.I)
_CLAUSE_END = re.compile(r"[\s\xa0]*(?:[.,;)(]|$)")
_APPOSITION_BEFORE = re.compile(r"(?:[A-ZА-ЯЁ][\w-]+|\))[\s\xa0]*[,—–(][\s\xa0]*$")
_NAMES_AT_START = re.compile(r"(?:^|[.!?»][\s\xa0]+|\n)((?:[А-ЯЁ][а-яё]+[\s\xa0]+){1,3})$")


# a list of counts before this one ("в 70 и 75 лет"); commas around a count of years ("В жертву, 56 лет, было")
# that are not a list of durations ("3 года, 5 лет, 10 лет"); "возраст" in the count's clause
_LIST_BEFORE = re.compile(r"(?:(?<![\d.,])\d{1,3}(?:,|[\s\xa0]+(?:и|или))?[\s\xa0]+)+$")
_WORD_COMMA_BEFORE = re.compile(r"[а-яё]{2,},[\s\xa0]*$", re.I)
_COUNT_COMMA_BEFORE = re.compile(r"(?<![\d.,])\d{1,3}[\s\xa0]+[а-яё]+,[\s\xa0]*$", re.I)
_COMMA_AFTER = re.compile(r"[\s\xa0]*,[\s\xa0]+[а-яё]", re.I)
_AGE_NOUN_IN_CLAUSE = re.compile(r"(?<![а-яё])возраст(?:а|е|у|ом)?(?![а-яё])", re.I)
# two or three names before the count and a name or the clause's end after it: "Николай Глазков 40 лет Алексей"
_NAMES_BEFORE = re.compile(r"(?<![\w-])((?:[А-ЯЁ][а-яё]+[\s\xa0]+){2,3})$")
_CAPITAL_AFTER = re.compile(r"[ \xa0]*\n|[ \xa0]{2,}|[\s\xa0]+[А-ЯЁ][а-яё]+[\s\xa0]+[А-ЯЁ]")


def _is_age(m: re.Match[str], slex: SpanLexicon, pre: str, cue_only: bool = False) -> bool:
    """ "ему было 64 года", "в 24 года", "с 14 лет", "до 65 лет", "Келли 52 года.", "(51 год)": a person's age.

    ``cue_only``: months, days or "N лет и M дней" are an age only after an age cue ("в возрасте", "ему было").
    """
    text, lo, hi = m.string, m.start(), m.end()
    before = text[max(0, lo - 40) : lo]
    if pre:  # "ему было примерно 45 лет", "в возрасте более 100 лет"; "в течение 5 лет" is a duration
        # the cue and its adverbs up to the count: "ему было не менее 40 лет" (the prefix "менее" after "не")
        at = m.start("n") if "n" in m.re.groupindex and m.start("n") >= 0 else lo
        return bool(slex.age_before.search(before) or slex.age_before.search(text, max(0, at - 50), at))
    nxt = _NEXT_WORD.match(text, hi)
    following = norm_word(nxt.group(1)) if nxt else ""
    if (following == "жизни" and not cue_only) or slex.age_before.search(before):
        return True
    if cue_only:
        return False
    if following in slex.penalty_words:
        return False
    listed = _LIST_BEFORE.search(before)  # "в 70 и 75 лет", "Женщины 38 и 36 лет": read the words before the list
    if listed:
        before = before[: listed.start()]
    if _AGE_PREP.search(before):
        return True
    if (
        m["n"][0].isdigit()
        and _WORD_COMMA_BEFORE.search(before)
        and not _COUNT_COMMA_BEFORE.search(before)
        and _COMMA_AFTER.match(text, hi)
    ):
        return True  # an apposition: "В жертву, 56 лет, было выпущено", "(14 февраля 2016 года, 52 года, причина"
    prev = _PREV_WORD.search(before)  # the word before, or before a name ("совладельцу Gunvor 60 лет")
    if prev and _dative_or_person(prev.group(2) or prev.group(1), slex):
        return True
    if prev and prev.group(2) and _dative_or_person(prev.group(1), slex):
        return True
    names = _NAMES_BEFORE.search(before)
    if (
        names
        and (_CLAUSE_END.match(text, hi) or _CAPITAL_AFTER.match(text, hi))
        and all(_is_name(w) for w in names.group(1).split())
    ):
        return True
    if not _CLAUSE_END.match(text, hi):
        return False
    if _NAME_BEFORE.search(before) or _APPOSITION_BEFORE.search(before):
        return True  # "сказал Келли 52 года.", "Мишель Бачелет — 54 года, врач", "Топалов, 31 год (родился"
    names = _NAMES_AT_START.search(before)  # "Келли 52 года." at the start of a sentence
    if names and all(_is_name(w) for w in names.group(1).split()):
        return True
    clause = re.split(r"[.,;:!?()«»\"—–]", before)[-1]
    if _AGE_NOUN_IN_CLAUSE.search(re.split(r"[.,;:!?()«»\"—–]", text[max(0, lo - 120) : lo])[-1]):
        return True  # "предельный возраст для нахождения на службе составляет 60 лет,"
    # "Кандидатке на пост президента 54 года,"
    return any(_animate_dative(w) for w in clause.split()[-5:])


def _animate_dative(word: str) -> bool:
    """A person in the dative that no genitive reading blurs: "Кандидатке", "главе", "Зубкову"."""
    from newsfacts.extract.morph import parses

    nouns = [p for p in parses(word) if p.tag.POS in ("NOUN", "NPRO")]
    cases = {p.tag.case for p in nouns}
    return (
        "datv" in cases
        and "gent" not in cases
        and any("anim" in p.tag for p in nouns if p.tag.case == "datv")
    )


def _is_name(word: str) -> bool:
    from newsfacts.extract.morph import parses

    return any(
        {"Name", "Surn", "Patr"} & set(str(p.tag).replace(" ", ",").split(",")) for p in parses(word)[:2]
    )


_PLURAL_UNITS = frozenset(("годы", "годах", "годами", "годам", "лет", "дни", "дней", "месяцев", "недель"))


def _bare_unit(m: re.Match[str], unit: str, days: float | None) -> Cand | None:
    """A unit without a count: "за год" (duration), "63 млрд кубометров в год" (frequency), "по итогам года"."""
    slex = span_lexicon()
    word = norm_word(m.group())
    if word in _PLURAL_UNITS:
        return None
    prev = _prev_word(m)
    granularity = _GRAN.get(unit, slex.unit_granularity[unit])
    if prev == "итогам" and unit in ("year", "month"):
        return _mk(m, "reference", granularity)
    if prev == "в" and word in ("год", "день", "сутки", "месяц", "неделю", "час"):
        lo = m.start()
        since = max(lo - 70, sentences(m.string).bounds_of(lo)[0])  # an amount in its sentence, just before
        if _AMOUNT_BEFORE.search(m.string, since, lo) and _FREQ_AFTER.match(m.string, m.end()):
            return _mk(m, "frequency", granularity)
        return None
    if (
        prev in slex.duration_preps
        and word not in ("года", "дня", "месяца", "недели")
        or prev
        in (
            "течение",
            "течении",
            "протяжении",
            "в течение",
            "в течении",
            "на протяжении",
        )
    ):
        if prev == "на" and not _FREQ_AFTER.match(m.string, m.end()):
            return None  # "на год вперед" is fine, "на год выборов" is not
        return _mk(m, "duration", granularity, days=days)
    return None


def frequency_word(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "ежегодно", "каждые три года", "каждый день"."""
    slex = span_lexicon()
    if m["fw"]:
        return _mk(m, "frequency", _FREQ_GRAN.get(norm_word(m["fw"]), "year"))
    unit = slex.unit_of[norm_word(m["u"])]
    if m["n"] and _quantity(m["n"], lex, slex) is None:
        return None
    return _mk(m, "frequency", _GRAN.get(unit, slex.unit_granularity[unit]))


_PO_BEFORE = re.compile(r"(?<![а-яё])по[\s\xa0]+$", re.I)


def weekly(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "по воскресеньям", "по будням": a weekly rate (anchored at the day, extended back to "по")."""
    pm = _PO_BEFORE.search(m.string, max(0, m.start() - 6), m.start())
    if pm is None:
        return None
    return Cand(pm.start(), m.end(), "week", kind="frequency", mkind="frequency", priority=-1)  # once a week


def annual(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "в годовом выражении": an annual rate."""
    if _ANNUAL_AFTER.match(m.string, m.end()):
        return _mk(m, "frequency", "year")
    return None


def age_adjective(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "25-летний" (an age when a person follows), "трехлетнего контракта" (a duration)."""
    slex = span_lexicon()
    n = int(m["n"]) if m["n"] else slex.age_stems.get(norm_word(m["s"] or ""))
    if not n or n > 150:
        return None
    after = re.match(r"[\s\xa0]+([А-ЯЁа-яё]+)", m.string[m.end() : m.end() + 30])
    word = after.group(1) if after else ""
    if m["n"]:  # "55-летний премьер": an age unless a duration noun follows ("15-летний цикл")
        person = norm_word(word) not in slex.duration_nouns
    else:  # "трехлетнего контракта": a duration unless a person follows ("сорокалетнего владельца")
        person = bool(word) and (
            word[0].isupper() or norm_word(word) in slex.age_nouns or _animate_noun_follows(m.string, m.end())
        )
    if person:
        return _mk(m, "age", "year")
    return _mk(m, "duration", "year", days=n * slex.unit_days["year"])


def reference(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "в том же году", "в тот день", "на следующий день", "в первый день", "в разные годы"."""
    g = m.groupdict()
    text = m.group()
    if g.get("years") and _prev_word(m) not in ("в", "во", "за", "с"):
        return None
    if g.get("ordu") and lex.ordinal(g["ord"]) is None:
        return None
    if re.search(r"\d", text):
        return None
    return _mk(m, "reference", _ref_granularity(text))


def _ref_granularity(text: str) -> str:
    t = norm_word(text)
    if re.search(r"(?<![а-яё])(?:д[не]|утро|вечер|ночь|сутки|время|момент)", t):
        return "day"
    if "недел" in t:
        return "week"
    if "месяц" in t:
        return "month"
    return "year"


def pronoun_reference(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "в том же году", "в тот день", "с того дня", "в то время" (anchored at the unit, extended back)."""
    slex = span_lexicon()
    pm = slex.pronoun_before.search(m.string, max(0, m.start() - 16), m.start())
    if pm is None:
        return None
    p, unit = norm_word(pm["pron"]), norm_word(m.group())
    if p == "то" and unit == "время":
        return None  # "в то же время" (a connective), "в то время" (the corpora tag 1 in 12 as a date)
    if not pm["same"]:
        if p.startswith("это") and unit in ("год", "году", "года", "месяц", "месяце", "неделе", "неделю"):
            return None  # "в этом году" is the publication year (rel_unit)
        if unit == "время" and re.match(r"\s*,?\s+как", m.string[m.end() : m.end() + 8]):
            return None  # "в то время как": a conjunction
        if p in ("то", "это") and unit != "время":
            return None
    return Cand(pm.start(), m.end(), _ref_granularity(unit), kind="reference", mkind="reference", priority=-1)


def vague_past(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "недавно", "на днях": a recent past point without a date."""
    if norm_word(m.group()) == "днях" and _prev_word(m) != "на":
        return None
    return _mk(m, "point", "day", vague=True, tense="past", priority=0)


def holiday(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "Дня независимости" (Kazakhstan's: 16 December when the sentence names Kazakhstan), "Наурыз"."""
    slex = span_lexicon()
    if not m.group()[0].isupper():
        return None
    hol = slex.holiday_tails[norm_word(m["tail"])] if m["tail"] else slex.holiday_names[norm_word(m["name"])]
    country = _country_near(m, slex, hol)
    if country is not None or len(hol.dates) == 1:
        mo, d = hol.dates[country] if country is not None else next(iter(hol.dates.values()))
        return Cand(
            m.start(),
            m.end(),
            "day",
            year_ref=MISSING,
            period=lambda y: (date(y, mo, d),) * 2,
            month=mo,
            day=d,
            kind="holiday",
            priority=1,
        )
    choices = list(hol.dates.values())

    def nearest(pub: date, _f: Future) -> Period:
        days = [date(pub.year + dy, mo, d) for mo, d in choices for dy in (-1, 0, 1)]
        best = min(days, key=lambda x: (abs((x - pub).days), x > pub))
        return best, best

    return Cand(m.start(), m.end(), "day", from_pub=nearest, kind="holiday", priority=1)


def era(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "в годы Великой Отечественной войны", "во времена СССР": a named era with its interval."""
    e = span_lexicon().eras[norm_word(m["era"])]
    return Cand(
        m.start(),
        m.end(),
        "day",
        year_ref=("abs", e.start.year),
        period=lambda _y: (e.start, e.end),
        kind="era",
        priority=1,
    )


def _country_near(m: re.Match[str], slex: SpanLexicon, hol: Holiday) -> str | None:
    """The holiday's country named in its sentence (after it first, then before), or None."""
    if "*" in hol.dates:
        return "*"
    text = m.string
    sents = sentences(text)
    lo = max(0, m.start() - 200, sents.bounds_of(m.start())[0])
    hi = min(len(text), m.end() + 200, sents.bounds_of(max(m.end() - 1, m.start()))[1])
    after = [c for c in _countries(text, m.end(), hi, slex) if c in hol.dates]
    if after:
        return after[0]
    before = [c for c in _countries(text, lo, m.start(), slex) if c in hol.dates]
    return before[-1] if before else None


def _countries(text: str, lo: int, hi: int, slex: SpanLexicon) -> list[str]:
    out = []
    for c in slex.countries.finditer(text, lo, hi):
        word = norm_word(c.group())
        for stem in sorted((s for s in slex.country_of if word.startswith(s)), key=len, reverse=True)[:1]:
            out.append(slex.country_of[stem])
    return out

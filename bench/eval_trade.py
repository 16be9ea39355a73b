"""Score trade facts on the hand-annotated development set (``../shared/gold/trade``) in-process, fast.

usage:
    .venv/bin/python bench/eval_trade.py                 # all 36 articles
    .venv/bin/python bench/eval_trade.py --part tune     # the first 24 articles (sorted by id): tune on these
    .venv/bin/python bench/eval_trade.py --part check    # the last 12: score only after tuning on the first 24
    .venv/bin/python bench/eval_trade.py --show 30       # plus samples of misses, wrong fields, extra rows
    .venv/bin/python bench/eval_trade.py --dump F.jsonl  # every prediction with its gold match, for reading

The articles go through the library's own parse/clean and extractors (dates, amounts, trade) exactly as a
``newsfacts run --no-ner`` would, without Prefect, GX or Parquet; scoring uses ``score_trade.py``'s own
matching functions (imported from ``../shared``), so the numbers equal the official command's:
``newsfacts run ../shared/gold/trade/articles --warehouse W --no-ner && python ../shared/gold/trade/score_trade.py W``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfacts.extract import amounts as amounts_mod  # noqa: E402
from newsfacts.extract import dates as dates_mod  # noqa: E402
from newsfacts.extract import trade as trade_mod  # noqa: E402
from newsfacts.ingest.model import CleanArticle, RawInput  # noqa: E402
from newsfacts.ingest.parse import parse_raw  # noqa: E402

GOLD = ROOT.parent / "shared" / "gold" / "trade"


def scorer() -> ModuleType:
    """``score_trade.py`` from ../shared, imported by path (its matching rules are the contract)."""
    spec = importlib.util.spec_from_file_location("score_trade", GOLD / "score_trade.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{GOLD / 'score_trade.py'} is absent: this needs ../shared beside the checkout")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_article(path: Path) -> CleanArticle:
    raw = path.read_bytes()
    got = parse_raw(RawInput(path.name, raw, hashlib.sha256(raw).hexdigest(), "txt"))
    if not isinstance(got, CleanArticle):
        raise SystemExit(f"{path}: {got}")
    return got


def predict(article: CleanArticle) -> list[dict[str, Any]]:
    """The trade_facts rows (as score_trade reads them) of one article."""
    dates = dates_mod.extract_dates(article.text, article.published_date)
    points = [d for d in dates if d.kind == "point"]
    amounts = amounts_mod.extract_amounts(article.text)
    out = []
    for f in trade_mod.extract_trade_facts(article.text, amounts, points):
        row = {k: getattr(f, k) for k in f.__dataclass_fields__}
        out.append(row)
    return out


def score(
    gold: dict[str, dict[str, Any]],
    texts: dict[str, str],
    preds: dict[str, list[dict[str, Any]]],
    st: ModuleType,
) -> tuple[dict[str, Any], list[str], list[str], list[str], list[dict[str, Any]]]:
    n_gold = matched = precise = 0
    agreeing: Counter[str] = Counter()
    per_ind: Counter[str] = Counter()
    per_ind_hit: Counter[str] = Counter()
    misses: list[str] = []
    wrong: list[str] = []
    extra: list[str] = []
    dump: list[dict[str, Any]] = []
    n_pred = sum(len(preds.get(k, [])) for k in gold)
    for sid, g in gold.items():
        text = texts[sid]
        spans = [st.find(text, f["evidence"]) for f in g["facts"]]
        for f, span in zip(g["facts"], spans, strict=True):
            n_gold += 1
            per_ind[f["indicator"]] += 1
            gf = st.fields(f, True)
            cands = [
                p
                for p in preds.get(sid, [])
                if span and p["start_char"] < span[1] and span[0] < p["end_char"]
            ]
            if not cands:
                misses.append(
                    f"MISS {sid} {f['indicator']} {f.get('value')} {f.get('unit')} "
                    f"{f.get('reporter_iso2')}>{f.get('partner_iso2')} | {f['evidence'][:200]}"
                )
                dump.append({"sid": sid, "gold": f, "pred": None})
                continue
            best = max(cands, key=lambda p: sum(st.agree(x, gf, st.fields(p, False)) for x in st.FIELDS))
            pf = st.fields(best, False)
            matched += 1
            per_ind_hit[f["indicator"]] += 1
            bad = []
            for x in st.FIELDS:
                ok = st.agree(x, gf, pf)
                agreeing[x] += ok
                if not ok:
                    bad.append(x)
                    wrong.append(f"WRONG {x}: gold {gf[x]} got {pf[x]} | {sid} {f['evidence'][:160]}")
            dump.append({"sid": sid, "gold": f, "pred": {k: str(v) for k, v in best.items()}, "wrong": bad})
        for p in preds.get(sid, []):
            if any(s and p["start_char"] < s[1] and s[0] < p["end_char"] for s in spans):
                precise += 1
            else:
                extra.append(
                    f"EXTRA {sid} {p['indicator']} {p.get('value')} {p.get('unit')} "
                    f"{p.get('reporter_iso2')}>{p.get('partner_iso2')} | {p['text'][:160]}"
                )
    res = {
        "articles": len(gold),
        "gold_facts": n_gold,
        "pred_facts": n_pred,
        "recall": round(matched / n_gold, 4) if n_gold else 0.0,
        "precision": round(precise / n_pred, 4) if n_pred else 0.0,
        "field_agreement": {x: round(agreeing[x] / matched, 4) if matched else 0.0 for x in st.FIELDS},
        "recall_by_indicator": {k: f"{per_ind_hit[k]}/{v}" for k, v in per_ind.most_common()},
    }
    return res, misses, wrong, extra, dump


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--part",
        choices=("all", "tune", "check"),
        default="all",
        help="all 36 articles, the first 24 (tune) or the last 12 (check), sorted by id",
    )
    ap.add_argument("--show", type=int, default=0, help="print N samples of misses, wrong fields and extras")
    ap.add_argument("--all-errors", action="store_true", help="print every miss, wrong field and extra")
    ap.add_argument("--dump", help="write every gold fact with its best prediction as JSON lines")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    st = scorer()
    gold = {
        json.loads(line)["sel_id"]: json.loads(line)
        for line in (GOLD / "trade_facts.jsonl").open(encoding="utf-8")
    }
    ids = sorted(gold)
    ids = ids[:24] if a.part == "tune" else ids[24:] if a.part == "check" else ids
    gold = {k: gold[k] for k in ids}
    texts: dict[str, str] = {}
    preds: dict[str, list[dict[str, Any]]] = {}
    for sid in ids:
        art = load_article(GOLD / "articles" / f"{sid}.txt")
        texts[sid] = art.text
        preds[sid] = predict(art)
    res, misses, wrong, extra, dump = score(gold, texts, preds, st)
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(
            f"[{a.part}] recall {res['recall']}  precision {res['precision']}  "
            f"({res['gold_facts']} gold, {res['pred_facts']} predicted)"
        )
        print("fields: " + "  ".join(f"{k} {v}" for k, v in res["field_agreement"].items()))
        print("recall by indicator: " + "  ".join(f"{k} {v}" for k, v in res["recall_by_indicator"].items()))
    if a.show or a.all_errors:
        rnd = random.Random(0)
        for group in (misses, wrong, extra):
            for line in group if a.all_errors else rnd.sample(group, min(a.show, len(group))):
                print(line)
    if a.dump:
        with open(a.dump, "w", encoding="utf-8") as fh:
            for d in dump:
                fh.write(json.dumps(d, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The quarterly job of `mqlcal recalibrate`, written the way a careful data scientist would
in polars + scikit-learn, so that `scripts/bench` can time the two side by side on the same
files (issue 18: "paired with a polars + scikit-learn script that does the same job").

It reads the files `mqlcal synth` writes (leads.csv, events.csv, mqlcal.toml) and does:

1. leads and events read with polars; the as-of feature table built from the config's
   signals exactly as mqlcal builds it (categorical levels -> indicators, numeric / count
   with floor, cap, scale, default and bins, flags, events inside
   [created_at - starts_before_seconds, created_at + window_days] weighted by decay, summed, capped, scaled);
2. cohorts by quarter (or month), the as-of date, each cohort's maturity and the
   out-of-time split (the latest mature cohort held out, open leads and unfinished windows
   left out of the fit);
3. an L2 logistic fit with scikit-learn at a fixed alpha (`C = 1/alpha`, intercept not
   penalised, raw feature values): mqlcal's objective `sum log-loss + alpha/2 |w|^2`;
4. integer points (max-points scaling and the readable base), the threshold sweep on the
   holdout plus the later cohorts' complete months (volume), the recommendation rule
   (capacity month rule, conversion band), and a seeded bootstrap of the holdout;
5. walk-forward refits: each cohort after the first `walk_forward_min_training_cohorts`
   predicted from all cohorts before it, with its own sweep and recommendation.

Not done here (mqlcal does them in the same run): calibration of probabilities, the metric
suite beyond AUC / average precision / Brier / log loss, standard errors, drift, segments,
tiers, the comparison with the current points sheet, charts, the HTML report, the model
file and the SQL/PMML exports. Config features not supported (the script stops and says
so): `bins = "auto"`, `alpha = "auto"` without `--alpha`, group caps, always/never-MQL
overrides, a `[rule]` other than one threshold on the total score, the separate-files and
won-ids layouts, non-UTF-8 encodings.

    pipeline.py --config DIR/mqlcal.toml [--alpha 1] [--out DIR] [--features FILE.parquet]
    pipeline.py --config C --alpha 1 --compare RUN_DIR --mqlcal-features FILE

`--compare` reads what mqlcal wrote for the same data (`mqlcal features` output and the
run directory's tables/fit.json) and prints the largest feature and coefficient
differences; it exits 1 when features differ by more than 1e-9, coefficients by more than
1e-4, or the split (training / held-out cohorts) differs.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # the imports below take seconds: counted as a stage of their own

import argparse
import json
import math
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from threadpoolctl import threadpool_limits  # installed with scikit-learn

DAY = 86_400
DEFAULT_MISSING = ["", "Select", "NA", "N/A", "null", "NULL"]
# decay = "standard": (up to this many days before the window's end, weight); older: 0.2.
STANDARD_DECAY = [(7.0, 1.0), (30.0, 0.8), (60.0, 0.6), (90.0, 0.4)]
STANDARD_TAIL = 0.2
# polars' engine for the events query ("auto", "in-memory" or "streaming"; --engine). Streaming
# by default: on 100k leads / 1.9M events it peaked at 81 % of the in-memory engine's RSS, no slower.
ENGINE = "streaming"


class Unsupported(SystemExit):
    def __init__(self, what: str):
        super().__init__(f"pipeline.py: {what} is not supported by the Python comparison pipeline")


# ---------------------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------------------


@dataclass
class Signal:
    name: str
    kind: str
    column: str | None = None
    levels: list[str] = field(default_factory=list)
    equals: list[str] = field(default_factory=list)
    floor: float | None = None
    cap: float | None = None
    scale: float = 1.0
    default: float | None = None
    bins: list[float] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    decay: str = "none"

    @staticmethod
    def from_toml(raw: dict) -> "Signal":
        kind = raw["kind"]
        s = Signal(name=raw["name"], kind=kind, column=raw.get("column"))
        if kind == "categorical":
            s.levels = [str(v) for v in raw["levels"]]
        elif kind == "flag":
            eq = raw["equals"]
            s.equals = [str(v) for v in (eq if isinstance(eq, list) else [eq])]
        elif kind in ("numeric", "count"):
            s.floor, s.cap, s.default = raw.get("floor"), raw.get("cap"), raw.get("default")
            s.scale = float(raw.get("scale", 1.0))
            bins = raw.get("bins", [])
            if bins == "auto":
                raise Unsupported(f'signal {s.name!r}: bins = "auto"')
            s.bins = [float(b) for b in bins]
        elif kind == "events":
            act = raw["activity"]
            s.activities = act if isinstance(act, list) else [act]
            s.cap, s.scale = raw.get("cap"), float(raw.get("scale", 1.0))
            s.decay = raw.get("decay", "none")
        else:
            raise Unsupported(f"signal kind {kind!r}")
        return s

    def columns(self) -> list[str]:
        """The feature columns this signal produces, named as mqlcal names them."""
        if self.kind == "categorical":
            return [f"{self.name}={level}" for level in self.levels]
        if self.kind in ("numeric", "count") and self.bins:
            return [f"{self.name}={label}" for label in bin_labels(self.bins)]
        return [self.name]


def fmt_num(x: float) -> str:
    """An edge as mqlcal writes it in a column name: 10 -> "10", 0.5 -> "0.5"."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def bin_labels(edges: list[float]) -> list[str]:
    return [f"[{fmt_num(lo)},{fmt_num(hi)})" for lo, hi in zip(edges, edges[1:])] + [f"[{fmt_num(edges[-1])},inf)"]


@dataclass
class Config:
    folder: Path
    raw: dict
    leads: Path
    events: Path | None
    delimiter: str
    missing: list[str]
    duplicates: str
    as_of: int | None
    id_col: str
    created_col: str
    date_format: str
    outcome_col: str
    outcome_map: dict[str, str]
    blank_is: str
    open_after_days: int | None
    ev_lead: str
    ev_time: str
    ev_activity: str
    ev_date_format: str
    window_days: int
    starts_before_seconds: int
    period: str
    signals: list[Signal]
    alpha: float | None
    max_points: float | None
    pdo: tuple[float, float, float] | None
    base_points: int | None
    holdout_cohorts: int | None
    min_decided_share: float
    capacity: float
    capacity_rule: str
    band: tuple[float, float]
    bootstrap_resamples: int
    seed: int
    confidence: float
    walk_forward: bool
    min_training: int

    @staticmethod
    def load(path: Path) -> "Config":
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        folder = path.parent
        inp, cols, out = raw.get("input", {}), raw.get("columns", {}), raw.get("outcome", {})
        ev, model, sales, bt = raw.get("events", {}), raw.get("model", {}), raw.get("sales", {}), raw.get("backtest", {})
        if "leads" not in inp or "won_ids" in inp:
            raise Unsupported("a layout other than one leads file with an outcome column")
        if inp.get("encoding", "utf-8") != "utf-8":
            raise Unsupported(f"[input] encoding = {inp['encoding']!r}")
        if model.get("group_caps") or model.get("always_mql") or model.get("never_mql"):
            raise Unsupported("[model] group_caps / always_mql / never_mql")
        if raw.get("rule", {}).get("kind", "total") != "total":
            raise Unsupported(f"[rule] kind = {raw['rule']['kind']!r} (one threshold on the total score only)")
        outcome_map = {}
        for label in ("won", "lost", "open"):
            for value in out.get(label, []):
                outcome_map[str(value).strip()] = label
        alpha = model.get("alpha", "auto")
        capacity = sales.get("capacity_per_month")
        if capacity is None and "reps" in sales:
            capacity = sales["reps"] * sales["leads_per_rep_per_month"]
        if capacity is None:
            raise SystemExit("pipeline.py: [sales] capacity_per_month is needed for the backtest")
        pdo = (model["pdo"], model.get("base_score", 600.0), model.get("base_odds", 1.0)) if "pdo" in model else None
        base = model.get("base_points", "auto")
        as_of = inp.get("as_of")
        return Config(
            folder=folder,
            raw=raw,
            leads=folder / inp["leads"],
            events=folder / inp["events"] if "events" in inp else None,
            delimiter=inp.get("delimiter", "auto"),
            missing=[m.strip() for m in inp.get("missing", DEFAULT_MISSING)],
            duplicates=inp.get("duplicates", "error"),
            as_of=parse_as_of(as_of) if as_of else None,
            id_col=cols["id"],
            created_col=cols["created_at"],
            date_format=cols.get("date_format", "auto"),
            outcome_col=cols["outcome"],
            outcome_map=outcome_map,
            blank_is=out.get("blank_is", "open"),
            open_after_days=out.get("open_after_days"),
            ev_lead=ev.get("lead_id", "lead_id"),
            ev_time=ev.get("occurred_at", "occurred_at"),
            ev_activity=ev.get("activity", "activity"),
            ev_date_format=ev.get("date_format", "auto"),
            window_days=int(ev.get("window_days", 30)),
            starts_before_seconds=int(ev.get("starts_before_seconds", 0)),
            period=raw.get("cohorts", {}).get("period", "quarter"),
            signals=[Signal.from_toml(s) for s in raw.get("signals", [])],
            alpha=None if alpha == "auto" else float(alpha),
            max_points=None if pdo else float(model.get("max_points", 100)),
            pdo=pdo,
            base_points=None if base == "auto" else int(base),
            holdout_cohorts=model.get("holdout_cohorts"),
            min_decided_share=float(model.get("min_decided_share", 0.8)),
            capacity=float(capacity),
            capacity_rule=str(sales.get("capacity_rule", "p75")),
            band=tuple(sales.get("target_conversion", [0.13, 0.25])),
            bootstrap_resamples=int(bt.get("bootstrap_resamples", 2000)),
            seed=int(bt.get("seed", 42)),
            confidence=float(bt.get("confidence", 0.9)),
            walk_forward=bool(bt.get("walk_forward", True)),
            min_training=int(bt.get("walk_forward_min_training_cohorts", 3)),
        )

    def feature_columns(self) -> list[str]:
        return [c for s in self.signals for c in s.columns()]

    def window_seconds(self) -> int:
        counts_events = any(s.kind == "events" for s in self.signals)
        return self.window_days * DAY if (self.events is not None and counts_events) else 0


def parse_as_of(text: str) -> int:
    for fmt, end_of_day in (("%Y-%m-%d %H:%M:%S", 0), ("%Y-%m-%d %H:%M", 0), ("%Y-%m-%d", DAY - 1)):
        try:
            t = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
            return int(t.timestamp()) + end_of_day
        except ValueError:
            continue
    raise SystemExit(f"pipeline.py: [input] as_of = {text!r} is not a date")


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def delimiter_of(path: Path, configured: str) -> str:
    if configured == "tab":
        return "\t"
    if configured != "auto":
        return configured
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline()
    return max([",", ";", "\t", "|"], key=header.count)


def cleaned(col: str, missing: list[str]) -> pl.Expr:
    """A text cell trimmed, with the missing markers (and blanks) as null."""
    c = pl.col(col).str.strip_chars()
    return pl.when(c.is_in(missing) | (c == "")).then(None).otherwise(c).alias(col)


def date_formats(date_format: str) -> list[str]:
    """The strftime patterns a `date_format` setting may mean, most specific first."""
    if date_format in ("auto", "iso"):
        return ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
    if date_format in ("day_first", "month_first"):
        d = "%d/%m/%Y" if date_format == "day_first" else "%m/%d/%Y"
        return [d, f"{d} %H:%M:%S", f"{d} %H:%M"]
    return [date_format]


def parse_as(c: pl.Expr, fmt: str, strict: bool) -> pl.Expr:
    if "%H" in fmt:
        return c.str.to_datetime(fmt, time_unit="us", strict=strict)
    return c.str.to_date(fmt, strict=strict).cast(pl.Datetime("us"))


def seconds(col: str, date_format: str, sample: pl.Series) -> pl.Expr:
    """Seconds since 1970-01-01 of a (trimmed) date or date-time cell, null when blank. The
    layout is the first pattern that reads every cell of `sample` (as mqlcal's "auto" decides
    it once per file); a file mixing layouts falls back to trying each pattern per cell."""
    sample = sample.drop_nulls()
    formats = date_formats(date_format)
    for fmt in formats:
        if sample.to_frame("s").select(parse_as(pl.col("s"), fmt, strict=False).is_not_null().all()).item():
            return parse_as(pl.col(col), fmt, strict=False).dt.epoch("s")
    return pl.coalesce([parse_as(pl.col(col), fmt, strict=False) for fmt in formats]).dt.epoch("s")


def read_leads(cfg: Config) -> pl.DataFrame:
    needed = [cfg.id_col, cfg.created_col, cfg.outcome_col] + sorted(
        {s.column for s in cfg.signals if s.column} - {cfg.id_col, cfg.created_col, cfg.outcome_col}
    )
    raw = pl.read_csv(
        cfg.leads,
        separator=delimiter_of(cfg.leads, cfg.delimiter),
        columns=needed,
        infer_schema=False,  # every column as text: cells are cleaned and parsed below
    )
    leads = raw.with_row_index("_row").with_columns(cleaned(c, cfg.missing) for c in needed)
    leads = leads.with_columns(seconds(cfg.created_col, cfg.date_format, leads[cfg.created_col].head(1000)).alias("_created"))
    bad = leads.filter(pl.col("_created").is_null() & pl.col(cfg.created_col).is_not_null())
    if bad.height:
        raise SystemExit(f"pipeline.py: {cfg.leads}: created_at {bad[cfg.created_col][0]!r} is not a date it reads")
    if leads[cfg.id_col].null_count():
        raise SystemExit(f"pipeline.py: {cfg.leads}: blank lead ids")
    if cfg.duplicates == "error":
        dup = leads.filter(pl.col(cfg.id_col).is_duplicated())
        if dup.height:
            raise SystemExit(f"pipeline.py: {cfg.leads}: duplicate lead id {dup[cfg.id_col][0]!r}")
    else:
        keep = "first" if cfg.duplicates == "keep-first" else "last"
        leads = leads.unique(subset=cfg.id_col, keep=keep, maintain_order=True)

    outcome = pl.col(cfg.outcome_col)
    leads = leads.with_columns(
        pl.when(outcome.is_null())
        .then(pl.lit(cfg.blank_is))
        .otherwise(outcome.replace_strict(cfg.outcome_map, default=None, return_dtype=pl.String))
        .alias("outcome")
    )
    unknown = leads.filter(pl.col("outcome").is_null() | (pl.col("outcome") == "error"))
    if unknown.height:
        raise SystemExit(f"pipeline.py: {cfg.leads}: outcome {unknown[cfg.outcome_col][0]!r} is in none of [outcome] won/lost/open")
    return leads


def events_query(cfg: Config, leads: pl.DataFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(per-lead events features, latest event time) as lazy queries over one scan."""
    lead_col, time_col, act_col = cfg.ev_lead, cfg.ev_time, cfg.ev_activity
    separator = delimiter_of(cfg.events, cfg.delimiter)
    sample = pl.read_csv(cfg.events, separator=separator, columns=[time_col], n_rows=1000, infer_schema=False)
    sample = sample.select(cleaned(time_col, cfg.missing))[time_col]
    scan = pl.scan_csv(cfg.events, separator=separator, infer_schema=False).select(
        cleaned(lead_col, cfg.missing).alias("_lead"),
        cleaned(act_col, cfg.missing).alias("_activity"),
        cleaned(time_col, cfg.missing).alias("_time_text"),
    ).with_columns(seconds("_time_text", cfg.ev_date_format, sample).alias("_t"))
    latest = scan.select(
        pl.col("_t").max().alias("latest"),
        (pl.col("_t").is_null() & pl.col("_time_text").is_not_null()).sum().alias("unreadable"),
    )

    events_signals = [s for s in cfg.signals if s.kind == "events"]
    counted = sorted({a for s in events_signals for a in s.activities})
    window = cfg.window_days * DAY
    # An event before creation (a window starting early) is aged as one at creation.
    age = (pl.col("_created") + window - pl.max_horizontal("_t", "_created")) / DAY  # days before the window's end
    standard = pl.lit(STANDARD_TAIL)
    for up_to, weight in reversed(STANDARD_DECAY):
        standard = pl.when(age <= up_to).then(weight).otherwise(standard)
    in_window = (
        scan.filter(pl.col("_activity").is_in(counted))
        .join(
            leads.lazy().select(pl.col(cfg.id_col).alias("_lead"), "_created"),
            on="_lead",
            how="inner",
        )
        .filter((pl.col("_t") >= pl.col("_created") - cfg.starts_before_seconds) & (pl.col("_t") <= pl.col("_created") + window))
    )
    if any(s.decay == "standard" for s in events_signals):
        in_window = in_window.with_columns(_standard=standard)
    per_lead = in_window.with_columns(pl.col("_activity").cast(pl.Enum(counted))).group_by("_lead").agg(
        (pl.col("_standard").filter(pl.col("_activity").is_in(s.activities)).sum() if s.decay == "standard"
         else pl.col("_activity").is_in(s.activities).sum().cast(pl.Float64)).alias(s.name)
        for s in events_signals
    )
    return per_lead, latest


def clip_scale(v: pl.Expr, floor, cap, scale: float) -> pl.Expr:
    if floor is not None:
        v = pl.max_horizontal(v, pl.lit(float(floor)))
    if cap is not None:
        v = pl.min_horizontal(v, pl.lit(float(cap)))
    return v * scale


def lead_feature_exprs(cfg: Config) -> list[pl.Expr]:
    """One polars expression per feature column read from the leads file."""
    exprs = []
    for s in cfg.signals:
        if s.kind == "categorical":
            exprs += [
                (pl.col(s.column) == level).fill_null(False).cast(pl.Float64).alias(f"{s.name}={level}")
                for level in s.levels
            ]
        elif s.kind == "flag":
            exprs.append(pl.col(s.column).is_in(s.equals).fill_null(False).cast(pl.Float64).alias(s.name))
        elif s.kind in ("numeric", "count"):
            v = pl.col(s.column).cast(pl.Float64)  # strict: a cell that is not a number stops the run
            if s.default is not None:
                v = v.fill_null(float(s.default))
            v = clip_scale(v, s.floor, s.cap, s.scale)
            if s.bins:
                edges = s.bins + [math.inf]
                exprs += [
                    ((v >= lo) & (v < hi)).fill_null(False).cast(pl.Float64).alias(f"{s.name}={label}")
                    for lo, hi, label in zip(edges, edges[1:], bin_labels(s.bins))
                ]
            else:
                exprs.append(v.alias(s.name))
    return exprs


def check_numbers(cfg: Config, leads: pl.DataFrame) -> None:
    for s in cfg.signals:
        if s.kind not in ("numeric", "count"):
            continue
        v = leads[s.column].cast(pl.Float64)
        if s.default is None and v.null_count():
            raise SystemExit(f"pipeline.py: column {s.column!r} is blank and signal {s.name!r} has no default")
        if (~v.is_finite()).any():
            raise SystemExit(f"pipeline.py: column {s.column!r}: a value is not finite (signal {s.name!r})")
        if s.kind == "count" and (v < 0).any():
            raise SystemExit(f"pipeline.py: column {s.column!r}: negative value, but signal {s.name!r} is a count")


def cohort_expr(cfg: Config) -> pl.Expr:
    t = pl.from_epoch(pl.col("_created"), time_unit="s")
    if cfg.period == "month":
        return t.dt.strftime("%Y-%m").alias("cohort")
    return pl.format("{}-Q{}", t.dt.year(), t.dt.quarter()).alias("cohort")


@dataclass
class Table:
    frame: pl.DataFrame  # id, created (s), cohort, outcome, month index, feature columns; mqlcal's row order
    columns: list[str]
    as_of: int
    window: int


def build_table(cfg: Config) -> Table:
    leads = read_leads(cfg)
    check_numbers(cfg, leads)
    latest_lead = leads["_created"].max()
    frame = leads.select("_row", cfg.id_col, "_created", "outcome", *lead_feature_exprs(cfg))
    latest_event = None
    if cfg.events is not None and any(s.kind == "events" for s in cfg.signals):
        if leads["_created"].null_count():
            raise SystemExit("pipeline.py: events need each lead's creation date")
        per_lead, latest = events_query(cfg, leads)
        try:
            per_lead, latest = pl.collect_all([per_lead, latest], engine=ENGINE)
        except TypeError:  # a polars 1.x from before collect_all's engine argument
            per_lead, latest = pl.collect_all([per_lead, latest])
        latest_event = latest["latest"][0]
        if latest["unreadable"][0]:
            raise SystemExit(f"pipeline.py: {cfg.events}: {latest['unreadable'][0]} event times are not dates it reads")
        names = [s.name for s in cfg.signals if s.kind == "events"]
        frame = frame.join(per_lead.rename({"_lead": cfg.id_col}), on=cfg.id_col, how="left").with_columns(
            pl.col(names).fill_null(0.0)
        )
        frame = frame.with_columns(
            clip_scale(pl.col(s.name), None, s.cap, s.scale).alias(s.name) for s in cfg.signals if s.kind == "events"
        )
    as_of = cfg.as_of if cfg.as_of is not None else max(v for v in (latest_lead, latest_event) if v is not None)
    if cfg.open_after_days:
        stale = (pl.col("outcome") == "open") & (as_of - pl.col("_created") >= cfg.open_after_days * DAY)
        frame = frame.with_columns(pl.when(stale).then(pl.lit("lost")).otherwise("outcome").alias("outcome"))
    t = pl.from_epoch(pl.col("_created"), time_unit="s")
    columns = cfg.feature_columns()
    frame = (
        frame.with_columns(cohort_expr(cfg), (t.dt.year() * 12 + t.dt.month() - 1).alias("_month"))
        .sort(["_created", "_row"])  # stable by creation time: mqlcal's row order
        .select(cfg.id_col, "_created", "cohort", "outcome", "_month", *columns)
    )
    return Table(frame=frame, columns=columns, as_of=int(as_of), window=cfg.window_seconds())


# ---------------------------------------------------------------------------------------
# Maturity and the out-of-time split
# ---------------------------------------------------------------------------------------


def first_day_of_month(month: int) -> int:
    """Days since 1970-01-01 of the first day of month index year*12 + (month-1)."""
    year, m = divmod(month, 12)
    return (datetime(year, m + 1, 1, tzinfo=timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc)).days


def cohort_months(label: str) -> range:
    year, rest = label.split("-")
    if rest.startswith("Q"):
        first = int(year) * 12 + (int(rest[1:]) - 1) * 3
        return range(first, first + 3)
    first = int(year) * 12 + int(rest) - 1
    return range(first, first + 1)


@dataclass
class Split:
    maturity: pl.DataFrame
    training: list[str]
    holdout: list[str]
    later: list[str]


def window_complete(t: Table) -> pl.Expr:
    return pl.col("_created") + t.window <= t.as_of


def month_complete(t: Table, month: int) -> bool:
    return first_day_of_month(month + 1) * DAY - 1 + t.window <= t.as_of


def split(t: Table, cfg: Config) -> Split:
    maturity = (
        t.frame.group_by("cohort")
        .agg(
            leads=pl.len(),
            unfinished_windows=(~window_complete(t)).sum(),
            won=(pl.col("outcome") == "won").sum(),
            lost=(pl.col("outcome") == "lost").sum(),
            open=(pl.col("outcome") == "open").sum(),
        )
        .sort("cohort")
        .with_columns(decided_share=(pl.col("won") + pl.col("lost")) / pl.col("leads"))
    )
    cohorts = maturity["cohort"].to_list()
    period_over = [all(month_complete(t, m) for m in cohort_months(c)) for c in cohorts]
    maturity = maturity.with_columns(period_over=pl.Series(period_over)).with_columns(
        mature=pl.col("period_over")
        & (pl.col("unfinished_windows") == 0)
        & (pl.col("decided_share") + 1e-12 >= cfg.min_decided_share)
    )
    if cfg.holdout_cohorts is not None:
        n = cfg.holdout_cohorts
        return Split(maturity, cohorts[:-n], cohorts[-n:], [])
    mature = [i for i, m in enumerate(maturity["mature"]) if m]
    if mature and mature[-1] >= 2:
        k = mature[-1]
        return Split(maturity, cohorts[:k], [cohorts[k]], cohorts[k + 1 :])
    if mature:
        k = mature[-1]
        return Split(maturity, cohorts[: k + 1], [], cohorts[k + 1 :])
    if len(cohorts) < 3:
        return Split(maturity, cohorts, [], [])
    raise SystemExit("pipeline.py: no cohort is mature enough to judge")


def decided_rows(t: Table, cohorts: list[str]) -> pl.DataFrame:
    """Won and lost leads of these cohorts whose windows are complete: what is fitted on / judged."""
    return t.frame.filter(pl.col("cohort").is_in(cohorts) & window_complete(t) & (pl.col("outcome") != "open"))


# ---------------------------------------------------------------------------------------
# Fit and points
# ---------------------------------------------------------------------------------------


@dataclass
class Fit:
    intercept: float
    coef: np.ndarray
    points: np.ndarray
    base: int
    n: int
    won: int


def round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def fit(train: pl.DataFrame, columns: list[str], alpha: float, cfg: Config) -> Fit:
    x = train.select(columns).to_numpy()
    y = (train["outcome"] == "won").to_numpy()
    # mqlcal's objective: sum log-loss + alpha/2 |w|^2, intercept unpenalised, raw feature
    # values = scikit-learn's L2 penalty (the default) with C = 1/alpha. newton-cholesky is
    # scikit-learn's recommended solver when rows far outnumber features.
    model = LogisticRegression(C=1.0 / alpha, solver="newton-cholesky", tol=1e-10, max_iter=1000)
    model.fit(x, y)
    coef, intercept = model.coef_[0], float(model.intercept_[0])
    if cfg.pdo is not None:
        pdo, base_score, base_odds = cfg.pdo
        factor = pdo / math.log(2)
        offset = base_score - factor * math.log(base_odds)
    else:
        factor, offset = cfg.max_points / coef.max(), 0.0
    points = round_half_away(coef * factor)
    if cfg.pdo is not None:
        base = int(round_half_away(np.array([offset + factor * intercept]))[0])
    elif cfg.base_points is not None:
        base = cfg.base_points
    else:
        # The readable base: the lowest score a training lead could reach is 0 (a multiple of 10).
        lowest = np.minimum(points * x.min(axis=0), points * x.max(axis=0)).sum()
        base = int(math.ceil(-lowest / 10.0) * 10) if lowest < 0 else 0
    return Fit(intercept, coef, points, base, len(y), int(y.sum()))


def scores(rows: pl.DataFrame, f: Fit, columns: list[str]) -> np.ndarray:
    x = rows.select(columns).to_numpy()
    return (f.base + round_half_away(x * f.points).sum(axis=1)).astype(np.int64)


def probabilities(rows: pl.DataFrame, f: Fit, columns: list[str]) -> np.ndarray:
    z = f.intercept + rows.select(columns).to_numpy() @ f.coef
    return 1.0 / (1.0 + np.exp(-z))


def metrics(p: np.ndarray, won: np.ndarray) -> dict:
    if won.all() or not won.any():
        return {}
    return {
        "roc_auc": float(roc_auc_score(won, p)),
        "average_precision": float(average_precision_score(won, p)),
        "brier": float(brier_score_loss(won, p)),
        "log_loss": float(log_loss(won, p)),
    }


# ---------------------------------------------------------------------------------------
# Sweep, recommendation, bootstrap
# ---------------------------------------------------------------------------------------


def capacity_volume(per_month: np.ndarray, rule: str) -> np.ndarray:
    """The month held against capacity, for every threshold (rows) over months (columns)."""
    if per_month.shape[1] == 0:
        return np.zeros(per_month.shape[0])
    if rule == "mean":
        return per_month.mean(axis=1)
    if rule == "busiest":
        return per_month.max(axis=1).astype(float)
    return np.quantile(per_month, float(rule.lstrip("p")) / 100.0, axis=1)  # linear, as mqlcal


@dataclass
class Sweep:
    thresholds: np.ndarray  # descending
    cells: np.ndarray  # (T, 3): won, lost, open at each score
    mql: np.ndarray  # (T, 3) cumulative
    months: int
    per_month: np.ndarray
    cap_volume: np.ndarray
    conversion: np.ndarray  # NaN without decided MQLs
    within_capacity: np.ndarray
    within_band: np.ndarray

    def frame(self) -> pl.DataFrame:
        won_total = self.cells[:, 0].sum()
        return pl.DataFrame(
            {
                "threshold": self.thresholds,
                "mqls": self.mql.sum(axis=1),
                "mqls_per_month": self.per_month,
                "capacity_volume": self.cap_volume,
                "won": self.mql[:, 0],
                "lost": self.mql[:, 1],
                "open": self.mql[:, 2],
                "conversion": self.conversion,
                "wins_captured_share": self.mql[:, 0] / won_total if won_total else np.full(len(self.thresholds), np.nan),
                "within_capacity": self.within_capacity,
                "within_band": self.within_band,
            }
        ).with_columns(pl.col("conversion").fill_nan(None))


def sweep(score: np.ndarray, outcome: np.ndarray, month: np.ndarray, months: list[int], cfg: Config) -> Sweep:
    scored = pl.DataFrame({"score": score, "outcome": outcome, "month": month})
    cells = (
        scored.group_by("score")
        .agg(
            won=(pl.col("outcome") == "won").sum(),
            lost=(pl.col("outcome") == "lost").sum(),
            open=(pl.col("outcome") == "open").sum(),
        )
        .sort("score", descending=True)
    )
    thresholds = cells["score"].to_numpy()
    counts = cells.select("won", "lost", "open").to_numpy().astype(np.int64)
    mql = counts.cumsum(axis=0)
    n_months = max(len(months), 1)
    per_month = mql.sum(axis=1) / n_months
    # MQLs per complete month at every threshold: counts per (score, month), cumulated down the scores.
    by_month = (
        scored.filter(pl.col("month").is_in(months))
        .pivot(on="month", index="score", values="outcome", aggregate_function="len")
        .fill_null(0)
    )
    by_month = pl.DataFrame({"score": thresholds}).join(by_month, on="score", how="left").fill_null(0)
    month_cols = [str(m) for m in months if str(m) in by_month.columns]
    profile = by_month.select(month_cols).to_numpy().cumsum(axis=0)
    profile = np.hstack([profile, np.zeros((len(thresholds), len(months) - len(month_cols)))])
    cap_volume = capacity_volume(profile, cfg.capacity_rule) if len(months) else per_month
    decided = mql[:, 0] + mql[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        conversion = np.where(decided > 0, mql[:, 0] / decided, np.nan)
    lo, hi = cfg.band
    return Sweep(
        thresholds=thresholds,
        cells=counts,
        mql=mql,
        months=n_months,
        per_month=per_month,
        cap_volume=cap_volume,
        conversion=conversion,
        within_capacity=cap_volume <= cfg.capacity * (1 + 1e-12),
        within_band=(conversion >= lo) & (conversion <= hi),
    )


def best_feasible(feasible: np.ndarray, won: np.ndarray, conversion: np.ndarray) -> np.ndarray:
    """Per row of a (B, T) problem: the feasible threshold with the most wins, then the higher
    conversion, then the stricter one; -1 when none is feasible."""
    won_f = np.where(feasible, won, -1)
    top = feasible & (won == won_f.max(axis=1, keepdims=True))
    conv_f = np.where(top, conversion, -np.inf)
    top &= conversion == conv_f.max(axis=1, keepdims=True)
    return np.where(feasible.any(axis=1), top.argmax(axis=1), -1)


def recommend(s: Sweep, cfg: Config) -> tuple[int, bool]:
    """(row of the recommended threshold, feasible)."""
    feasible = s.within_capacity & s.within_band
    k = int(best_feasible(feasible[None, :], s.mql[None, :, 0], s.conversion[None, :])[0])
    if k >= 0:
        return k, True
    within = np.flatnonzero(s.within_capacity & ~np.isnan(s.conversion))
    if within.size == 0:
        return 0, False
    lo, hi = cfg.band
    cv = s.conversion[within]
    distance = np.where(cv < lo, lo - cv, np.where(cv > hi, cv - hi, 0.0))
    # nearest to the band, then more wins, then the stricter threshold
    order = np.lexsort((within, -s.mql[within, 0], distance))
    return int(within[order[0]]), False


def bootstrap(s: Sweep, row: int, cfg: Config) -> dict:
    """Resample the judged leads with replacement (a multinomial draw over the (score, outcome)
    cells), re-run the sweep and the recommendation in every resample."""
    rng = np.random.default_rng(cfg.seed)
    flat = s.cells.ravel()
    n = int(flat.sum())
    b = cfg.bootstrap_resamples
    drawn = rng.multinomial(n, flat / n, size=b).reshape(b, -1, 3)
    mql = drawn.cumsum(axis=1)  # (B, T, 3)
    won, decided = mql[:, :, 0], mql[:, :, 0] + mql[:, :, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        conversion = np.where(decided > 0, won / decided, np.nan)
    per_month = mql.sum(axis=2) / s.months
    ratio = np.where(s.per_month > 0, s.cap_volume / np.where(s.per_month > 0, s.per_month, 1), 1.0)
    lo, hi = cfg.band
    hold = (per_month * ratio <= cfg.capacity * (1 + 1e-12)) & (conversion >= lo) & (conversion <= hi)
    best = best_feasible(hold, won, conversion)
    total_won = drawn[:, :, 0].sum(axis=1)
    tail = (1 - cfg.confidence) / 2

    def interval(estimate: float, values: np.ndarray) -> dict:
        values = values[~np.isnan(values)]
        return {"estimate": estimate, "low": float(np.quantile(values, tail)), "high": float(np.quantile(values, 1 - tail))}

    picks = pl.DataFrame({"threshold": np.where(best >= 0, s.thresholds[np.maximum(best, 0)], -1)})
    picks = (
        picks.group_by("threshold").len().with_columns(share=pl.col("len") / b)
        .sort(["share", "threshold"], descending=True).head(5)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        captured = np.where(total_won > 0, won[:, row] / total_won, np.nan)
    won_total = s.cells[:, 0].sum()
    return {
        "resamples": b,
        "seed": cfg.seed,
        "threshold": int(s.thresholds[row]),
        "conversion": interval(float(s.conversion[row]), conversion[:, row]),
        "mqls_per_month": interval(float(s.per_month[row]), per_month[:, row]),
        "wins_captured_share": interval(float(s.mql[row, 0] / won_total) if won_total else math.nan, captured),
        "p_constraints_hold": float(hold[:, row].mean()),
        "p_any_feasible": float((best >= 0).mean()),
        "recommended_thresholds": [
            {"threshold": None if t < 0 else int(t), "share": float(sh)} for t, sh in picks.select("threshold", "share").iter_rows()
        ],
    }


def judged(t: Table, holdout: list[str], later: list[str]) -> tuple[pl.DataFrame, list[int]]:
    """Leads of the holdout with complete windows in complete months, plus the later cohorts'
    leads of complete months as volume only (counted open), and the complete months."""
    months = sorted({m for c in holdout + later for m in cohort_months(c) if month_complete(t, m)})
    keep = window_complete(t) & pl.col("_month").is_in(months)
    rows = t.frame.filter(pl.col("cohort").is_in(holdout) & keep)
    volume = t.frame.filter(pl.col("cohort").is_in(later) & keep).with_columns(outcome=pl.lit("open"))
    return pl.concat([rows, volume]), months


def measure(t: Table, f: Fit, holdout: list[str], later: list[str], cfg: Config) -> tuple[Sweep, int, bool, pl.DataFrame]:
    rows, months = judged(t, holdout, later)
    s = sweep(scores(rows, f, t.columns), rows["outcome"].to_numpy(), rows["_month"].to_numpy(), months, cfg)
    k, feasible = recommend(s, cfg)
    return s, k, feasible, rows


def walk_forward(t: Table, usable: list[str], alpha: float, cfg: Config) -> list[dict]:
    steps = []
    for k in range(cfg.min_training, len(usable)):
        tested, previous = usable[k], usable[k - 1]
        f = fit(decided_rows(t, usable[:k]), t.columns, alpha, cfg)
        s, row, feasible, _ = measure(t, f, [tested], [], cfg)
        prev, prev_row, _, _ = measure(t, f, [previous], [], cfg)
        carried = int(prev.thresholds[prev_row])
        c = int(np.searchsorted(-s.thresholds, -carried, side="right")) - 1  # last threshold >= carried
        test_rows = decided_rows(t, [tested])
        p = probabilities(test_rows, f, t.columns)
        steps.append(
            {
                "cohort": tested,
                "training_from": usable[0],
                "training_to": previous,
                "training_cohorts": k,
                "auc": metrics(p, (test_rows["outcome"] == "won").to_numpy()).get("roc_auc"),
                "recommended_threshold": int(s.thresholds[row]),
                "feasible": feasible,
                "mqls_per_month": float(s.per_month[row]),
                "conversion": float(s.conversion[row]),
                "carried_threshold": carried,
                "carried_mqls_per_month": float(s.per_month[c]) if c >= 0 else 0.0,
                "carried_conversion": float(s.conversion[c]) if c >= 0 else None,
            }
        )
    return steps


# ---------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------


class Stages:
    def __init__(self):
        self.start = STARTED
        self.last = time.perf_counter()
        self.times: list[tuple[str, float]] = [("python imports", self.last - self.start)]

    def done(self, name: str):
        now = time.perf_counter()
        self.times.append((name, now - self.last))
        self.last = now

    def line(self) -> str:
        parts = ", ".join(f"{name} {s:.1f} s" for name, s in self.times)
        return f"stage times: {parts} (total {self.last - self.start:.1f} s)"


def fmt_time(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def run(cfg: Config, alpha: float, out: Path | None, features_out: Path | None):
    stages = Stages()
    t = build_table(cfg)
    stages.done("read leads and events, features")
    sp = split(t, cfg)
    train = decided_rows(t, sp.training)
    f = fit(train, t.columns, alpha, cfg)
    hold = decided_rows(t, sp.holdout)
    fit_metrics = {"training": metrics(probabilities(train, f, t.columns), (train["outcome"] == "won").to_numpy())}
    if hold.height:
        fit_metrics["holdout"] = metrics(probabilities(hold, f, t.columns), (hold["outcome"] == "won").to_numpy())
    stages.done("fit")
    backtest: dict = {}
    sweep_table = None
    if sp.holdout:
        s, row, feasible, judged_rows = measure(t, f, sp.holdout, sp.later, cfg)
        sweep_table = s.frame()
        boot = bootstrap(s, row, cfg)
        backtest = {
            "leads": judged_rows.height,
            "months": s.months,
            "recommended_threshold": int(s.thresholds[row]),
            "feasible": feasible,
            "mqls_per_month": float(s.per_month[row]),
            "conversion": float(s.conversion[row]),
            "bootstrap": boot,
        }
        wf = walk_forward(t, sp.training + sp.holdout, alpha, cfg) if cfg.walk_forward else []
        backtest["walk_forward"] = wf
    stages.done("backtest")
    summary = {
        "as_of": fmt_time(t.as_of),
        "leads": t.frame.height,
        "alpha": alpha,
        "training_cohorts": sp.training,
        "holdout_cohorts": sp.holdout,
        "not_yet_judged": sp.later,
        "training": {"won": f.won, "lost": f.n - f.won},
        "intercept": f.intercept,
        "signals": [
            {"name": c, "coefficient": float(b), "points": int(p)} for c, b, p in zip(t.columns, f.coef, f.points)
        ],
        "base_points": f.base,
        "metrics": fit_metrics,
        "backtest": backtest,
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=True) + "\n")
        sp.maturity.write_csv(out / "maturity.csv")
        if sp.holdout:
            sweep_table.write_csv(out / "thresholds.csv")
            pl.DataFrame(backtest["walk_forward"]).write_csv(out / "walk_forward.csv")
    if features_out is not None:
        write_features(t, cfg, features_out)
    stages.done("tables")
    print(stages.line(), file=sys.stderr)
    return t, sp, f, summary, sweep_table


def write_features(t: Table, cfg: Config, path: Path):
    frame = t.frame.with_columns(pl.from_epoch("_created", time_unit="s").alias("created_at")).select(
        cfg.id_col, "created_at", "cohort", "outcome", *t.columns
    )
    frame.write_parquet(path) if path.suffix == ".parquet" else frame.write_csv(path)


# ---------------------------------------------------------------------------------------
# --compare: the same results as mqlcal's?
# ---------------------------------------------------------------------------------------


def compare(
    t: Table, sp: Split, f: Fit, summary: dict, sweep_table: pl.DataFrame | None, cfg: Config, run_dir: Path, features_file: Path
) -> int:
    failures = []
    theirs = pl.read_parquet(features_file) if features_file.suffix == ".parquet" else pl.read_csv(features_file, infer_schema_length=0)
    ours = t.frame
    id_col = cfg.id_col
    print(f"compare with mqlcal: features {features_file}, fit {run_dir / 'tables/fit.json'}")
    segments = cfg.raw.get("columns", {}).get("segments", [])
    signal_columns = theirs.columns[4 + len(segments) :]  # id, created_at, cohort, outcome, segments, signals
    if signal_columns != t.columns or theirs.columns[:4] != [id_col, "created_at", "cohort", "outcome"]:
        failures.append(f"feature columns differ: mqlcal {theirs.columns} vs {t.columns}")
    else:
        theirs = theirs.with_columns(pl.col(t.columns).cast(pl.Float64))
        same_order = theirs[id_col].equals(ours[id_col])
        joined = ours.select(id_col, "cohort", "outcome", *t.columns).join(
            theirs.select(id_col, "cohort", "outcome", *t.columns), on=id_col, how="full", suffix="_mqlcal", coalesce=True
        )
        unmatched = joined.filter(pl.col("cohort").is_null() | pl.col("cohort_mqlcal").is_null()).height
        diffs = joined.select(
            pl.max_horizontal((pl.col(c) - pl.col(f"{c}_mqlcal")).abs().max() for c in t.columns).alias("max")
        )["max"][0]
        worst = max(t.columns, key=lambda c: joined.select((pl.col(c) - pl.col(f"{c}_mqlcal")).abs().max()).item() or 0.0)
        cohort_diff = joined.filter(pl.col("cohort") != pl.col("cohort_mqlcal")).height
        outcome_diff = joined.filter(pl.col("outcome") != pl.col("outcome_mqlcal")).height
        print(
            f"  features: {ours.height} leads (python) vs {theirs.height} (mqlcal), {len(t.columns)} columns; "
            f"leads in one table only: {unmatched}; same row order: {same_order}"
        )
        print(f"  max |feature difference| over all leads and columns: {diffs:.3g} (largest in {worst!r})")
        print(f"  leads with another cohort: {cohort_diff}, another outcome: {outcome_diff}")
        if unmatched or cohort_diff or outcome_diff:
            failures.append(f"lead set differs ({unmatched} unmatched, {cohort_diff} cohorts, {outcome_diff} outcomes)")
        if diffs is None or not diffs <= 1e-9:
            failures.append(f"features differ by {diffs} > 1e-9 (largest in {worst!r})")

    fit_json = json.loads((run_dir / "tables" / "fit.json").read_text())
    training = fit_json["training"]
    if training["cohorts"] != sp.training or training["holdout_cohorts"] != sp.holdout:
        failures.append(
            f"split differs: mqlcal trains on {training['cohorts']} and holds out {training['holdout_cohorts']}, "
            f"python {sp.training} / {sp.holdout}"
        )
    print(f"  split: training {sp.training[0]}..{sp.training[-1]} ({len(sp.training)} cohorts), holdout {sp.holdout}, "
          f"not yet judged {sp.later}; mqlcal: {training['cohorts'][0]}..{training['cohorts'][-1]}, {training['holdout_cohorts']}")
    if (training["won"], training["lost"]) != (f.won, f.n - f.won):
        failures.append(f"training rows differ: mqlcal {training['won']} won / {training['lost']} lost, python {f.won} / {f.n - f.won}")
    if abs(fit_json["alpha"] - summary["alpha"]) > 0:
        failures.append(f"alpha differs: mqlcal {fit_json['alpha']}, python {summary['alpha']}")
    theirs_coef = {s["name"]: s["coefficient"] for s in fit_json["signals"]}
    theirs_coef["(intercept)"] = fit_json["intercept"]
    ours_coef = dict(zip(t.columns, f.coef.tolist()))
    ours_coef["(intercept)"] = f.intercept
    dropped = sorted(set(ours_coef) - set(theirs_coef))  # mqlcal drops constant columns: weight 0
    for name in dropped:
        theirs_coef[name] = 0.0
    coef_diff = {name: abs(ours_coef[name] - theirs_coef.get(name, math.nan)) for name in ours_coef}
    worst = max(coef_diff, key=lambda n: coef_diff[n])
    max_coef = coef_diff[worst]
    print(f"  max |coefficient difference| at alpha {summary['alpha']}: {max_coef:.3g} (largest at {worst!r}; "
          f"{len(coef_diff)} weights incl. the intercept{', mqlcal dropped ' + ', '.join(dropped) if dropped else ''})")
    if not max_coef <= 1e-4:
        failures.append(f"coefficients differ by {max_coef:.3g} > 1e-4 (at {worst!r})")
    theirs_points = {s["name"]: s["points"] for s in fit_json["signals"]}
    points_diff = [c for c, p in zip(t.columns, f.points) if theirs_points.get(c, 0) != int(p)]
    print(f"  integer points equal on {len(t.columns) - len(points_diff)} of {len(t.columns)} signals"
          + (f" (differ: {', '.join(points_diff)})" if points_diff else ""))

    bt_path = run_dir / "tables" / "backtest.json"
    if bt_path.exists() and summary["backtest"]:
        bt = json.loads(bt_path.read_text())
        ours_bt = summary["backtest"]
        rec, boot = bt["recommendation"], bt["bootstrap"]
        ob = ours_bt["bootstrap"]
        print(f"  recommended threshold: python {ours_bt['recommended_threshold']} (feasible {ours_bt['feasible']}), "
              f"mqlcal {rec['threshold']} (feasible {rec['feasible']})")
        print(f"  its conversion, {cfg.confidence:.0%} bootstrap interval ({cfg.bootstrap_resamples} resamples; "
              f"the generators differ): python {ob['conversion']['estimate']:.4f} [{ob['conversion']['low']:.4f}, "
              f"{ob['conversion']['high']:.4f}], mqlcal {boot['conversion']['estimate']:.4f} "
              f"[{boot['conversion']['low']:.4f}, {boot['conversion']['high']:.4f}]")
        theirs_sweep = run_dir / "tables" / "thresholds.csv"
        if sweep_table is not None and theirs_sweep.exists():
            keys = ["mqls", "won", "lost", "open", "within_capacity", "within_band"]
            theirs_rows = pl.read_csv(theirs_sweep, columns=["threshold", *keys], infer_schema_length=None)
            j = sweep_table.join(theirs_rows, on="threshold", how="full", suffix="_m")
            differ = j.filter(pl.any_horizontal(pl.col(k).ne_missing(pl.col(f"{k}_m")) for k in keys)).height
            print(f"  holdout sweep: {sweep_table.height} thresholds (python), {j.height} in either; "
                  f"thresholds whose MQL counts or constraints differ: {differ}")
        theirs_wf = [(w["cohort"], w["recommended_threshold"], w["carried_threshold"]) for w in bt.get("walk_forward", [])]
        ours_wf = [(w["cohort"], w["recommended_threshold"], w["carried_threshold"]) for w in ours_bt["walk_forward"]]
        print(f"  walk-forward (cohort, threshold, carried): python {ours_wf}")
        print(f"                                             mqlcal {theirs_wf}")
    if failures:
        for msg in failures:
            print(f"MISMATCH: {msg}")
        return 1
    print("  OK: features within 1e-9, coefficients within 1e-4, same split")
    return 0


def main() -> int:
    global ENGINE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, required=True, help="mqlcal.toml (as `mqlcal synth` writes it)")
    ap.add_argument("--alpha", type=float, help="the L2 penalty (default: [model] alpha of the config)")
    ap.add_argument("--out", type=Path, help="write summary.json, maturity.csv, thresholds.csv, walk_forward.csv here")
    ap.add_argument("--features", type=Path, help="also write the feature table (.parquet or .csv)")
    ap.add_argument("--compare", type=Path, metavar="RUN_DIR", help="mqlcal's run directory for the same data and alpha")
    ap.add_argument("--mqlcal-features", type=Path, help="with --compare: the table `mqlcal features` wrote")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="threads of numpy's BLAS (the fit's Hessian); 0 = the library's default (all cores). "
        "Default 1: on a shared 2-core machine OpenBLAS's spinning threads made X'WX over 20x slower",
    )
    ap.add_argument("--engine", default=ENGINE, choices=["auto", "in-memory", "streaming"],
                    help="polars engine of the events query (default: streaming)")
    args = ap.parse_args()
    ENGINE = args.engine
    sys.stdout.reconfigure(line_buffering=True)  # stage times go to stderr: keep the two in order
    cfg = Config.load(args.config)
    alpha = args.alpha if args.alpha is not None else cfg.alpha
    if alpha is None:
        raise Unsupported('[model] alpha = "auto" (pass --alpha)')
    if not alpha > 0:
        raise Unsupported("alpha = 0")
    with threadpool_limits(limits=args.blas_threads or None, user_api="blas"):
        t, sp, f, summary, sweep_table = run(cfg, alpha, args.out, args.features)
    bt = summary["backtest"]
    print(
        f"python pipeline: {summary['leads']} leads, as of {summary['as_of']}, holdout {sp.holdout}, "
        f"alpha {alpha}, holdout AUC {summary['metrics'].get('holdout', {}).get('roc_auc', float('nan')):.4f}, "
        f"threshold {bt.get('recommended_threshold')}, {len(bt.get('walk_forward', []))} walk-forward refits"
    )
    if args.compare:
        if not args.mqlcal_features:
            ap.error("--compare needs --mqlcal-features")
        return compare(t, sp, f, summary, sweep_table, cfg, args.compare, args.mqlcal_features)
    return 0


if __name__ == "__main__":
    sys.exit(main())

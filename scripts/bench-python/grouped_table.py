"""A grouped feature table of N synthetic leads, as a warehouse's grouped feature SQL
returns it, with a config that reads it (`[input] features`): for the benchmark of
recalibrating from patterns (scripts/bench-grouped).

Leads over 24 months, 5 channels and six signals of the bundled sample (title,
email_domain, target_geo, demo_request, pricing_page, unsubscribe), drawn with
seeded numpy; outcomes from a known logistic model; leads of the last three months
partly open and the last month's windows unfinished. Each (month, channel, pattern)
cell's leads are a multinomial draw, its won / lost / open binomial, so the table
has at most 24 x 5 x 1,536 rows whatever N is.

    python3 scripts/bench-python/grouped_table.py N OUT_DIR
"""

import itertools
import os
import sys

import numpy as np

TITLE = ["c-level", "vp", "director", "manager", "student"]
DOMAIN = ["personal", "student", "competitor"]
CHANNELS = ["organic search", "paid search", "events", "partner", "outbound"]
MONTHS = 24


def patterns():
    """Every combination of the six signals: (feature values, true logit, prior weight)."""
    out = []
    for title, domain, geo, demo, pricing, unsub in itertools.product(
        range(len(TITLE) + 1), range(len(DOMAIN) + 1), (0, 1), (0, 1), range(4), (0, 1)
    ):
        values = [1.0 if title == k + 1 else 0.0 for k in range(len(TITLE))]
        values += [1.0 if domain == k + 1 else 0.0 for k in range(len(DOMAIN))]
        values += [float(geo), float(demo), float(pricing), float(unsub)]
        logit = -2.6 + [0, 1.1, 0.8, 0.5, 0.2, -1.5][title] + [0, -0.6, -1.2, -2.0][domain]
        logit += 0.4 * geo + 1.6 * demo + 0.35 * pricing - 1.0 * unsub
        prior = [0.35, 0.05, 0.1, 0.15, 0.25, 0.1][title] * [0.6, 0.25, 0.1, 0.05][domain]
        prior *= [0.4, 0.6][geo] * [0.9, 0.1][demo] * [0.6, 0.2, 0.12, 0.08][pricing] * [0.97, 0.03][unsub]
        out.append((values, logit, prior))
    return out


def columns():
    names = [f"title={t}" for t in TITLE] + [f"email_domain={d}" for d in DOMAIN]
    return names + ["target_geo", "demo_request", "pricing_page", "unsubscribe"]


def main():
    n, out_dir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(7)
    cells = patterns()
    prior = np.array([p[2] for p in cells])
    prior /= prior.sum()
    prob = 1.0 / (1.0 + np.exp(-np.array([p[1] for p in cells])))
    path = os.path.join(out_dir, "grouped.csv")
    rows = 0
    with open(path + ".part", "w") as f:
        f.write(",".join(["as_of", "cohort", "month", "window_complete", "channel"] + columns() + ["won", "lost", "open"]) + "\n")
        per_month = rng.multinomial(n, np.full(MONTHS, 1.0 / MONTHS))
        for m in range(MONTHS):
            year, month = 2024 + m // 12, m % 12 + 1
            label, cohort = f"{year:04d}-{month:02d}", f"{year:04d}-Q{(month - 1) // 3 + 1}"
            # The last three months are partly undecided; the last one's windows run past the as-of date.
            open_share = {MONTHS - 1: 0.7, MONTHS - 2: 0.3, MONTHS - 3: 0.1}.get(m, 0.0)
            complete = 0 if m == MONTHS - 1 else 1
            for channel, leads in zip(CHANNELS, rng.multinomial(per_month[m], [0.3, 0.25, 0.15, 0.15, 0.15])):
                counts = rng.multinomial(leads, prior)
                for k in np.nonzero(counts)[0]:
                    total = int(counts[k])
                    still_open = int(rng.binomial(total, open_share))
                    won = int(rng.binomial(total - still_open, prob[k]))
                    values = ",".join(f"{v:g}" for v in cells[k][0])
                    f.write(f"2025-12-31 23:59:59,{cohort},{label},{complete},{channel},{values},{won},{total - still_open - won},{still_open}\n")
                    rows += 1
    os.replace(path + ".part", path)
    with open(os.path.join(out_dir, "mqlcal.toml"), "w") as f:
        f.write(CONFIG)
    print(f"{path}: {n} leads in {rows} patterns ({n / rows:.1f} leads a pattern)")


CONFIG = """# Recalibrate from a grouped feature table (written by grouped_table.py).
[input]
features = "grouped.csv"
leads = "leads.csv"
events = "events.csv"

[columns]
id = "lead_id"
created_at = "created_at"
date_format = "iso"
outcome = "outcome"
segments = ["channel"]

[outcome]
won = ["won"]
lost = ["lost"]
open = ["open"]

[events]
window_days = 30
date_format = "iso"

[cohorts]
period = "quarter"

[model]
alpha = "auto"

[[signals]]
name = "title"
axis = "fit"
kind = "categorical"
column = "title_seniority"
levels = ["c-level", "vp", "director", "manager", "student"]

[[signals]]
name = "email_domain"
axis = "fit"
kind = "categorical"
column = "email_domain_type"
levels = ["personal", "student", "competitor"]

[[signals]]
name = "target_geo"
axis = "fit"
kind = "flag"
column = "country"
equals = ["US", "GB", "DE", "CA", "AU", "FR", "NL"]

[[signals]]
name = "demo_request"
axis = "engagement"
kind = "events"
activity = ["demo_request"]
cap = 1
decay = "none"

[[signals]]
name = "pricing_page"
axis = "engagement"
kind = "events"
activity = ["pricing_page_visit"]
cap = 3
decay = "none"

[[signals]]
name = "unsubscribe"
axis = "engagement"
kind = "events"
activity = ["unsubscribe"]
cap = 1
decay = "none"

[sales]
capacity_per_month = 40000
target_conversion = [0.25, 0.6]
minutes_per_lead = 15

[backtest]
bootstrap_resamples = 2000
seed = 42
walk_forward_min_training_cohorts = 3
"""

if __name__ == "__main__":
    main()

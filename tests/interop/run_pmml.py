"""Evaluate an mqlcal PMML scorecard with jpmml-evaluator (PyPI; Java 17) on a
feature table CSV (as `mqlcal features` writes it) and write lead_id,score,reason_1 (and, for a
two-axis model, fit_score,engagement_score,mql,grade,route).
Usage: run_pmml.py MODEL.pmml FEATURES.csv OUT.csv"""
import csv
import sys

from jpmml_evaluator import make_evaluator

pmml, features, out = sys.argv[1:4]
evaluator = make_evaluator(pmml, backend="jpype").verify()
names = [f.getName() for f in evaluator.getInputFields()]
with open(features, newline="", encoding="utf-8") as f, open(out, "w", newline="", encoding="utf-8") as g:
    reader = csv.DictReader(f)
    writer = csv.writer(g)
    outputs = [f.getName() for f in evaluator.getOutputFields()]
    # A two-axis model also outputs its sub-scores, MQL flag, grade and route.
    extra = [n for n in ["fit_score", "engagement_score", "mql", "grade", "route"] if n in outputs]
    writer.writerow(["lead_id", "score", "reason_1"] + extra)
    for row in reader:
        result = evaluator.evaluate({name: float(row[name]) for name in names})
        cells = [int(round(result[n])) if n in ("fit_score", "engagement_score", "mql") else (result.get(n) or "") for n in extra]
        writer.writerow([row["lead_id"], int(round(result["score"])), result.get("reason_1") or ""] + cells)

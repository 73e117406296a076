"""Evaluate an mqlcal PMML scorecard with jpmml-evaluator (PyPI; Java 17) on a
feature table CSV (as `mqlcal features` writes it) and write lead_id,score,reason_1.
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
    writer.writerow(["lead_id", "score", "reason_1"])
    for row in reader:
        result = evaluator.evaluate({name: float(row[name]) for name in names})
        writer.writerow([row["lead_id"], int(round(result["score"])), result.get("reason_1") or ""])

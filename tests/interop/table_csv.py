"""Write a query's rows as CSV, whatever its columns: a header from the result's
column names; NULL as an empty cell; whole numbers (also DECIMAL ones) as
integers, other numbers as Python's shortest round-trip text; timestamps as
YYYY-MM-DD HH:MM:SS. Shared by run_table.py and run_spark.py."""
import csv
import datetime
import decimal


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return str(int(v)) if v == v.to_integral_value() else repr(float(v))
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([cell(v) for v in r])

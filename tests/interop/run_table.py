"""Run an mqlcal query on DuckDB or SQLite and write every column it returns as CSV
(table_csv.py). Loads the leads and events CSV files as all-text tables `leads`
and `events`. ENGINE bigquery or snowflake: the query is translated into DuckDB's
dialect by sqlglot and run there (run_sql.py says why).
Usage: run_table.py ENGINE QUERY.sql LEADS.csv EVENTS.csv OUT.csv
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_csv  # noqa: E402
from run_sql import run  # noqa: E402


def main():
    engine, query_path, leads, events, out = sys.argv[1:6]
    query = open(query_path, encoding="utf-8").read()
    cur = run(engine, query, leads, events)
    header = [d[0] for d in cur.description]
    table_csv.write(out, header, cur.fetchall())


if __name__ == "__main__":
    main()

"""Run an mqlcal query on DuckDB or SQLite and write every column it returns as CSV
(table_csv.py). Loads the leads and events CSV files as all-text tables `leads`
and `events`. Usage: run_table.py ENGINE QUERY.sql LEADS.csv EVENTS.csv OUT.csv
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_csv  # noqa: E402
from run_sql import load_sqlite  # noqa: E402


def main():
    engine, query_path, leads, events, out = sys.argv[1:6]
    query = open(query_path, encoding="utf-8").read()
    if engine == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:")
        load_sqlite(con, "leads", leads)
        load_sqlite(con, "events", events)
        cur = con.execute(query)
    elif engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("CREATE TABLE leads AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [leads])
        con.execute("CREATE TABLE events AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [events])
        cur = con.execute(query)
    else:
        sys.exit("unknown engine " + engine)
    header = [d[0] for d in cur.description]
    table_csv.write(out, header, cur.fetchall())


if __name__ == "__main__":
    main()

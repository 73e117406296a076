"""Run an mqlcal scoring query on DuckDB or SQLite (someone else's SQL engine).

Loads the leads and events CSV files as all-text tables `leads` and `events`
(with ENGINE duckdb_typed, as DuckDB types them: dates as DATE or TIMESTAMP),
runs the query, and writes lead_id,score,fit_score,engagement_score,mql,tier
(and grade,route for a two-axis model) as CSV. Usage: run_sql.py ENGINE QUERY.sql LEADS.csv EVENTS.csv OUT.csv
"""
import csv
import sys


def load_sqlite(con, name, path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        cols = ", ".join('"%s" TEXT' % h.replace('"', '""') for h in header)
        con.execute('CREATE TABLE "%s" (%s)' % (name, cols))
        marks = ", ".join("?" for _ in header)
        con.executemany('INSERT INTO "%s" VALUES (%s)' % (name, marks), rows)


def open_tables(engine, leads, events):
    """A connection to `engine` (sqlite or duckdb) holding `leads` and `events` as all-text tables."""
    if engine == "sqlite":
        import sqlite3

        con = sqlite3.connect(":memory:")
        load_sqlite(con, "leads", leads)
        load_sqlite(con, "events", events)
        return con
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("CREATE TABLE leads AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [leads])
        con.execute("CREATE TABLE events AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [events])
        return con
    if engine == "duckdb_typed":
        # As a loader that types the columns holds them: dates as DATE or TIMESTAMP, numbers as numbers.
        import duckdb

        con = duckdb.connect()
        con.execute("CREATE TABLE leads AS SELECT * FROM read_csv(?, header=true)", [leads])
        con.execute("CREATE TABLE events AS SELECT * FROM read_csv(?, header=true)", [events])
        return con
    sys.exit("unknown engine " + engine)


def main():
    engine, query_path, leads, events, out = sys.argv[1:6]
    query = open(query_path, encoding="utf-8").read()
    rows = open_tables(engine, leads, events).execute(query).fetchall()
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        # A two-axis model's query also returns grade and route.
        extra = ["grade", "route"] if rows and len(rows[0]) > 6 else []
        w.writerow(["lead_id", "score", "fit_score", "engagement_score", "mql", "tier"] + extra)
        for r in rows:
            w.writerow([r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5] or ""] + [x or "" for x in r[6:8]])


if __name__ == "__main__":
    main()

"""Run an mqlcal scoring query on DuckDB or SQLite (someone else's SQL engine).

Loads the leads and events CSV files as all-text tables `leads` and `events`
(with ENGINE duckdb_typed, as DuckDB types them: dates as DATE or TIMESTAMP),
runs the query, and writes lead_id,score,fit_score,engagement_score,mql,tier
(and grade,route for a two-axis model) as CSV. Usage: run_sql.py ENGINE QUERY.sql LEADS.csv EVENTS.csv OUT.csv

ENGINE bigquery or snowflake: BigQuery and Snowflake cannot run here, so the
query, written for that dialect, is translated by sqlglot (someone else's reading
of the dialect: its functions, casts, date formats and splits) into DuckDB's and
run there on the all-text tables. That checks the query's logic as sqlglot
understands the dialect, not the warehouse itself.
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


TRANSLATED = ("bigquery", "snowflake")

# BigQuery's UNIX_SECONDS(t): whole seconds since 1970-01-01 00:00:00 UTC, rounded down.
# sqlglot 30 translates it into a DuckDB expression that shifts an array offset inside it
# a second time (SPLIT(x)[SAFE_OFFSET(1)] becomes [3]), so it is handed to this macro as written.
UNIX_SECONDS = "CREATE MACRO mqlcal_unix_seconds(t) AS CAST(floor(epoch(t)) AS BIGINT)"


def translated(engine, query):
    """A BigQuery or Snowflake query as sqlglot translates it into DuckDB's dialect,
    raising on what it cannot read."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel

    trees = [t for t in sqlglot.parse(query, read=engine, error_level=ErrorLevel.RAISE) if t is not None]
    if len(trees) != 1:
        sys.exit("%s: %d statements, expected one query" % (engine, len(trees)))
    source = Dialect.get_or_raise(engine)

    def mend(node):
        if isinstance(node, exp.UnixSeconds):
            return exp.Anonymous(this="mqlcal_unix_seconds", expressions=[node.this])
        # Snowflake's TO_CHAR(timestamp, format), which sqlglot 30 cannot write for DuckDB:
        # the same as formatting the time, the format read by sqlglot's Snowflake mapping.
        if isinstance(node, exp.ToChar) and node.args.get("format") is not None:
            return exp.TimeToStr(this=node.this, format=source.format_time(node.args["format"]))
        return node

    tree = trees[0].transform(mend)
    # Without the header's comments: sqlglot writes them as /* */, and DuckDB 1.5 then
    # misreads the string literals after a block comment holding an apostrophe.
    return tree.sql(dialect="duckdb", unsupported_level=ErrorLevel.RAISE, comments=False)


def run(engine, query, leads, events):
    """A cursor over `query`'s rows on `engine`. A BigQuery or Snowflake query is
    translated and run on DuckDB with the warehouses' session time zone, UTC; a time
    zone's instants come back as UTC timestamps."""
    if engine not in TRANSLATED:
        return open_tables(engine, leads, events).execute(query)
    con = open_tables("duckdb", leads, events)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(UNIX_SECONDS)
    query = translated(engine, query)
    columns = con.sql(query)
    plain = ", ".join(
        ('CAST("%s" AS TIMESTAMP) AS "%s"' % (c, c)) if str(t) == "TIMESTAMP WITH TIME ZONE" else '"%s"' % c
        for c, t in zip((c.replace('"', '""') for c in columns.columns), columns.types)
    )
    return con.execute("SELECT %s FROM (%s)" % (plain, query))


def main():
    engine, query_path, leads, events, out = sys.argv[1:6]
    query = open(query_path, encoding="utf-8").read()
    rows = run(engine, query, leads, events).fetchall()
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        # A two-axis model's query also returns grade and route.
        extra = ["grade", "route"] if rows and len(rows[0]) > 6 else []
        w.writerow(["lead_id", "score", "fit_score", "engagement_score", "mql", "tier"] + extra)
        for r in rows:
            w.writerow([r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), r[5] or ""] + [x or "" for x in r[6:8]])


if __name__ == "__main__":
    main()

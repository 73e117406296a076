"""Parse SQL files with sqlglot (PyPI, installed by scripts/install-test-tools)
for a dialect, raising on any syntax error (ErrorLevel.RAISE): so a query that
BigQuery, Snowflake or Spark would reject for its syntax cannot ship unnoticed.
Prints one line per file, "ok FILE" or "error FILE: MESSAGE", and exits 0 when
every file parsed into exactly one statement.
Usage: parse_sql.py DIALECT FILE.sql [FILE.sql ...]
"""
import sys

import sqlglot
from sqlglot.errors import ErrorLevel


def main():
    dialect, paths = sys.argv[1], sys.argv[2:]
    failed = 0
    for path in paths:
        text = open(path, encoding="utf-8").read()
        try:
            statements = [s for s in sqlglot.parse(text, read=dialect, error_level=ErrorLevel.RAISE) if s is not None]
            if len(statements) != 1:
                raise ValueError("%d statements, expected one query" % len(statements))
            if statements[0].find(sqlglot.exp.Select) is None:
                raise ValueError("no SELECT parsed")
            print("ok %s" % path)
        except Exception as e:  # sqlglot's ParseError / TokenError, or the checks above
            failed += 1
            print("error %s: %s" % (path, str(e).replace("\n", " ")[:300]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""Run mqlcal queries on Spark SQL in local mode (PyPI's pyspark on Java 17,
installed by scripts/install-test-tools): one local SparkSession for all of
them, the leads and events CSV files loaded as all-text views `leads` and
`events`, each query's rows written as CSV (table_csv.py). The session's time
zone is America/New_York on purpose: the queries must not depend on it.
Usage: run_spark.py LEADS.csv EVENTS.csv QUERY.sql OUT.csv [QUERY.sql OUT.csv ...]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_csv  # noqa: E402


def main():
    leads, events = sys.argv[1:3]
    jobs = sys.argv[3:]
    if not jobs or len(jobs) % 2:
        sys.exit("usage: run_spark.py LEADS.csv EVENTS.csv QUERY.sql OUT.csv [QUERY.sql OUT.csv ...]")
    started = time.time()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mqlcal-interop")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "America/New_York")
        .config("spark.driver.memory", "1g")
        # A short run: the quick JIT tier and the serial collector start faster (about 60 s -> 45 s here).
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for name, path in (("leads", leads), ("events", events)):
            # RFC 4180 cells ("" inside quotes), every column a string.
            frame = spark.read.csv(path, header=True, inferSchema=False, quote='"', escape='"', encoding="UTF-8")
            # Read once, not once per query.
            frame.cache().count()
            frame.createOrReplaceTempView(name)
        print("spark: session and tables ready in %.1f s" % (time.time() - started), file=sys.stderr)
        for query_path, out in zip(jobs[0::2], jobs[1::2]):
            begun = time.time()
            query = open(query_path, encoding="utf-8").read().strip().rstrip(";")
            result = spark.sql(query)
            table_csv.write(out, result.columns, result.collect())
            print("spark: %s in %.1f s" % (query_path, time.time() - begun), file=sys.stderr)
    finally:
        spark.stop()
    print("spark: %d queries in %.1f s" % (len(jobs) // 2, time.time() - started), file=sys.stderr)


if __name__ == "__main__":
    main()

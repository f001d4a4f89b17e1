"""How long `gatehouse import-debtors` takes for an ERP export, and that a rerun changes nothing.

    python -m bench.import_debtors [--rows 10000] [--postgres]

Runs the real command twice on a fresh SQLite file (and, with --postgres, on a
throwaway PostgreSQL cluster) and prints the seconds and the summary of each run.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server.database import apply_migrations


def write_export(path: Path, rows: int) -> None:
    """An export like an ERP's: `;`-separated, comma decimals, one contact per row."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow([
            "debtor_number", "debtor_name", "debtor_email", "vat_number", "address",
            "price_list_tags", "minimum_order_amount", "checkout_payment_limit",
            "contact_first_name", "contact_last_name", "contact_email", "contact_language",
        ])
        for i in range(rows):
            writer.writerow([
                f"ERP{i:06d}", f"Kwekerij {i}", f"info{i}@kwekerij.test", f"NL{i:09d}B01",
                f"Teeltweg {i}\n1431 Aalsmeer", "wholesale|bulbs",
                "100,00" if i % 3 == 0 else "", "2500,00" if i % 3 == 0 else "",
                f"Jan{i}", "de Boer", f"jan{i}@kwekerij.test", ("nl", "en", "de")[i % 3],
            ])


def timed_import(csv_path: Path, database_url: str) -> tuple[float, str]:
    environment = {**os.environ, "GATEHOUSE_DATABASE_URL": database_url}
    gatehouse = Path(sys.executable).with_name("gatehouse")
    started = time.perf_counter()
    result = subprocess.run(
        [str(gatehouse), "import-debtors", str(csv_path)],
        env=environment, capture_output=True, text=True, check=True,
    )
    return time.perf_counter() - started, result.stdout.strip()


def bench(engine: str, database_url: str, csv_path: Path) -> None:
    asyncio.run(apply_migrations(database_url))
    for run in ("first run", "second run"):
        seconds, summary = timed_import(csv_path, database_url)
        print(f"  {engine:10} {run:10} {seconds:6.2f} s   {summary}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL cluster")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "debtors.csv"
        write_export(csv_path, args.rows)
        print(f"import-debtors, {args.rows} rows (one debtor and one contact person each):")
        bench("sqlite", f"sqlite://{Path(folder) / 'bench.sqlite3'}", csv_path)
        if args.postgres:
            from tests.pg_cluster import PostgresCluster, find_bindir

            bindir = find_bindir()
            if bindir is None:
                print("  postgres   skipped: no PostgreSQL binaries found")
                return
            cluster = PostgresCluster.start(bindir)
            try:
                bench("postgres", cluster.url, csv_path)
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()

"""The public form answered from memory, against the form computed each time, measured with wrk.

    python -m bench.public_answers [--seconds 10] [--rounds 3]

One `gatehouse serve` (limits off) on a seeded SQLite database; wrk (`apt-get install wrk`)
sends `registrationForm` at c=16 from one thread, in these forms, each in turn in each round:

    POST computed      a POST carrying a cookie that is not a session's: never answered from
                       memory, so Strawberry parses, validates and runs it every time
    POST from memory   the same POST, anonymous: answered from the per-instance cache
    GET APQ            `GET ?extensions={"persistedQuery":…}`, anonymous: the stored document,
                       answered from memory (with `Cache-Control: public` and an ETag)
    GET APQ 304        the same GET with the ETag in `If-None-Match`

Each line prints the median req/s of the rounds and the server process's CPU time per
request (what the server spends, whatever the load generator can send: wrk shares the
machine's cores with the server).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.api import FORM
from bench.seed import Size, seed_accounts
from server.database import apply_migrations, database
from tests.live_server import LiveServer

QUERY = FORM["query"]
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lua(method: str, body: str | None, headers: dict[str, str]) -> str:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    lines += [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def wrk(url: str, script: Path, seconds: int) -> tuple[float, int]:
    """req/s and requests of one wrk run at c=16."""
    output = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if rate is None or total is None or non_2xx is not None:
        raise RuntimeError(f"wrk did not measure what was meant:\n{output}")
    return float(rate.group(1)), int(total.group(1))


async def run(seconds: int, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-public-answers-"))
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    await apply_migrations(url)
    async with database(url, global_fallback=True):
        await seed_accounts(Size(debtors=200, requests=0))
    server = LiveServer(
        url, folder / "serve.log", environment={"GATEHOUSE_RATE_LIMITS": "off"}
    ).start()
    try:
        assert server.process is not None
        post = json.dumps({"query": QUERY})
        get_url = f"{server.graphql_url}?{urlencode({'extensions': json.dumps(APQ)})}"
        async with httpx.AsyncClient() as http:
            # The client's first steps: the hash alone misses, the document with its hash registers.
            await http.get(get_url)
            await http.post(server.graphql_url, json={"query": QUERY, "extensions": APQ})
            answer = await http.get(get_url)
            etag = answer.headers.get("etag", "")
            # Before persisted queries (or without an ETag) the GETs are not measured.
            served_get = answer.status_code == 200 and bool(etag)
        json_type = {"Content-Type": "application/json"}
        workloads = {
            "POST computed": (server.graphql_url, lua("POST", post, {**json_type, "Cookie": "theme=dark"})),
            "POST from memory": (server.graphql_url, lua("POST", post, json_type)),
        }
        if served_get:
            workloads["GET APQ"] = (get_url, lua("GET", None, {}))
            workloads["GET APQ 304"] = (get_url, lua("GET", None, {"If-None-Match": etag}))
        scripts = {}
        for name, (_, text) in workloads.items():
            scripts[name] = folder / f"{name.replace(' ', '_')}.lua"
            scripts[name].write_text(text)
        for name, (target, _) in workloads.items():  # warm each
            wrk(target, scripts[name], 2)
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in workloads}
        for number in range(rounds):
            print(f"round {number + 1} of {rounds} (load average {os.getloadavg()[0]:.2f})", flush=True)
            for name, (target, _) in workloads.items():
                before = cpu_seconds(server.process.pid)
                rate, total = wrk(target, scripts[name], seconds)
                measured[name].append((rate, (cpu_seconds(server.process.pid) - before) * 1000 / total))
    finally:
        server.stop()
    print(f"\nwrk c=16, {seconds} s a run, median of {rounds} rounds, interleaved:")
    for name, figures in measured.items():
        rates = [rate for rate, _ in figures]
        cpu = statistics.median(cpu for _, cpu in figures)
        print(f"  {name:17} {statistics.median(rates):7.0f} req/s (spread {min(rates):.0f}-{max(rates):.0f})"
              f"   server CPU {cpu:.3f} ms/request")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args(argv)
    asyncio.run(run(options.seconds, options.rounds))


if __name__ == "__main__":
    main()

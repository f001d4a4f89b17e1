"""Interleaved rounds: for one workload and concurrency, a warm-up of each side, then rounds
that alternate which side goes first; each with the load average before it and the server's
CPU time over it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.peers.processes import cpu_seconds, wait_idle
from bench.peers.workloads import UNIQUE, Side, Workload
from bench.peers.wrk import WrkResult, run_wrk


@dataclass(frozen=True)
class Plan:
    rounds: int
    seconds: float
    warm_up: float


@dataclass(frozen=True)
class Round:
    side: str
    workload: str
    concurrency: int
    number: int
    load: tuple[float, float, float]
    result: WrkResult
    cpu_seconds: float
    note: str = ""

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / self.result.requests if self.result.requests else float("nan")


def problems(answer: Any) -> list[str]:
    """What in a GraphQL answer is not a clean one: errors, error results, user errors."""
    found: list[str] = []
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "errors" or key == "errorCode" or (key == "userErrors" and value):
                found.append(f"{key}: {json.dumps(value)[:300]}")
            else:
                found.extend(problems(value))
    elif isinstance(answer, list):
        for item in answer:
            found.extend(problems(item))
    return found


def check(side: Side, workload: Workload) -> None:
    """One request of `workload`, which must answer data and nothing wrong."""
    call = side.call(workload.key)
    body = json.loads(json.dumps(call.body).replace(UNIQUE, f"check-{side.name.lower()}"))
    headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}
    answer = httpx.post(call.url, json=body, headers=headers, timeout=60)
    payload = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
    data = payload.get("data") if isinstance(payload, dict) else None
    wrong = problems(payload)
    if answer.status_code != 200 or not data or any(value is None for value in data.values()) or wrong:
        raise RuntimeError(f"{side.name} {workload.key}: HTTP {answer.status_code} {answer.text[:500]}")
    side.checked(workload.key)


class Rounds:
    def __init__(self, plan: Plan, folder: Path, show: Callable[[Round], None]) -> None:
        self.plan = plan
        self.folder = folder
        self.show = show
        self.log = folder / "wrk.log"
        self._runs = 0

    def _run(self, sides: Sequence[Side], side: Side, workload: Workload, concurrency: int,
             seconds: float, number: int) -> Round:
        for each in sides:
            wait_idle(each.pid)
        call = side.call(workload.key)
        body_file = self.folder / f"body-{side.name.lower()}-{workload.key}.json"
        body_file.write_text(json.dumps(call.body))
        self._runs += 1
        load = os.getloadavg()
        side.before_round(workload.key)
        cpu_before = cpu_seconds(side.pid)
        result = run_wrk(call.url, body_file, call.token, concurrency=concurrency, seconds=seconds,
                         tag=f"{side.name[0].lower()}{self._runs}", unique=workload.unique, log=self.log)
        cpu_at_end = cpu_seconds(side.pid)
        note = side.after_round(workload.key, result)
        used = cpu_seconds(side.pid) - cpu_before
        if note and result.requests:
            # What the round left behind (mail) is in the round's CPU; say how much it was.
            during, after = cpu_at_end - cpu_before, used - (cpu_at_end - cpu_before)
            note += (f"; server CPU {1000 * during / result.requests:.2f} ms/req during the round, "
                     f"{1000 * after / result.requests:.2f} after it")
        return Round(side.name, workload.key, concurrency, number, load, result, used, note)

    def measure(self, sides: Sequence[Side], workload: Workload, concurrency: int) -> list[Round]:
        for side in sides:
            self._run(sides, side, workload, concurrency, self.plan.warm_up, 0)
        measured = []
        for number in range(1, self.plan.rounds + 1):
            # Each side goes first in turn, so neither always follows the other's aftermath.
            order = sides if number % 2 else list(reversed(sides))
            for side in order:
                measured.append(self._run(sides, side, workload, concurrency, self.plan.seconds, number))
                self.show(measured[-1])
        return measured

"""What the rounds come to: a line per round, a table of medians and ratios, the targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from bench.peers.rounds import Round
from bench.peers.workloads import BY_KEY

GATEHOUSE, VENDURE = "Gatehouse", "Vendure"


def round_line(measured: Round) -> str:
    result = measured.result
    load = " ".join(f"{figure:.2f}" for figure in measured.load)
    line = (
        f"  {measured.workload:12} c={measured.concurrency:<2} round {measured.number}  {measured.side:9} "
        f"{result.per_second:8.1f} req/s  p50 {result.p50_ms:7.1f}  p90 {result.p90_ms:7.1f}  "
        f"p99 {result.p99_ms:7.1f} ms  CPU {measured.cpu_ms_per_request:6.2f} ms/req  "
        f"({result.requests} in {result.seconds:.1f} s, load {load})"
    )
    for extra in (result.error_note(), measured.note):
        if extra:
            line += f"\n      {extra}"
    return line


@dataclass(frozen=True)
class Summary:
    """One side's rounds of one workload and concurrency."""

    rounds: Sequence[Round]

    @property
    def per_second(self) -> float:
        return median(r.result.per_second for r in self.rounds)

    @property
    def spread(self) -> str:
        rates = [r.result.per_second for r in self.rounds]
        return f"{min(rates):.0f}-{max(rates):.0f}"

    @property
    def p99(self) -> float:
        return median(r.result.p99_ms for r in self.rounds)

    @property
    def cpu_ms(self) -> float:
        return median(r.cpu_ms_per_request for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.result.errors for r in self.rounds)

    @property
    def rounds_with_errors(self) -> int:
        return sum(1 for r in self.rounds if r.result.errors)


def summaries(rounds: Sequence[Round]) -> dict[tuple[str, int], dict[str, Summary]]:
    grouped: dict[tuple[str, int], dict[str, list[Round]]] = {}
    for measured in rounds:
        grouped.setdefault((measured.workload, measured.concurrency), {}).setdefault(
            measured.side, []
        ).append(measured)
    return {key: {side: Summary(tuple(found)) for side, found in sides.items()}
            for key, sides in grouped.items()}


def table(rounds: Sequence[Round]) -> str:
    header = (
        "| workload | c | Gatehouse req/s (spread) | Vendure req/s (spread) | req/s G÷V | p99 Gatehouse | "
        "p99 Vendure | p99 G÷V | CPU/req Gatehouse | CPU/req Vendure | errors G / V |"
    )
    lines = [header, "| " + " | ".join("---" for _ in range(header.count("|") - 1)) + " |"]
    for (workload, concurrency), sides in summaries(rounds).items():
        gatehouse, vendure = sides[GATEHOUSE], sides[VENDURE]
        lines.append(
            f"| {BY_KEY[workload].label} | {concurrency} "
            f"| {gatehouse.per_second:.0f} ({gatehouse.spread}) "
            f"| {vendure.per_second:.0f} ({vendure.spread}) "
            f"| {gatehouse.per_second / vendure.per_second:.2f}x "
            f"| {gatehouse.p99:.1f} ms | {vendure.p99:.1f} ms | {gatehouse.p99 / vendure.p99:.2f}x "
            f"| {gatehouse.cpu_ms:.2f} ms | {vendure.cpu_ms:.2f} ms | {gatehouse.errors} / {vendure.errors} |"
        )
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def targets(rounds: Sequence[Round], resident_kib: dict[str, int]) -> list[str]:
    found = summaries(rounds)
    lines = []

    def ratio_target(workload: str, concurrency: int, at_least: float, label: str) -> None:
        sides = found.get((workload, concurrency))
        if sides is None:
            return
        ratio = sides[GATEHOUSE].per_second / sides[VENDURE].per_second
        lines.append(f"  {label + ':':58} {ratio:5.2f}x  {_verdict(ratio >= at_least)}{_errors(sides)}")

    ratio_target("public", 16, 1.0, "public read c=16, req/s at least 1.0x Vendure's")
    public = found.get(("public", 16))
    if public is not None:
        gatehouse, vendure = public[GATEHOUSE].p99, public[VENDURE].p99
        label = "public read c=16, p99 at most Vendure's:"
        lines.append(f"  {label:58} {gatehouse:.1f} / {vendure:.1f} ms  "
                     f"{_verdict(gatehouse <= vendure)}{_errors(public)}")
    ratio_target("customer", 16, 0.8, "customer read c=16, req/s at least 0.8x")
    ratio_target("staff", 16, 1.2, "staff list c=16, req/s at least 1.2x")
    ratio_target("staff", 1, 1.2, "staff list c=1, req/s at least 1.2x")
    ratio_target("registration", 16, 1.0, "registration c=16, req/s at least 1.0x")
    if resident_kib:
        gatehouse_kib, vendure_kib = resident_kib[GATEHOUSE], resident_kib[VENDURE]
        label = "resident memory at most half of Vendure's:"
        lines.append(f"  {label:58} "
                     f"{gatehouse_kib / 1024:.0f} / {vendure_kib / 1024:.0f} MiB = "
                     f"{gatehouse_kib / vendure_kib:.2f}x  {_verdict(gatehouse_kib * 2 <= vendure_kib)}")
    login = found.get(("login", 16))
    if login is not None:
        ratio = login[GATEHOUSE].per_second / login[VENDURE].per_second
        label = "login c=16 (no target), req/s Gatehouse÷Vendure:"
        lines.append(f"  {label:58} {ratio:5.2f}x{_errors(login)}")
    return lines


def _errors(sides: dict[str, Summary]) -> str:
    counted = [f"{side} {summary.rounds_with_errors} of {len(summary.rounds)} rounds"
               for side, summary in sides.items() if summary.rounds_with_errors]
    return f"  (rounds with errors: {', '.join(counted)})" if counted else ""

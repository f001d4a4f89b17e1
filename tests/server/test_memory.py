"""After a burst of argon2id hashes the served process gives their memory back.

Each case runs in a fresh interpreter (what glibc keeps is per process): the hashes run on
the server's own hashing threads (auth/passwords.py), at the cost `serve` uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from auth.passwords import hashing_workers

BURST = textwrap.dedent(
    """
    import asyncio, json, sys
    from server.memory import large_blocks_returned
    from auth.passwords import PasswordHasher

    def resident_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1])

    returned = large_blocks_returned() if sys.argv[1] == "returned" else None

    async def burst():
        hasher = PasswordHasher(time_cost=2, memory_cost_kib=19 * 1024, parallelism=1)
        before = resident_kib()
        for _ in range(4):
            await asyncio.gather(*(hasher.hash("Tulips-in-spring") for _ in range(12)))
        return before, resident_kib()

    before, after = asyncio.run(burst())
    print(json.dumps({"returned": returned, "grown_kib": after - before}))
    """
)


def burst_in_fresh_process(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", BURST, mode], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


def test_hashes_leave_no_memory_behind_once_large_blocks_are_returned():
    outcome = burst_in_fresh_process("returned")

    assert outcome["returned"] is True
    assert outcome["grown_kib"] < 8 * 1024


def test_without_it_each_hashing_thread_keeps_a_hash_worth_of_memory():
    # What the setting is for: glibc's default keeps a 19 MiB block per hashing thread.
    outcome = burst_in_fresh_process("default")

    assert outcome["grown_kib"] >= hashing_workers() * 15 * 1024

"""One server of bench/http_stack.py: uvicorn as `gatehouse serve` runs it, but for the stack.

    python -m bench.http_stack_server PORT LOOP HTTP frozen|plain

It imports nothing of the bench, so its process holds what a served one holds.
"""

from __future__ import annotations

import sys

import uvicorn

from server.settings import Settings
from server.uvicorn_options import HttpStack, uvicorn_options


def main(port: int, loop: str, http: str, freezing: str) -> None:
    options = uvicorn_options(
        Settings.from_environ(), HttpStack(loop=loop, http=http), host="127.0.0.1", port=port, workers=1
    )
    if freezing != "frozen":
        options["app"] = "server.app:create_app"  # the factory `serve` named before gc.freeze()
    uvicorn.run(**options)


if __name__ == "__main__":
    port, loop, http, freezing = sys.argv[1:5]
    main(int(port), loop, http, freezing)

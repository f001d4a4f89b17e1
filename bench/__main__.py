"""`python -m bench` (`make bench`): every benchmark in turn, each printing its figures."""

from __future__ import annotations

import sys

from bench import api, import_debtors, query_cost, reset_timing, webhooks


def main() -> None:
    quick = ["--quick"] if "--quick" in sys.argv[1:] else []
    api.main(quick)
    print()
    import_debtors.main([])
    print()
    reset_timing.main(quick)
    print()
    query_cost.main(quick)
    print()
    webhooks.main(quick)


if __name__ == "__main__":
    main()

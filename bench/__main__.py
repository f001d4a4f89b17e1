"""`python -m bench` (`make bench`): every benchmark in turn, each printing its figures."""

from __future__ import annotations

import sys

from bench import api, import_debtors, merge_debtors, query_cost, read_costs, reset_timing, webhooks


def main() -> None:
    quick = ["--quick"] if "--quick" in sys.argv[1:] else []
    api.main(quick)
    print()
    import_debtors.main([])
    print()
    merge_debtors.main(quick)
    print()
    reset_timing.main(quick)
    print()
    query_cost.main(quick)
    print()
    read_costs.main(quick)
    print()
    webhooks.main(quick)


if __name__ == "__main__":
    main()

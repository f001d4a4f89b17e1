"""`python -m bench`: every benchmark in turn, each printing its figures."""

from __future__ import annotations

from bench import import_debtors


def main() -> None:
    import_debtors.main([])


if __name__ == "__main__":
    main()

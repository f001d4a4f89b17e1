"""Gatehouse side by side with a peer, Vendure 3.7, under the same load (`make bench-peers`).

`python -m bench.peers [--quick] [--only WORKLOAD]`: installs wrk and Vendure on the first run,
seeds both to equal volumes (cached in the git-ignored `.work/` folder until a seed script
changes), serves each as one process, and hammers six workloads of the same meaning on both
sides with wrk, in interleaved rounds; prints each round, a table of medians and ratios, and
the targets. docs/benchmarks.md tells how to read it.
"""

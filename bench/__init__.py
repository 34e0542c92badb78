"""Speed benchmarks: `make bench` runs every bench_*.py module's run() and records the figures."""

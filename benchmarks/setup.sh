#!/usr/bin/env bash
# Set-up for the side-by-side benchmarks only (never for tests): Debian's Optuna, scikit-learn and
# PyTorch (and psycopg2 for Optuna's RDBStorage on PostgreSQL in storage-load), which the benchmarks call through /usr/bin/python3 when it can import them.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3-optuna python3-psycopg2 python3-sklearn python3-torch

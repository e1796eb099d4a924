#!/usr/bin/env bash
# Quick start: install if needed, build the demo world and serve the workbench.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/ctip demo "$@"

#!/usr/bin/env bash
# Everything CI checks, in order, stopping at the first failure:
# lint, format, types, then the test suite (extra arguments go to pytest).
# Browser tests use Debian's /usr/bin/chromium; never `playwright install`.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        printf 'test: installing chromium with apt-get\n' >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        printf 'test: WARNING /usr/bin/chromium missing and not root;' >&2
        printf ' browser tests will fail (sudo apt-get install chromium)\n' >&2
    fi
}

ensure_fonts() {
    # Names come in every script: without a CJK font Chinese names (UFLPA entities, the
    # demo lists) are drawn as boxes. fonts-noto-core brings Noto Naskh Arabic when no
    # Arabic face is installed.
    local missing=()
    [ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
    [ -n "$(fc-list :lang=ar family 2>/dev/null)" ] || missing+=(fonts-noto-core)
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        printf 'test: installing %s with apt-get\n' "${missing[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        printf 'test: WARNING %s missing and not root; the script test will fail' "${missing[*]}" >&2
        printf ' (sudo apt-get install %s)\n' "${missing[*]}" >&2
    fi
}

ensure_java() {
    # pyspark (the Spark engine tests, local mode) needs a Java runtime.
    if command -v java >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        printf 'test: installing a Java runtime with apt-get (for pyspark)\n' >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
    else
        printf 'test: WARNING java missing and not root; Spark tests will fail' >&2
        printf ' (sudo apt-get install default-jre-headless)\n' >&2
    fi
}

run() {
    printf '\n==> %s\n' "$*" >&2
    "$@"
}

ensure_chromium
ensure_fonts
ensure_java
run .venv/bin/ruff check ctip tests benchmarks
run .venv/bin/ruff format --check ctip tests benchmarks
run .venv/bin/mypy
run .venv/bin/lint-imports
run .venv/bin/python -m pytest "$@"

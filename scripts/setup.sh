#!/usr/bin/env bash
# Create .venv and install ctip with its test extras.
# Safe to run again and again: the install is skipped while .venv/.ctip-installed is newer
# than pyproject.toml. Works as root or not; as root it may apt-get what Debian leaves out.
# demo.sh and test.sh source this file, so it must not exit on success.
set -euo pipefail

CTIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CTIP_ROOT"

ctip_log() { printf 'setup: %s\n' "$*" >&2; }

ctip_is_root() { [ "$(id -u)" -eq 0 ]; }

ctip_apt_install() {
    # Debian splits venv/ensurepip out of python3; only root may add it back.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ctip_pick_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

ctip_ensure_python() {
    if ! CTIP_PYTHON="$(ctip_pick_python)"; then
        if ctip_is_root && command -v apt-get >/dev/null 2>&1; then
            ctip_log "installing python3 with apt-get"
            ctip_apt_install python3 python3-venv
        fi
        CTIP_PYTHON="$(ctip_pick_python)" || { ctip_log "need Python >= 3.11"; exit 1; }
    fi
}

ctip_ensure_venv_module() {
    if "$CTIP_PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        return 0
    fi
    if ! ctip_is_root; then
        ctip_log "$CTIP_PYTHON lacks the venv module; run: sudo apt-get install python3-venv"
        exit 1
    fi
    local version
    version="$("$CTIP_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    ctip_log "installing python${version}-venv with apt-get"
    ctip_apt_install python3-venv "python${version}-venv"
}

ctip_ensure_venv() {
    # A venv made without ensurepip has no pip; treat it as missing and rebuild it.
    if [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    ctip_ensure_python
    ctip_ensure_venv_module
    ctip_log "creating .venv with $CTIP_PYTHON"
    rm -rf .venv
    "$CTIP_PYTHON" -m venv .venv
}

ctip_install() {
    local stamp=.venv/.ctip-installed
    if [ -e "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
        return 0
    fi
    ctip_log "installing ctip[test] into .venv (first run takes a few minutes)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    touch "$stamp"
}

ctip_ensure_venv
ctip_install

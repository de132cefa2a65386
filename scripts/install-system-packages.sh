#!/usr/bin/env bash
# System packages the tests and the spoken console need, installed only when missing.
# Safe to run again: what is already there (from any source) is left alone.
set -euo pipefail

# Debian package, and the command that shows it is there.
PACKAGES=(
    "espeak-ng:espeak-ng" # speaks `trust-coach chat --voice`; tests render its SSML to WAV
    "sox:sox"             # measures the rendered breathing rounds (tests/test_exercise_audio.py)
)

missing=()
for entry in "${PACKAGES[@]}"; do
    command -v "${entry#*:}" >/dev/null 2>&1 || missing+=("${entry%%:*}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install: ${missing[*]} (on macOS: brew install ${missing[*]})." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "Run as root, or install sudo, to add: ${missing[*]}" >&2
        exit 1
    fi
    sudo="sudo"
fi
echo "Installing ${missing[*]} ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

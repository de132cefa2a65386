#!/usr/bin/env bash
# System packages the tests and the spoken console need, installed only when missing.
# Safe to run again: what is already there (from any source) is left alone, and then nothing
# is printed and no root is needed. Installing uses apt-get, as root or through sudo (sudo
# only when not root); when neither can install, it says exactly what to run, and fails.
set -euo pipefail

# Debian package, and the command that shows it is there.
PACKAGES=(
    "espeak-ng:espeak-ng" # speaks `trust-coach chat --voice`; tests render its SSML to WAV
    "sox:sox"             # measures the rendered breathing rounds (tests/test_exercise_audio.py)
    "nodejs:node"         # runs Amazon's APL validator, apl-suggester (tests/apl/)
    "npm:npm"             # installs it (make apl-checks)
)

missing=()
for entry in "${PACKAGES[@]}"; do
    command -v "${entry#*:}" >/dev/null 2>&1 || missing+=("${entry%%:*}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

apt_command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
cannot_install() {
    echo "Trust Coach's tests need system packages that are missing: ${missing[*]}." >&2
    echo "They cannot be installed from here: $1." >&2
    if command -v apt-get >/dev/null 2>&1; then
        echo "Install them with:  sudo sh -c '$apt_command'" >&2
    else
        echo "Install them with your package manager, e.g.:  brew install ${missing[*]}" >&2
    fi
    echo "Then run make test again." >&2
    exit 1
}

command -v apt-get >/dev/null 2>&1 || cannot_install "this system has no apt-get"
run=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || cannot_install "this is not root and there is no sudo"
    # sudo may ask for a password at a terminal; without one it must not need to.
    if [ -t 0 ] || sudo -n true 2>/dev/null; then
        run=(sudo)
    else
        cannot_install "sudo needs a password and there is no terminal to ask for it"
    fi
fi
echo "Installing ${missing[*]} ..."
${run[@]+"${run[@]}"} apt-get update -qq || cannot_install "apt-get update failed"
${run[@]+"${run[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    cannot_install "apt-get install failed"

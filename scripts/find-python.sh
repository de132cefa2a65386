#!/usr/bin/env bash
# Prints the path of a Python interpreter for Trust Coach, or says what is missing and fails.
#
#   scripts/find-python.sh        3.12 or later for .venv: $PYTHON when set, else python3 when
#                                 it is 3.12+, else python3.13, else python3.12
#   scripts/find-python.sh 3.13   exactly 3.13, the Lambda runtime's version (for `sam build`,
#                                 which needs it on the PATH, and the artefact's bytecode):
#                                 $RUNTIME_PYTHON when set, else python3.13
#
# An interpreter that pyenv has installed but not activated (its shim refuses to run) is found
# too, in pyenv's own folder.
set -euo pipefail

want="${1:-}"
if [ -n "$want" ]; then
    names=("${RUNTIME_PYTHON:-python$want}")
    check="sys.version_info[:2] == tuple(map(int, '$want'.split('.')))"
elif [ -n "${PYTHON:-}" ]; then
    names=("$PYTHON")
    check="sys.version_info >= (3, 12)"
else
    names=(python3 python3.13 python3.12)
    check="sys.version_info >= (3, 12)"
fi

# The interpreter's own path (not a shim's) when it runs and passes the check.
probe() {
    "$1" -c "import sys; sys.exit(0 if $check else 1)" >/dev/null 2>&1 &&
        "$1" -c "import sys; print(sys.executable)"
}

for name in "${names[@]}"; do
    if command -v "$name" >/dev/null 2>&1 && probe "$name"; then
        exit 0
    fi
done
if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    for name in "${names[@]}"; do
        for version in $(pyenv whence "$name" 2>/dev/null | sort -rV); do
            candidate="$root/versions/$version/bin/$name"
            if [ -x "$candidate" ] && probe "$candidate"; then
                exit 0
            fi
        done
    done
fi

found=""
for name in python3 python3.13 python3.12; do
    version="$("$name" -c 'import platform; print(platform.python_version())' 2>/dev/null)" &&
        found="$found $name is $version;"
done
if [ -n "$want" ]; then
    echo "Trust Coach: python$want was not found; it is the Lambda runtime's version, which" \
        "\`sam build\` needs on the PATH and the artefact's bytecode is compiled with." >&2
else
    echo "Trust Coach needs Python 3.12 or later, and none was found${PYTHON:+ (PYTHON=$PYTHON)}." >&2
fi
[ -n "$found" ] && echo "Found:$found" >&2
cat >&2 <<EOF
Install Python ${want:-3.13 or 3.12}, for example with one of:
  sudo apt-get install python3.13   (Debian 13, Ubuntu 25.04; Ubuntu 24.04 has python3.12)
  brew install python@3.13          (macOS)
  uv python install 3.13            (or: pyenv install 3.13)
then run make again, or name an interpreter: make ${want:+RUNTIME_}PYTHON=/path/to/python${want:-3.13} ...
EOF
exit 1

# Shared by bin/demo and bin/test: find a Python >= 3.12 and prepare .venv with Masthead in it.
# shellcheck shell=bash

find_python() {
  local candidate version
  local candidates=(python3.13 python3.12 python3)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for v in "$root"/versions/3.13* "$root"/versions/3.12*; do
      [ -x "$v/bin/python3" ] && candidates+=("$v/bin/python3")
    done
  fi
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ]; then
      version=$("$candidate" -c 'import sys; print("%d%02d" % sys.version_info[:2])' 2>/dev/null) || continue
      if [ "${version:-0}" -ge 312 ]; then
        echo "$candidate"
        return 0
      fi
    fi
  done
  echo "masthead: Python 3.12 or newer is needed and none was found." >&2
  echo "  Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') and try again." >&2
  return 1
}

# Create .venv (once) and install Masthead with the given extras into it.
prepare_venv() {
  local extras="$1" python stamp
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python) || exit 1
    echo "masthead: creating .venv with $("$python" --version)"
    "$python" -m venv .venv || exit 1
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  stamp=".venv/.installed-$extras-$(cat pyproject.toml | cksum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ]; then
    echo "masthead: installing dependencies into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}" || exit 1
    touch "$stamp"
  fi
}

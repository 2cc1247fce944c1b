#!/usr/bin/env bash
# `make lint`: ruff (format check and lint) and pylint-odoo's mandatory checks over addons/.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
cd "$ROOT"
status=0
say "ruff format --check"
"$VENV/bin/ruff" format --check addons tests bench scripts || status=1
say "ruff check"
"$VENV/bin/ruff" check addons tests bench scripts || status=1
say "pylint-odoo (mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc addons/* || status=1
if [[ $status -ne 0 ]]; then
    die "Lint failed (see above). 'ruff format addons tests bench scripts' and \
'ruff check --fix' repair most of it."
fi
say "Lint passed"

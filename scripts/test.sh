#!/usr/bin/env bash
# `make test`: set up what is missing, install our addons with their tests on a fresh database,
# run the tests/ suite, and close with one line "N passed, N failed".
source "$(dirname "$0")/common.sh"

# TEST_ADDONS narrows a run to some of our addons (with what they depend on) while developing;
# CI and the plain command test all three.
OUR_ADDONS="${TEST_ADDONS:-$OUR_ADDONS}"
setup_all
ensure_browser
ensure_wkhtmltopdf
fast_commits
TEST_DB="${DB_NAME}_test"
REPORT_DIR="$SUITE_STATE/log"
mkdir -p "$REPORT_DIR"
say "Fresh test database '$TEST_DB'"
drop_db "$TEST_DB"
port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# TEST_TAGS narrows the Odoo tests further (Odoo's --test-tags syntax, e.g. /marketing_ops:TestX).
tags="${TEST_TAGS:-/${OUR_ADDONS//,/,/}}"
# TEST_WITHOUT_DEMO=1 installs no demo data (`make screenshots`: its tests build their own).
demo=()
if [[ "${TEST_WITHOUT_DEMO:-}" == 1 ]]; then
    demo=(--without-demo=all)
fi

say "Installing $OUR_ADDONS with tests (full log: $REPORT_DIR/test-$TEST_DB.log)"
set +e
"${ODOO[@]}" -d "$TEST_DB" -i "$OUR_ADDONS" "${demo[@]}" --test-tags "$tags" --stop-after-init \
    --http-port "$port" --http-interface 127.0.0.1 --log-level info --max-cron-threads 0 2>&1 |
    "$VENV/bin/python" "$ROOT/scripts/odoo_log_check.py" \
        --log "$REPORT_DIR/test-$TEST_DB.log" --summary "$REPORT_DIR/test-$TEST_DB.json"
odoo_rc=${PIPESTATUS[0]}

# TEST_PYTEST selects the tests/ suite's tests (pytest -k), or skips it with TEST_PYTEST=0.
pytest_filter=()
if [[ "${TEST_PYTEST:-}" == 0 ]]; then
    pytest_filter=(-k "not _")
elif [[ -n "${TEST_PYTEST:-}" ]]; then
    pytest_filter=(-k "$TEST_PYTEST")
fi
say "Running the tests/ suite"
ODOO_SRC="$ODOO_SRC" SUITE_VENV="$VENV" TEST_DB="$TEST_DB" "$VENV/bin/python" -m pytest -q \
    -p no:cacheprovider "${pytest_filter[@]}" \
    --junitxml "$REPORT_DIR/test-pytest-$TEST_DB.xml" "$ROOT/tests"
set -e

"$VENV/bin/python" "$ROOT/scripts/test_summary.py" \
    "$REPORT_DIR/test-$TEST_DB.json" "$odoo_rc" "$REPORT_DIR/test-pytest-$TEST_DB.xml"

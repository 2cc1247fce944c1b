#!/usr/bin/env bash
# `make test-host`: Odoo's own tests of the host modules we extend, with and without our addons,
# each on a database whose registry is complete; fails on any test that fails only with ours.
source "$(dirname "$0")/common.sh"

HOST_MODULES="${HOST_MODULES:-test_mass_mailing,mass_mailing,mass_mailing_sms,sms,utm,link_tracker,crm,survey,calendar,test_mail_sms}"
setup_all
ensure_browser
fast_commits
REPORT_DIR="$SUITE_STATE/log"
mkdir -p "$REPORT_DIR"
for variant in reference ours; do
    db="${DB_NAME}_host_$variant"
    modules="$HOST_MODULES"
    [[ $variant == ours ]] && modules="$HOST_MODULES,$OUR_ADDONS"
    log="$REPORT_DIR/test-host-$variant.log"
    say "Database '$db' with $modules (no demo data, no tests)"
    drop_db "$db"
    "${ODOO[@]}" -d "$db" -i "$modules" --without-demo=all --stop-after-init --no-http \
        --log-level warn --logfile "$log" || die "Installing the modules failed; $log says why."
    port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    say "Running the host's tests on '$db' (log: $log)"
    (cd "$ODOO_SRC" && PYTHONPATH="$ODOO_SRC" "$VENV/bin/python" "$ROOT/scripts/host_tests.py" "$db" \
        "$REPORT_DIR/test-host-$variant.json" "$HOST_MODULES" -- "${ODOO[@]:2}" \
        --http-port "$port" --http-interface 127.0.0.1 --log-level info --logfile "$log") ||
        die "The host's tests could not run on '$db'; $log says why."
    [[ $variant == ours ]] || drop_db "$db"
done
# a test that fails only with our addons runs once more on the same database: the host has a few
# tests that depend on timing (tours, timeouts) on a busy machine; one that fails again fails the run
reference="$REPORT_DIR/test-host-reference.json" ours="$REPORT_DIR/test-host-ours.json"
failing="$REPORT_DIR/test-host-failing.json" retry="$REPORT_DIR/test-host-retry.json"
rm -f "$failing" "$retry"
status=0
"$VENV/bin/python" "$ROOT/scripts/host_compare.py" "$reference" "$ours" --failing "$failing" >/dev/null ||
    status=$?
if [[ $status != 0 && -s "$failing" && "$(cat "$failing")" != "[]" ]]; then
    say "Running again the tests that failed only with our addons (log: $log)"
    (cd "$ODOO_SRC" && PYTHONPATH="$ODOO_SRC" "$VENV/bin/python" "$ROOT/scripts/host_tests.py" "$db" \
        "$retry" "$HOST_MODULES" "$failing" -- "${ODOO[@]:2}" \
        --http-port "$port" --http-interface 127.0.0.1 --log-level info --logfile "$log") ||
        die "The host's tests could not run again on '$db'; $log says why."
fi
drop_db "$db"
if [[ -s "$retry" ]]; then
    "$VENV/bin/python" "$ROOT/scripts/host_compare.py" "$reference" "$ours" --retry "$retry"
else
    "$VENV/bin/python" "$ROOT/scripts/host_compare.py" "$reference" "$ours"
fi

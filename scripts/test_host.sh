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
    drop_db "$db"
done
"$VENV/bin/python" "$ROOT/scripts/host_compare.py" \
    "$REPORT_DIR/test-host-reference.json" "$REPORT_DIR/test-host-ours.json"

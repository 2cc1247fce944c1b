#!/usr/bin/env bash
# `make run`: set up what is missing, then serve the suite on http://localhost:$HTTP_PORT.
source "$(dirname "$0")/common.sh"

setup_all
check_port_free "$HTTP_PORT"

if ! db_exists "$DB_NAME"; then
    # Built under a temporary name and renamed when complete, so that an interrupted
    # installation never leaves a half-made database behind.
    say "Creating the database '$DB_NAME' with our three addons and demo data (about two minutes)"
    tmp_db="${DB_NAME}_installing"
    drop_db "$tmp_db"
    log="$SUITE_STATE/log/install-$DB_NAME.log"
    if ! "${ODOO[@]}" -d "$tmp_db" -i "$OUR_ADDONS" --stop-after-init --no-http \
        --logfile "$log"; then
        drop_db "$tmp_db"
        die "Installing the addons failed; the log $log says why. The unfinished database was \
dropped: run 'make run' again after fixing the cause."
    fi
    psql_admin -qc "ALTER DATABASE \"$tmp_db\" RENAME TO \"$DB_NAME\"" >/dev/null
    if [[ -d "$SUITE_STATE/data/filestore/$tmp_db" ]]; then
        mv "$SUITE_STATE/data/filestore/$tmp_db" "$SUITE_STATE/data/filestore/$DB_NAME"
    fi
fi

say "Serving http://localhost:$HTTP_PORT (login admin / admin); Ctrl+C stops Odoo, 'make stop' stops PostgreSQL"
exec "${ODOO[@]}" -d "$DB_NAME" --db-filter "^$DB_NAME\$" --http-port "$HTTP_PORT" \
    --http-interface 127.0.0.1 "$@"

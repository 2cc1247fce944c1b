# shellcheck shell=bash
# Shared setup steps of `make run`, `make test`, `make lint` and `make stop`.
# Sourced, not executed. Every step is idempotent: a second run reuses what exists,
# and a step that fails removes what it had half-created.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE_CACHE="${SUITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/odoo-marketing-suite}"
SUITE_STATE="${SUITE_STATE:-$ROOT/.local}"
ODOO_BRANCH="18.0"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
HTTP_PORT="${HTTP_PORT:-8069}"
DB_NAME="${DB_NAME:-marketing_suite}"
DB_USER="${DB_USER:-odoo}"
PG_OS_USER="${PG_OS_USER:-odoosuite}"
OUR_ADDONS="marketing_ops,marketing_automation_ext,crm_payments"

say() { printf '==> %s\n' "$*"; }

# die TEXT: print one readable paragraph and stop.
die() {
    printf '\nERROR: %s\n\n' "$*" | fold -s -w 100 >&2
    exit 1
}

# ---- Odoo source --------------------------------------------------------------------------------

is_odoo_18() {
    local src="$1"
    [[ -f "$src/odoo-bin" && -f "$src/odoo/release.py" && -d "$src/addons" ]] || return 1
    grep -Eq "^version_info = \(18, 0," "$src/odoo/release.py"
}

find_odoo() {
    if [[ -n "${ODOO_SRC:-}" ]]; then
        is_odoo_18 "$ODOO_SRC" || die "ODOO_SRC is set to '$ODOO_SRC', which is not an Odoo 18.0 \
source tree (expected odoo-bin, odoo/release.py with version 18.0 and addons/). Point ODOO_SRC at \
the root of an Odoo 18.0 checkout, or unset it to use the cache ($SUITE_CACHE/odoo-18.0)."
        ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
        return
    fi
    local cached="$SUITE_CACHE/odoo-$ODOO_BRANCH"
    if is_odoo_18 "$cached"; then
        ODOO_SRC="$cached"
        return
    fi
    say "No Odoo source given: cloning the $ODOO_BRANCH branch into $cached"
    mkdir -p "$SUITE_CACHE"
    rm -rf "$cached.part"
    if command -v git >/dev/null &&
        GIT_TERMINAL_PROMPT=0 git clone --quiet --depth 1 --branch "$ODOO_BRANCH" \
            "$ODOO_GIT_URL" "$cached.part" && is_odoo_18 "$cached.part"; then
        rm -rf "$cached"
        mv "$cached.part" "$cached"
        ODOO_SRC="$cached"
        return
    fi
    rm -rf "$cached.part"
    die "The Odoo 18.0 source could not be found or downloaded. Either set ODOO_SRC to an Odoo \
18.0 source tree (for example: ODOO_SRC=/opt/odoo make run), or place one at $cached, or give this \
machine git and access to $ODOO_GIT_URL so that the setup can clone the $ODOO_BRANCH branch itself. \
Nothing was left behind: run the same command again once the source is available."
}

# ---- Python virtualenv --------------------------------------------------------------------------

ensure_venv() {
    local py="${PYTHON:-python3}"
    command -v "$py" >/dev/null || die "Python 3 ($py) was not found. Install Python 3.10 to 3.12 \
with its venv module, or set PYTHON to its path."
    local key
    key="$( (
        "$py" --version
        cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt"
    ) | sha1sum | cut -c1-12)"
    VENV="$SUITE_CACHE/venv-$key"
    if [[ -f "$VENV/.complete" ]]; then
        return
    fi
    # two commands started at once (make run and make test, two clones) build it once
    mkdir -p "$SUITE_CACHE"
    exec {venv_lock}>"$SUITE_CACHE/venv-$key.lock"
    flock "$venv_lock"
    if [[ -f "$VENV/.complete" ]]; then
        flock -u "$venv_lock"
        return
    fi
    say "Creating the virtualenv $VENV (Odoo's requirements and ours, about two minutes)"
    rm -rf "$VENV"
    mkdir -p "$SUITE_CACHE"
    local log="$SUITE_CACHE/venv-$key.log"
    # cbor2 (pinned by Odoo) still imports pkg_resources while it builds: keep setuptools < 81
    # in pip's build environments too; python-ldap only serves auth_ldap and needs C headers.
    local build_constraints="$SUITE_CACHE/build-constraints.txt"
    echo 'setuptools<81' >"$build_constraints"
    if ! {
        "$py" -m venv "$VENV" &&
            grep -v '^python-ldap' "$ODOO_SRC/requirements.txt" >"$VENV/odoo-requirements.txt" &&
            PIP_CONSTRAINT="$build_constraints" "$VENV/bin/pip" install --quiet \
                --disable-pip-version-check -r "$VENV/odoo-requirements.txt" \
                -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
    } >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        rm -rf "$VENV"
        die "Installing the Python requirements failed (full log: $log). The lines above name \
the package; on Debian/Ubuntu the usual fix is 'apt-get install python3-dev libpq-dev build-essential'. \
The unfinished virtualenv was removed: run the same command again after fixing it."
    fi
    touch "$VENV/.complete"
    flock -u "$venv_lock"
}

# ---- PostgreSQL cluster -------------------------------------------------------------------------

find_pg_bin() {
    local dir
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN='$PG_BIN' has no initdb \
and pg_ctl. Set PG_BIN to the bin directory of a PostgreSQL 13 to 16 server installation."
        return
    fi
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        PG_BIN="$(dirname "$(command -v pg_ctl)")"
        return
    fi
    for dir in ${PG_SEARCH_GLOB-/usr/lib/postgresql/*/bin}; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            PG_BIN="$dir"
        fi
    done
    [[ -n "${PG_BIN:-}" ]] || die "The PostgreSQL server programs (initdb, pg_ctl, postgres) were \
not found on the PATH nor in /usr/lib/postgresql/*/bin. Install the server (Debian/Ubuntu: \
'apt-get install postgresql'), or set PG_BIN to the directory that holds them. Nothing was created."
}

# Run a PostgreSQL program as the cluster's owner (PostgreSQL refuses to run as root).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_pg_os_user() {
    [[ $EUID -eq 0 ]] || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
    say "Creating the unprivileged system user '$PG_OS_USER' that owns the PostgreSQL cluster"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" ||
        die "Could not create the system user '$PG_OS_USER' for PostgreSQL. Create it by hand \
(useradd --system $PG_OS_USER) or set PG_OS_USER to an existing unprivileged user."
}

# The cluster lives in SUITE_STATE unless its owner cannot reach that directory (a clone inside
# root's home, say): then in a directory of /var/lib named after the clone.
choose_pg_dirs() {
    PG_STATE="$SUITE_STATE"
    if [[ $EUID -eq 0 ]]; then
        mkdir -p "$SUITE_STATE"
        if ! runuser -u "$PG_OS_USER" -- test -x "$SUITE_STATE"; then
            PG_STATE="/var/lib/odoo-marketing-suite/$(printf '%s' "$SUITE_STATE" | sha1sum | cut -c1-12)"
        fi
    fi
    PGDATA="$PG_STATE/pgdata"
    PG_SOCKET_DIR="$PG_STATE/run"
    # a unix socket path holds at most 107 bytes: deep clones keep theirs in /tmp
    if ((${#PG_SOCKET_DIR} > 90)); then
        PG_SOCKET_DIR="/tmp/odoo-marketing-suite-$(printf '%s' "$PG_STATE" | sha1sum | cut -c1-12)"
    fi
    PG_LOG="$PG_STATE/postgresql.log"
}

pg_running() {
    [[ -f "$PGDATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

ensure_cluster() {
    find_pg_bin
    ensure_pg_os_user
    choose_pg_dirs
    mkdir -p "$PG_STATE" "$PG_SOCKET_DIR"
    if [[ $EUID -eq 0 ]]; then
        chown "$PG_OS_USER" "$PG_STATE" "$PG_SOCKET_DIR"
    fi
    if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
        say "Initialising a PostgreSQL cluster in $PGDATA (unix socket only)"
        rm -rf "$PGDATA.part"
        if ! as_pg "$PG_BIN/initdb" -D "$PGDATA.part" -U postgres --auth-local=trust \
            --auth-host=reject -E UTF8 --locale=C.UTF-8 >"$PG_STATE/initdb.log" 2>&1; then
            rm -rf "$PGDATA.part"
            die "initdb failed (log: $PG_STATE/initdb.log). Nothing was kept: fix the cause \
named in the log and run the same command again."
        fi
        cat >>"$PGDATA.part/postgresql.conf" <<EOF

# odoo-marketing-suite: reachable through its unix socket only
listen_addresses = ''
unix_socket_directories = '$PG_SOCKET_DIR'
EOF
        mv "$PGDATA.part" "$PGDATA"
    fi
    # The cluster keeps PostgreSQL's durable defaults: the data of `make run` survives a crash.
    # Clusters made before that rule lose their unsafe lines here. Only the test and benchmark
    # connections trade durability for speed (PGOPTIONS, see fast_commits).
    if grep -Eq '^(fsync|full_page_writes|synchronous_commit) = off' "$PGDATA/postgresql.conf"; then
        say "Turning crash safety back on in $PGDATA/postgresql.conf"
        as_pg sed -i -E '/^(fsync|full_page_writes|synchronous_commit) = off$/d' "$PGDATA/postgresql.conf"
        if pg_running; then
            as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" reload >/dev/null
        fi
    fi
    if ! pg_running; then
        say "Starting PostgreSQL (log: $PG_LOG)"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 start >/dev/null ||
            die "PostgreSQL did not start; its log $PG_LOG says why (last lines: \
$(tail -n 3 "$PG_LOG" 2>/dev/null | tr '\n' ' '))."
    fi
    export PGHOST="$PG_SOCKET_DIR" PGPORT=5432
    # Odoo refuses to connect as 'postgres': it gets a role of its own that may create databases.
    if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]]; then
        psql_admin -qc "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" >/dev/null
    fi
}

psql_admin() {
    local psql="$PG_BIN/psql"
    [[ -x "$psql" ]] || psql="$(command -v psql)" || die "psql was not found: install the \
PostgreSQL client (Debian/Ubuntu: 'apt-get install postgresql-client')."
    as_pg "$psql" -X -h "$PG_SOCKET_DIR" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

db_exists() {
    [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

drop_db() {
    psql_admin -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$SUITE_STATE/data/filestore/$1"
}

stop_cluster() {
    find_pg_bin
    choose_pg_dirs
    if pg_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -w -m fast stop >/dev/null
        say "PostgreSQL stopped"
    else
        say "PostgreSQL was not running"
    fi
}

# Test and benchmark databases are rebuilt from scratch: their connections do not wait for the
# disk at each commit (a crash loses the last commits of a database that is thrown away anyway).
fast_commits() {
    export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c synchronous_commit=off"
}

# ---- Odoo ----------------------------------------------------------------------------------------

# The configuration Odoo runs with: the repository's odoo.conf (database manager off) plus, for
# this clone, the database manager on behind a random master password kept in SUITE_STATE.
local_config() {
    local secret="$SUITE_STATE/master-password"
    mkdir -p "$SUITE_STATE"
    if [[ ! -s "$secret" ]]; then
        (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$secret")
    fi
    ODOO_CONF="$SUITE_STATE/odoo.conf"
    local part
    part="$(umask 077 && mktemp "$ODOO_CONF.XXXXXX")"
    {
        grep -Ev '^[[:space:]]*(admin_passwd|list_db)[[:space:]]*=' "$ROOT/odoo.conf"
        printf '\n; added for this clone by scripts/common.sh (the password is in %s)\n' "$secret"
        printf 'admin_passwd = %s\nlist_db = True\n' "$(cat "$secret")"
    } >"$part"
    mv "$part" "$ODOO_CONF"
}

odoo_cmd() {
    mkdir -p "$SUITE_STATE/data" "$SUITE_STATE/log"
    local_config
    ODOO=(
        "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF"
        --addons-path "$ODOO_SRC/addons,$ROOT/addons"
        --data-dir "$SUITE_STATE/data"
        --db_host "$PG_SOCKET_DIR" --db_port 5432 --db_user "$DB_USER"
    )
}

check_port_free() {
    local port="$1"
    if ! "$VENV/bin/python" - "$port" <<'EOF'; then
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
        die "Port $port is already in use, so Odoo cannot serve http://localhost:$port. Stop the \
program that holds it (see 'ss -ltnp | grep :$port'), or choose another port: HTTP_PORT=8070 make run."
    fi
}

# The browser tests (tours) need Chrome or Chromium; as root on Debian/Ubuntu it is installed.
ensure_browser() {
    local name
    for name in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$name" >/dev/null && return 0
    done
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        say "Installing Chromium for the browser tests (about half a minute)"
        if apt-get install -y -qq chromium >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; then
            return 0
        fi
    fi
    die "The browser tests need Chromium or Google Chrome, and neither was found nor could be \
installed. Install one (Debian/Ubuntu: 'apt-get install chromium') and run the tests again."
}

# PDF reports (labels, envelopes) need wkhtmltopdf; as root on Debian/Ubuntu it is installed.
ensure_wkhtmltopdf() {
    # without a runtime directory the PDF engine warns on every report
    export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$SUITE_STATE/runtime}"
    mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
    command -v wkhtmltopdf >/dev/null && return 0
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        say "Installing wkhtmltopdf for the PDF reports (about half a minute)"
        if apt-get install -y -qq wkhtmltopdf >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wkhtmltopdf >/dev/null 2>&1; }; then
            return 0
        fi
    fi
    die "The PDF reports (labels and envelopes) need wkhtmltopdf, which was neither found nor could \
be installed. Install it (Debian/Ubuntu: 'apt-get install wkhtmltopdf') and run the command again."
}

setup_all() {
    find_odoo
    ensure_venv
    ensure_cluster
    odoo_cmd
}

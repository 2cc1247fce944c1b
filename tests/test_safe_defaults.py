"""Whoever reaches the port cannot manage databases, and no setup uses a known master password."""

import configparser
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_config(path):
    # Odoo reads its file with a strict parser: a repeated option is an error
    parser = configparser.RawConfigParser(strict=True)
    parser.read(path)
    return parser["options"]


def local_config(state):
    """Run scripts/common.sh's local_config for a clone whose state is ``state``."""
    script = 'source scripts/common.sh; VENV="$SUITE_VENV"; local_config; echo "$ODOO_CONF"'
    # SUITE_VENV is the virtualenv of the running suite (set by scripts/test.sh)
    env = dict(os.environ, SUITE_STATE=str(state))
    out = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return Path(out.stdout.strip())


def test_shipped_config_has_no_database_manager_and_no_master_password():
    options = read_config(ROOT / "odoo.conf")
    assert options.getboolean("list_db") is False
    assert "admin_passwd" not in options


def test_each_clone_gets_its_own_random_master_password(tmp_path):
    conf = local_config(tmp_path / "a")
    options = read_config(conf)
    secret = (tmp_path / "a" / "master-password").read_text().strip()
    assert options["admin_passwd"] == secret
    assert len(secret) >= 24 and secret != "admin"
    assert options.getboolean("list_db") is True
    assert conf.stat().st_mode & 0o077 == 0
    assert (tmp_path / "a" / "master-password").stat().st_mode & 0o077 == 0
    # the password is kept from one run to the next, and another clone has another one
    assert read_config(local_config(tmp_path / "a"))["admin_passwd"] == secret
    assert read_config(local_config(tmp_path / "b"))["admin_passwd"] != secret


def test_cluster_is_crash_safe_and_only_test_connections_skip_the_wait():
    def show(setting, pgoptions):
        env = dict(os.environ, PGOPTIONS=pgoptions)
        script = f'source scripts/common.sh; find_pg_bin; choose_pg_dirs; psql_admin -tAc "SHOW {setting}"'
        out = subprocess.run(
            ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    assert show("fsync", "") == "on"
    assert show("full_page_writes", "") == "on"
    assert show("synchronous_commit", "") == "on"
    # `make test` runs with fast_commits: its own connections, and these, do not wait for the disk
    assert "synchronous_commit=off" in os.environ.get("PGOPTIONS", "")
    assert show("synchronous_commit", os.environ["PGOPTIONS"]) == "off"


def run_docker_entrypoint(tmp_path, **env):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    following = tmp_path / "next.sh"
    following.write_text('#!/bin/sh\necho "args=$*"\ncat "$ODOO_RC"\n')
    following.chmod(0o755)
    full_env = {key: value for key, value in os.environ.items() if key != "ODOO_MASTER_PASSWORD"}
    full_env.update(
        ODOO_DATA_DIR=str(data),
        SUITE_BASE_CONF=str(ROOT / "odoo.conf"),
        SUITE_NEXT_ENTRYPOINT=str(following),
        **env,
    )
    out = subprocess.run(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), "odoo", "--db-filter", "^x$"],
        env=full_env,
        capture_output=True,
        text=True,
        check=True,
    )
    first, _, conf_text = out.stdout.partition("\n")
    parser = configparser.RawConfigParser(strict=True)
    parser.read_string(conf_text)
    return first, parser["options"], out.stderr


def test_docker_starts_with_a_generated_or_given_master_password(tmp_path):
    args, options, message = run_docker_entrypoint(tmp_path)
    assert args == "args=odoo --db-filter ^x$"
    generated = options["admin_passwd"]
    assert len(generated) >= 24 and generated != "admin"
    assert options.getboolean("list_db") is False
    assert "master password was generated" in message
    # kept at the next start
    _, options, message = run_docker_entrypoint(tmp_path)
    assert options["admin_passwd"] == generated and message == ""
    # the environment wins
    _, options, _ = run_docker_entrypoint(tmp_path, ODOO_MASTER_PASSWORD="s3cret-from-env")
    assert options["admin_passwd"] == "s3cret-from-env"

"""Bad input to the setup gives one clear message and leaves nothing half-made behind."""

import os
import socket

from conftest import ROOT


def test_odoo_src_not_an_odoo_tree(run_script, tmp_path):
    result = run_script("run.sh", ODOO_SRC=tmp_path, SUITE_STATE=tmp_path / "state")
    assert result.returncode == 1
    assert "is not an Odoo 18.0" in result.message
    assert "Point ODOO_SRC at" in result.message
    assert not (tmp_path / "state").exists()


def test_no_odoo_source_anywhere(run_script, tmp_path):
    cache = tmp_path / "cache"
    result = run_script(
        "run.sh",
        ODOO_SRC="",
        SUITE_CACHE=cache,
        SUITE_STATE=tmp_path / "state",
        ODOO_GIT_URL=f"file://{tmp_path}/no-such-repository",
    )
    assert result.returncode == 1
    assert "could not be found or downloaded" in result.message
    assert "ODOO_SRC" in result.message
    # the failed clone is not left for the next run to trip over
    assert list(cache.iterdir()) == []
    assert not (tmp_path / "state").exists()


def test_postgresql_binaries_missing(run_script, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    state = tmp_path / "state"
    result = run_script("run.sh", PG_BIN=empty, SUITE_STATE=state)
    assert result.returncode == 1
    assert f"PG_BIN='{empty}' has no initdb" in result.message

    result = run_script(
        "run.sh",
        PG_BIN="",
        PG_SEARCH_GLOB=str(tmp_path / "nothing-*"),
        PATH="/usr/bin:/bin",
        SUITE_STATE=state,
    )
    assert result.returncode == 1
    assert "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found" in result.message
    assert "apt-get install postgresql" in result.message
    assert not (state / "pgdata").exists()


def test_port_already_in_use(run_script):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_script("run.sh", HTTP_PORT=port)
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.message
    assert "HTTP_PORT=" in result.message


def test_i18n_without_msgmerge(run_script, tmp_path):
    # a PATH with bash and the basic tools but no gettext
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "cat", "fold", "printf"):
        for base in ("/usr/bin", "/bin"):
            if os.path.exists(f"{base}/{tool}"):
                (bin_dir / tool).symlink_to(f"{base}/{tool}")
                break
    before = sorted((ROOT / "addons").glob("*/i18n/*.po"))
    stamps = [path.stat().st_mtime_ns for path in before]
    result = run_script("i18n.sh", PATH=str(bin_dir))
    assert result.returncode == 1
    assert "msgmerge (GNU gettext) was not found" in result.message
    assert [path.stat().st_mtime_ns for path in before] == stamps

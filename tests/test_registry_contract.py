"""The refactors' safety net: the test database has the models, fields and XML ids of the list
committed in tests/registry_contract.txt, no fewer and no more (scripts/registry_contract.py).

It runs in the suite (``make test``), which exports the cluster (PGHOST, PGPORT) and TEST_DB.
"""

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_contract_module():
    spec = importlib.util.spec_from_file_location(
        "registry_contract", ROOT / "scripts" / "registry_contract.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contract = load_contract_module()


def test_compare_names_missing_and_extra_lines():
    lines = {
        "model marketing_ops marketing.operation",
        "field marketing_ops marketing.operation.name char required",
        "xmlid marketing_ops.demo_operation marketing.operation",
        "xmlid crm_payments.crm_payment_view_form ir.ui.view",
    }
    live = (lines - {"field marketing_ops marketing.operation.name char required"}) | {
        "field marketing_ops marketing.operation.name text required"
    }
    missing, extra = contract.compare({"marketing_ops": True, "crm_payments": True}, live, lines)
    assert missing == ["field marketing_ops marketing.operation.name char required"]
    assert extra == ["field marketing_ops marketing.operation.name text required"]
    # a module not installed is not expected; demo XML ids only where demo data was installed
    without_demo = {line for line in lines if "demo" not in line and "crm_payments" not in line}
    assert contract.compare({"marketing_ops": False}, without_demo, lines) == ([], [])
    # without demo data, a missing model or field is still missing
    model = "model marketing_ops marketing.operation"
    assert contract.compare({"marketing_ops": False}, without_demo - {model}, lines) == (
        [model],
        [],
    )


def test_registry_matches_the_committed_contract():
    dbname = os.environ.get("TEST_DB")
    if not dbname or not os.environ.get("PGHOST"):
        pytest.fail("TEST_DB or PGHOST not set: this test runs within `make test`")
    installed, live = contract.read_database(dbname)
    assert installed, f"none of our addons is installed in {dbname}"
    missing, extra = contract.compare(installed, live, contract.read_contract())
    report = "\n".join(
        [f"missing: {line}" for line in missing] + [f"not in the list: {line}" for line in extra]
    )
    assert not report, (
        f"{dbname} differs from tests/registry_contract.txt ({len(missing)} missing, "
        f"{len(extra)} not in the list); if the change is meant, regenerate the list with "
        f"`python scripts/registry_contract.py {dbname} --write` and say why in the commit:\n"
        + report
    )

"""Every wizard of marketing_automation_ext given what users get wrong: no record, a record of
another model, a deleted record, absurd record ids, a campaign without activities. Each is
refused with a clear message and nothing written.

``WIZARDS`` lists every wizard of the addon with what is swept of it: a wizard without a row
fails ``test_every_wizard_is_swept``, so that the next one is swept too."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MarketingAutomationCommon

WIZARDS = {
    "marketing.automation.test.run": "the record to test on: test_test_run_records",
    "marketing.automation.dry.run": "nothing typed (the campaign's saved filters): "
    "test_dry_run_of_empty_campaigns",
    "marketing.automation.dry.run.line": "lines of the dry run, read only",
    "marketing.automation.campaign.enrol": "the selected records and the campaign: "
    "test_manual_enrolment_inputs",
    "marketing.automation.response.import": "the file: empty, not CSV nor XLSX, without an "
    "email column, with bad dates (test_response_import.test_bad_files_refused)",
}

# selected records -> pattern of the refusal of "Add to campaign"
MANUAL_ENROL_RECORDS = {
    "no record": (lambda case: [], "Select the records"),
    "a deleted record": (lambda case: [case.deleted.id], "Select the records"),
    "a negative id": (lambda case: [-7], "Select the records"),
    "not ids": (lambda case: ["1", None, {"id": 1}], "Select the records"),
}

# record given to the test run -> pattern of the refusal
TEST_RUN_RECORDS = {
    "a deleted record": (lambda case: f"res.partner,{case.deleted.id}", "Choose a record"),
    "a record of another model": (
        lambda case: f"res.users,{case.ma_user.id}",
        "Choose a record of the campaign's target",
    ),
    "a negative id": (lambda case: "res.partner,-7", "Choose a record"),
    "an id beyond 32 bits": (lambda case: f"res.partner,{2**40}", "Choose a record"),
}


@tagged("post_install", "-at_install")
class TestInputSweep(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deleted = cls.env["res.partner"].create({"name": "Gone"})
        cls.deleted.unlink()

    def test_every_wizard_is_swept(self):
        wizards = {
            name
            for name, model in self.env.registry.items()
            if model._transient and model._original_module == "marketing_automation_ext"
        }
        self.assertEqual(wizards, set(WIZARDS), "sweep the inputs of the new wizards")

    def test_test_run_records(self):
        campaign = self._create_campaign()
        self._create_activity(campaign, "Welcome")
        TestRun = self.env["marketing.automation.test.run"].with_user(self.ma_user)
        for name, (record, refusal) in TEST_RUN_RECORDS.items():
            with self.subTest(case=name):
                with self.assertRaisesRegex(UserError, refusal):
                    TestRun.create(
                        {"campaign_id": campaign.id, "record_ref": record(self)}
                    ).action_start()
                self.assertFalse(campaign.participant_ids)
        wizard = TestRun.create({"campaign_id": campaign.id})
        wizard.res_id = -1
        with self.assertRaisesRegex(UserError, "Choose a record"):
            wizard.action_start()
        self.assertFalse(campaign.participant_ids)

    def test_test_run_without_record(self):
        campaign = self._create_campaign(self.env["res.partner"])
        self._create_activity(campaign, "Welcome")
        wizard = self.env["marketing.automation.test.run"].create({"campaign_id": campaign.id})
        self.assertFalse(wizard.record_ref, "no record of the target to propose")
        with self.assertRaisesRegex(UserError, "Choose a record of the campaign's target"):
            wizard.action_start()
        self.assertFalse(campaign.participant_ids)

    def test_test_run_without_activity(self):
        campaign = self._create_campaign()
        wizard = self.env["marketing.automation.test.run"].create(
            {"campaign_id": campaign.id, "record_ref": f"res.partner,{self.partners[0].id}"}
        )
        with self.assertRaisesRegex(UserError, "no activity to test"):
            wizard.action_start()
        self.assertFalse(campaign.participant_ids)

    def test_dry_run_of_empty_campaigns(self):
        for records in (self.partners, self.env["res.partner"]):
            with self.subTest(records=len(records)):
                campaign = self._create_campaign(records)
                wizard = self.env["marketing.automation.dry.run"].create(
                    {"campaign_id": campaign.id}
                )
                self.assertFalse(wizard.line_ids)
                self.assertFalse(campaign.participant_ids)

    def test_manual_enrolment_inputs(self):
        campaign = self._create_campaign(enrol_manually=True)
        self._create_activity(campaign, "Hello")
        campaign.action_start()
        Enrol = self.env["marketing.automation.campaign.enrol"].with_user(self.ma_user)
        for label, (res_ids, pattern) in MANUAL_ENROL_RECORDS.items():
            with self.subTest(label):
                wizard = Enrol.create(
                    {
                        "res_model": "res.partner",
                        "res_ids": res_ids(self),
                        "campaign_id": campaign.id,
                    }
                )
                with self.assertRaisesRegex(UserError, pattern):
                    wizard.action_enrol()
        refusals = {
            "records of another model": {"res_model": "res.users"},
            "a campaign not enrolling manually": {"campaign": {"enrol_manually": False}},
            "a stopped campaign": {"campaign": {"state": "stopped"}},
        }
        for label, change in refusals.items():
            with self.subTest(label):
                campaign.write({"enrol_manually": True, "state": "running"})
                campaign.write(change.get("campaign", {}))
                wizard = Enrol.create(
                    {
                        "res_model": change.get("res_model", "res.partner"),
                        "res_ids": self.partners.ids,
                        "campaign_id": campaign.id,
                    }
                )
                with self.assertRaisesRegex(UserError, "does not take records added by hand"):
                    wizard.action_enrol()
        self.assertFalse(campaign.participant_ids)

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged, users

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignServerActions(MarketingAutomationCommon):
    """Server actions run as superuser: only automation managers choose them, whatever the way
    the value reaches the stored activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env["ir.actions.server"].create(
            {
                "name": "Smuggled code",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "records.write({'comment': 'ran as superuser'})",
            }
        )

    def _action_vals(self, campaign, **values):
        return {
            "name": "Code",
            "campaign_id": campaign.id,
            "trigger_type": "begin",
            "activity_type": "server_action",
            **values,
        }

    def _manager_campaign(self):
        """A campaign of a manager with a server action activity and an email after it."""
        campaign = self._create_campaign().with_user(self.ma_manager)
        code = (
            self.env["marketing.automation.activity"]
            .with_user(self.ma_manager)
            .create(self._action_vals(campaign, server_action_id=self.action.id))
        )
        return campaign.with_env(self.env), code.with_env(self.env)

    def _assert_nothing_ran(self, campaigns):
        """Whatever the user tried on ``campaigns``, the crons (as superuser) run no server
        action for them, even when they are forced to run."""
        campaigns = campaigns.sudo()
        campaigns.write({"state": "running"})
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self.env["marketing.automation.campaign"].sudo()._cron_enrol()
            self._run_due()
        self.assertFalse(any(self.partners.mapped("comment")), "no server action ran")

    @users("ma_campaign_user")
    def test_user_cannot_set_an_action_through_context_defaults(self):
        campaign = self._create_campaign()
        Activity = self.env["marketing.automation.activity"]
        with self.assertRaises(AccessError):
            Activity.with_context(default_server_action_id=self.action.id).create(
                self._action_vals(campaign)
            )
        # nor through the campaign's form, whose lines take the context's defaults
        with self.assertRaises(AccessError):
            campaign.with_context(default_server_action_id=self.action.id).write(
                {"activity_ids": [Command.create(self._action_vals(campaign))]}
            )
        self.assertFalse(campaign.activity_ids)
        self._create_activity(campaign, "Tags", activity_type="tags_add")
        self._assert_nothing_ran(campaign)

    @users("ma_campaign_user")
    def test_user_cannot_set_an_action_through_commands(self):
        campaign = self._create_campaign()
        values = self._action_vals(campaign, server_action_id=self.action.id)
        del values["campaign_id"]
        with self.assertRaises(AccessError):
            campaign.write({"activity_ids": [Command.create(values)]})
        with self.assertRaises(AccessError):
            self.env["marketing.automation.campaign"].create(
                {
                    "name": "Carrier",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "domain": repr([("id", "in", self.partners.ids)]),
                    "activity_ids": [Command.create(values)],
                }
            )
        tags = self._create_activity(campaign, "Tags", activity_type="tags_add")
        with self.assertRaises(AccessError):
            campaign.write(
                {"activity_ids": [Command.update(tags.id, {"server_action_id": self.action.id})]}
            )
        with self.assertRaises(AccessError):
            tags.write({"activity_type": "server_action", "server_action_id": self.action.id})
        self.assertFalse(tags.sudo().server_action_id)
        self._assert_nothing_ran(campaign)

    def test_user_keeps_a_manager_action_while_editing_and_cannot_change_it(self):
        campaign, code = self._manager_campaign()
        other = self.action.copy({"name": "Other code"})
        code_as_user = code.with_user(self.ma_user)
        code_as_user.write({"name": "Renamed", "interval_number": 2, "interval_type": "days"})
        self.assertEqual(code.name, "Renamed")
        self.assertEqual(code.sudo().server_action_id, self.action)
        self.assertTrue(code_as_user.has_server_action)
        with self.assertRaises(AccessError):
            code_as_user.write({"server_action_id": other.id})
        with self.assertRaises(AccessError):
            campaign.with_user(self.ma_user).write(
                {"activity_ids": [Command.update(code.id, {"server_action_id": False})]}
            )
        self.assertEqual(code.sudo().server_action_id, self.action)

    def test_user_copies_carry_no_server_action(self):
        """A user's copy of a campaign (or activity) runs no server action: the copy cannot
        start until a manager chooses it again."""
        campaign, code = self._manager_campaign()
        copy = campaign.with_user(self.ma_user).copy()
        copied_code = copy.activity_ids.filtered(lambda a: a.activity_type == "server_action")
        self.assertEqual(len(copied_code), 1)
        self.assertFalse(copied_code.sudo().server_action_id)
        self.assertFalse(copied_code.has_server_action)
        activity_copy = code.with_user(self.ma_user).copy({"campaign_id": copy.id})
        self.assertFalse(activity_copy.sudo().server_action_id)
        with self.assertRaises(UserError) as error:
            copy.with_user(self.ma_user).action_start()
        self.assertIn("has none", str(error.exception))
        self._assert_nothing_ran(copy)
        self.assertEqual(set(copied_code.trace_ids.mapped("state")), {"error"})
        # a manager chooses the action again on a new copy: that copy runs it
        copy = campaign.with_user(self.ma_user).copy()
        copied_code = copy.activity_ids.filtered(lambda a: a.activity_type == "server_action")
        copied_code.with_user(self.ma_manager).server_action_id = self.action
        with self.mock_datetime_and_now(NOW):
            copy.with_user(self.ma_user).action_start()
            copy._enrol_participants()
            self._run_due()
        self.assertEqual(
            {str(c) for c in self.partners.mapped("comment")}, {"<p>ran as superuser</p>"}
        )

    @users("ma_campaign_manager")
    def test_manager_sets_actions_every_way(self):
        campaign = self._create_campaign()
        Activity = self.env["marketing.automation.activity"]
        by_default = Activity.with_context(default_server_action_id=self.action.id).create(
            self._action_vals(campaign)
        )
        values = self._action_vals(campaign, server_action_id=self.action.id, name="Command")
        campaign.write({"activity_ids": [Command.create(values)]})
        by_command = campaign.activity_ids - by_default
        copy = campaign.copy()
        self.assertEqual(by_default.server_action_id, self.action)
        self.assertEqual(by_command.server_action_id, self.action)
        self.assertEqual(copy.activity_ids.server_action_id, self.action)
        self.assertTrue(all(copy.activity_ids.mapped("has_server_action")))
        by_default.server_action_id = False
        self.assertFalse(by_default.has_server_action, "follows the stored action")

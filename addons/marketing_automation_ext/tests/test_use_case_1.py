from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user, tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestUseCaseDiscountTwoMonthsAfterCreation(MarketingAutomationCommon):
    """Use case 1: a lead created and not qualified receives the discount email two months
    after its creation; one that becomes qualified before leaves and receives nothing.
    Qualified = tagged "Qualified". The campaign enrols on change, so a lead enters when it is
    created: its enrolment date is its creation date, from which the delay counts."""

    def test_discount_two_months_after_creation(self):
        qualified = self.env["crm.tag"].create({"name": "Qualified"})
        campaign = self.env["marketing.automation.campaign"].create(
            {
                "name": "Discount for leads left unqualified",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain": repr([("type", "=", "lead"), ("tag_ids", "not in", qualified.ids)]),
                "enrol_by_filter": False,
                "enrol_on_change": True,
            }
        )
        discount = self._create_activity(
            campaign, "Discount", interval_number=2, interval_type="months"
        )
        salesman = new_test_user(self.env, "uc1_salesman", groups="sales_team.group_sale_salesman")
        Lead = self.env["crm.lead"].with_user(salesman)
        Trace = self.env["marketing.automation.trace"]
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            waiting, converted = Lead.create(
                [
                    {"name": "Waiting", "type": "lead", "email_from": "waiting@test.example.com"},
                    {"name": "Converted", "type": "lead", "email_from": "conv@test.example.com"},
                ]
            )
        self.assertEqual(len(campaign.participant_ids), 2)
        self.assertEqual(
            set(discount.trace_ids.mapped("schedule_date")), {NOW + relativedelta(months=2)}
        )
        with self.mock_datetime_and_now(NOW + relativedelta(months=1)):
            converted.tag_ids = [(4, qualified.id)]
        left = campaign.participant_ids.filtered(lambda p: p.res_id == converted.id)
        self.assertEqual(left.state, "removed")
        self.assertEqual(left.removal_reason, "No longer matches the campaign's filter.")
        with (
            self.mock_datetime_and_now(NOW + relativedelta(months=2, minutes=-1)),
            self.mock_mail_gateway(),
        ):
            Trace._cron_execute()
            self.assertFalse(self._queued_mails(campaign), "not before two months")
        with self.mock_datetime_and_now(NOW + relativedelta(months=2)), self.mock_mail_gateway():
            Trace._cron_execute()
            mails = self._queued_mails(campaign)
            self.assertEqual(mails.mapped("email_to"), ["waiting@test.example.com"])
        self.assertEqual(
            discount.trace_ids.filtered(lambda t: t.participant_id.res_id == waiting.id).state,
            "processed",
        )
        self.assertEqual(
            discount.trace_ids.filtered(lambda t: t.participant_id.res_id == converted.id).state,
            "canceled",
        )

from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user, tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestUseCaseDiscountTwoMonthsAfterCreation(MarketingAutomationCommon):
    """Use case 1: a lead created and not qualified receives the discount email two months
    after its creation; one that becomes qualified before leaves and receives nothing.
    Qualified = tagged "Qualified". The delay counts from the lead's Created on: a lead created
    before the campaign started (enrolled by the filter) gets it two months after its creation
    too; the campaign also enrols on change, so a lead enters when it is created."""

    def test_discount_two_months_after_creation(self):
        qualified = self.env["crm.tag"].create({"name": "Qualified"})
        campaign = self.env["marketing.automation.campaign"].create(
            {
                "name": "Discount for leads left unqualified",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain": repr(
                    [
                        ("type", "=", "lead"),
                        ("tag_ids", "not in", qualified.ids),
                        ("email_from", "like", "@uc1.example.com"),
                    ]
                ),
                "enrol_by_filter": True,
                "enrol_on_change": True,
            }
        )
        discount = self._create_activity(
            campaign,
            "Discount",
            interval_number=2,
            interval_type="months",
            anchor_field_id=self.env["ir.model.fields"]._get("crm.lead", "create_date").id,
        )
        self.assertEqual(discount.schedule_summary, "2 months after the record's Created on")
        salesman = new_test_user(self.env, "uc1_salesman", groups="sales_team.group_sale_salesman")
        Lead = self.env["crm.lead"].with_user(salesman)
        Trace = self.env["marketing.automation.trace"]
        with self.mock_datetime_and_now(NOW - relativedelta(months=1)):
            early = Lead.create(
                {"name": "Early", "type": "lead", "email_from": "early@uc1.example.com"}
            )
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            campaign._enrol_participants()  # as the enrolment cron does
            waiting, converted = Lead.create(
                [
                    {"name": "Waiting", "type": "lead", "email_from": "waiting@uc1.example.com"},
                    {"name": "Converted", "type": "lead", "email_from": "conv@uc1.example.com"},
                ]
            )
        self.assertEqual(len(campaign.participant_ids), 3)
        self.assertEqual(
            self._trace_of(discount, early).schedule_date, NOW + relativedelta(months=1)
        )
        self.assertEqual(
            set(
                (self._trace_of(discount, waiting) | self._trace_of(discount, converted)).mapped(
                    "schedule_date"
                )
            ),
            {NOW + relativedelta(months=2)},
        )
        with self.mock_datetime_and_now(NOW + relativedelta(months=1)), self.mock_mail_gateway():
            converted.tag_ids = [(4, qualified.id)]
            Trace._cron_execute()
        self.assertEqual(self._queued_mails(campaign).mapped("email_to"), ["early@uc1.example.com"])
        left = campaign.participant_ids.filtered(lambda p: p.res_id == converted.id)
        self.assertEqual(left.state, "removed")
        self.assertEqual(left.removal_reason, "No longer matches the campaign's filter.")
        with (
            self.mock_datetime_and_now(NOW + relativedelta(months=2, minutes=-1)),
            self.mock_mail_gateway(),
        ):
            Trace._cron_execute()
            self.assertEqual(len(self._queued_mails(campaign)), 1, "not before two months")
        with self.mock_datetime_and_now(NOW + relativedelta(months=2)), self.mock_mail_gateway():
            Trace._cron_execute()
            mails = self._queued_mails(campaign)
            self.assertEqual(
                mails.mapped("email_to"), ["early@uc1.example.com", "waiting@uc1.example.com"]
            )
        self.assertEqual(self._trace_of(discount, waiting).state, "processed")
        self.assertEqual(self._trace_of(discount, converted).state, "canceled")

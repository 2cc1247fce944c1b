from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.marketing_ops.tests.common import assert_same_queries

from .common import CrmPaymentsCase


@tagged("post_install", "-at_install")
class TestPaymentFigures(CrmPaymentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].create({"name": "Signed", "is_won": True})
        cls.operation = cls.env["marketing.operation"].create(
            {"name": "Garden Expo", "extra_cost": 1000.0}
        )
        cls.campaign = cls.operation.utm_campaign_id
        cls.won = cls.env["crm.lead"].create(
            {
                "name": "Expo deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "campaign_id": cls.campaign.id,
                "expected_revenue": 2000.0,
                "stage_id": cls.won_stage.id,
            }
        )

    def test_operation_sets_campaign_and_back(self):
        self.assertFalse(
            self.user.has_group("marketing_ops.marketing_ops_group_user"),
            "a payments user without marketing rights links operations all the same",
        )
        self.env.invalidate_all()
        payment = self.create_payment(operation_id=self.operation.id)
        self.assertEqual(payment.campaign_id, self.campaign)
        payment = self.create_payment(campaign_id=self.campaign.id)
        self.assertEqual(payment.operation_id, self.operation)
        other = self.env["marketing.operation"].create({"name": "Autumn Expo"})
        payment.campaign_id = other.utm_campaign_id
        self.assertEqual(payment.operation_id, other)
        payment.campaign_id = False
        self.assertFalse(payment.operation_id, "the operation goes with its campaign")
        payment.campaign_id = other.utm_campaign_id
        with self.assertRefused(ValidationError, "must be the one of the marketing operation"):
            payment.write(
                {"operation_id": self.operation.id, "campaign_id": other.utm_campaign_id.id}
            )

    def test_operation_revenue_counts_collected_payments(self):
        self.assertEqual(self.operation.actual_revenue, 2000.0)
        paid = self.create_payment(campaign_id=self.campaign.id, amount=500.0)
        paid.action_confirm()
        paid.action_mark_paid()
        due = self.create_payment(campaign_id=self.campaign.id, amount=300.0)
        due.action_confirm()
        supplier = self.create_payment(
            campaign_id=self.campaign.id, amount=200.0, direction="payment"
        )
        supplier.action_confirm()
        supplier.action_mark_paid()
        self.create_payment(amount=700.0, date_paid=self.today, state="paid")  # no campaign
        self.operation.invalidate_recordset()
        self.assertEqual(self.operation.actual_cost, 1000.0)
        self.assertEqual(self.operation.actual_revenue, 2500.0)
        self.assertAlmostEqual(self.operation.actual_roi, 1.5)
        self.assertEqual(self.operation.crm_payment_count, 3)
        due.action_mark_paid()
        self.operation.invalidate_recordset()
        self.assertEqual(self.operation.actual_revenue, 2800.0)
        # collecting the won opportunity does not count it twice
        on_won = self.create_payment(lead_id=self.won.id, amount=2000.0)
        self.assertEqual(on_won.campaign_id, self.campaign)
        on_won.action_confirm()
        on_won.action_mark_paid()
        self.operation.invalidate_recordset()
        self.assertEqual(self.operation.actual_revenue, 2800.0)
        self.assertEqual(self.operation.crm_payment_count, 4)

    def test_operation_revenue_converts_currencies(self):
        other = self.env["res.currency"].search(
            [("id", "!=", self.currency.id), ("active", "in", (True, False))], limit=1
        )
        other.active = True
        rates = self.env["res.currency.rate"].search(
            [("currency_id", "in", (self.currency | other).ids)]
        )
        rates.unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 2.0, "name": "2000-01-01"}
        )
        self.create_payment(
            campaign_id=self.campaign.id,
            amount=400.0,
            currency_id=other.id,
            date_paid=self.today,
            state="paid",
        )
        self.operation.invalidate_recordset()
        self.assertAlmostEqual(self.operation.actual_revenue, 2200.0)

    def test_partner_and_opportunity_balances(self):
        Payment = self.env["crm.payment"]
        values = {"lead_id": self.lead.id, "date_due": self.days(5)}
        collected = self.create_payment(amount=300.0, **values)
        open_ = self.create_payment(amount=450.0, partner_id=self.contact.id, **values)
        owed = self.create_payment(amount=50.0, direction="payment", **values)
        (collected | open_ | owed).action_confirm()
        collected.action_mark_paid()
        self.create_payment(amount=999.0, **values)  # draft: not due yet
        lead = self.lead.with_user(self.user)
        self.assertEqual(lead.payment_count, 4)
        self.assertEqual(lead.payment_collected, 300.0)
        self.assertEqual(lead.payment_balance, 400.0)
        for partner in (self.customer, self.contact):
            partner = partner.with_user(self.user)
            self.assertEqual(partner.crm_payment_count, 4)
            self.assertEqual(partner.crm_payment_balance, 400.0)
        action = self.customer.action_view_crm_payments()
        self.assertEqual(Payment.search_count(action["domain"]), 4)
        # without payment rights, no figures and no error
        salesman = new_test_user(self.env, "cp_salesman", groups="sales_team.group_sale_salesman")
        self.assertEqual(self.lead.with_user(salesman).payment_count, 0)

    def test_figures_in_one_query_whatever_the_number(self):
        leads = self.env["crm.lead"].create(
            [{"name": f"Batch deal {i}", "type": "opportunity"} for i in range(50)]
        )
        self.env["crm.payment"].create(
            [{"lead_id": lead.id, "amount": 10.0, "partner_id": self.customer.id} for lead in leads]
        )

        self.env.flush_all()
        assert_same_queries(self, lambda records: records.mapped("payment_count"), leads[:1], leads)
        self.assertEqual(leads.mapped("payment_count"), [1] * 50)

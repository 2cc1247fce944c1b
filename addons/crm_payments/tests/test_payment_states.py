from datetime import datetime, time
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.crm_payment import DOCUMENT_DATE_FIELDS
from .common import CrmPaymentsCase


@tagged("post_install", "-at_install")
class TestPaymentStates(CrmPaymentsCase):
    def test_reference_from_sequence(self):
        first, second = self.create_payment() | self.create_payment()
        self.assertTrue(first.name.startswith("PAY/"))
        self.assertNotEqual(first.name, second.name)

    def test_lifecycle(self):
        payment = self.create_payment(cost=15.0)
        self.assertEqual(payment.state, "draft")
        self.assertEqual(payment.margin, 85.0)
        payment.action_confirm()
        self.assertEqual(payment.state, "due")
        payment.action_mark_paid()
        self.assertEqual(payment.state, "paid")
        self.assertEqual(payment.date_paid, self.today)
        payment.action_cancel()
        self.assertEqual(payment.state, "cancelled")
        self.assertFalse(payment.date_paid)
        payment.action_reset_to_draft()
        self.assertEqual(payment.state, "draft")

    def test_transitions_refused(self):
        payment = self.create_payment(date_due=False)
        with self.assertRefused(UserError, f"due date on payment {payment.name}"):
            payment.action_confirm()
        payment.write({"date_due": self.days(3)})
        payment.action_confirm()
        with self.assertRefused(UserError, f"{payment.name} cannot be confirmed: it is Due"):
            payment.action_confirm()
        with self.assertRefused(UserError, f"{payment.name} cannot be reset to draft: it is Due"):
            payment.action_reset_to_draft()
        payment.action_mark_paid()
        with self.assertRefused(UserError, f"{payment.name} is paid and cannot be deleted"):
            payment.unlink()

    def test_confirm_past_due_is_overdue(self):
        payment = self.create_payment(date_due=self.days(-3))
        payment.action_confirm()
        self.assertEqual(payment.state, "overdue")
        self.assertEqual(len(payment.activity_ids), 1)

    def test_overdue_cron_once(self):
        due = self.create_payment(date_due=self.days(5))
        due.action_confirm()
        later = self.create_payment(date_due=self.days(20))
        later.action_confirm()
        Payment = self.env["crm.payment"]
        with freeze_time(self.days(5)):
            Payment._cron_mark_overdue()
        self.assertPaymentState(due, "due")
        with freeze_time(self.days(6)):
            Payment._cron_mark_overdue()
        self.assertPaymentState(due, "overdue")
        self.assertPaymentState(later, "due")
        self.assertEqual(len(due.activity_ids), 1)
        self.assertEqual(due.activity_ids.user_id, self.user)
        self.assertIn(due.name, due.activity_ids.summary)
        with freeze_time(self.days(7)):
            Payment._cron_mark_overdue()
        self.assertEqual(len(due.activity_ids), 1, "the overdue follow-up happens once")
        self.assertFalse(later.activity_ids)

    def test_overdue_rescheduled_is_due_again(self):
        payment = self.create_payment(date_due=self.days(-2))
        payment.action_confirm()
        self.assertEqual(payment.state, "overdue")
        payment.date_due = self.days(-1)
        self.assertEqual(payment.state, "overdue", "still past its date")
        self.assertEqual(len(payment.activity_ids), 1)
        payment.date_due = self.days(15)
        self.assertEqual(payment.state, "due")
        self.assertFalse(payment.activity_ids, "the overdue to-do is withdrawn")
        with freeze_time(self.days(16)):
            self.env["crm.payment"]._cron_mark_overdue()
        self.assertEqual(payment.state, "overdue")
        self.assertEqual(len(payment.activity_ids), 1, "one to-do at a time")

    def test_paid_or_cancelled_closes_the_overdue_todo(self):
        paid, cancelled = (
            self.create_payment(date_due=self.days(-2)),
            self.create_payment(date_due=self.days(-2)),
        )
        (paid | cancelled).action_confirm()
        self.assertEqual(len(paid.activity_ids), 1)
        self.assertEqual(len(cancelled.activity_ids), 1)
        paid.action_mark_paid()
        self.assertFalse(paid.activity_ids)
        done = self.env["mail.message"].search(
            [
                ("model", "=", "crm.payment"),
                ("res_id", "=", paid.id),
                ("mail_activity_type_id", "!=", False),
            ]
        )
        self.assertEqual(len(done), 1, "marked done in the chatter")
        cancelled.action_cancel()
        self.assertFalse(cancelled.activity_ids)
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "crm.payment"),
                    ("res_id", "=", cancelled.id),
                    ("mail_activity_type_id", "!=", False),
                ]
            )
        )

    def test_overdue_cron_batches(self):
        payments = self.create_payment() | self.create_payment() | self.create_payment()
        payments.action_confirm()
        cron = self.env.ref("crm_payments.ir_cron_crm_payment_overdue")
        cron, progress = cron._add_progress()
        Payment = self.env["crm.payment"].with_context(ir_cron_progress_id=progress.id)
        with freeze_time(self.days(11)):
            first = Payment._cron_mark_overdue(batch_size=2)
            self.assertEqual(len(first), 2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            second = Payment._cron_mark_overdue(batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(first | second, payments)
        self.assertPaymentState(payments, "overdue")

    def test_overdue_reminder_email(self):
        collection = self.create_payment(contact_id=self.contact.id)
        supplier_payment = self.create_payment(direction="payment")
        (collection | supplier_payment).action_confirm()
        template = self.env.ref("crm_payments.crm_payment_mail_template_overdue")
        with freeze_time(self.days(11)):
            self.env["crm.payment"]._cron_mark_overdue()
        self.assertFalse(
            collection.message_ids.filtered(lambda m: m.message_type == "comment"),
            "no reminder while the company does not ask for it",
        )
        collection.write({"state": "due"})
        self.env.company.write(
            {"crm_payment_reminder": True, "crm_payment_reminder_template_id": template.id}
        )
        with freeze_time(self.days(11)):
            self.env["crm.payment"]._cron_mark_overdue()
        reminders = collection.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(reminders), 1)
        self.assertIn(collection.name, reminders.subject)
        self.assertEqual(reminders.partner_ids, self.contact)
        self.assertFalse(
            supplier_payment.message_ids.filtered(lambda m: m.message_type == "comment"),
            "suppliers get no reminder",
        )


@tagged("post_install", "-at_install")
class TestPaymentInput(CrmPaymentsCase):
    def test_negative_amount_or_cost(self):
        payment = self.create_payment()
        with self.assertRefused(
            ValidationError, rf"Payment {payment.name}: the amount cannot be negative \(.*5\.00\)"
        ):
            payment.write({"amount": -5.0})
        with self.assertRefused(ValidationError, "the cost cannot be negative"):
            payment.write({"cost": -1.0})
        payment.invalidate_recordset()
        self.assertEqual((payment.amount, payment.cost), (100.0, 0.0), "nothing written")
        count = self.env["crm.payment"].search_count([])
        with self.assertRefused(ValidationError, "the amount cannot be negative"):
            self.create_payment(amount=-100.0)
        self.assertEqual(self.env["crm.payment"].search_count([]), count)

    def test_amounts_not_finite(self):
        """NaN and infinities are refused like other bad amounts, on payments and budgets,
        given as numbers or as the strings a client may send; nothing is written."""
        payment = self.create_payment()
        count = self.env["crm.payment"].search_count([])
        for value in (float("nan"), float("inf"), float("-inf"), "nan", "Infinity"):
            for field in ("amount", "cost"):
                with self.assertRefused(ValidationError, "must be a finite number"):
                    payment.write({field: value})
                with self.assertRefused(ValidationError, "must be a finite number"):
                    self.create_payment(**{field: value})
            with self.assertRefused(ValidationError, "must be a finite number"):
                self.env["crm.sales.budget"].create({"user_id": self.user.id, "amount": value})
        payment.invalidate_recordset()
        self.assertEqual((payment.amount, payment.cost), (100.0, 0.0), "nothing written")
        self.assertEqual(self.env["crm.payment"].search_count([]), count)
        self.assertFalse(self.env["crm.sales.budget"].search([("user_id", "=", self.user.id)]))

    def test_paid_date_in_future(self):
        payment = self.create_payment()
        with self.assertRefused(
            ValidationError, f"Payment {payment.name}: the paid date .* is in the future"
        ):
            payment.write({"date_paid": self.days(1)})
        payment.invalidate_recordset()
        self.assertFalse(payment.date_paid)
        payment.write({"date_paid": self.today})
        self.assertEqual(payment.date_paid, self.today)

    def test_paid_without_paid_date(self):
        payment = self.create_payment()
        with self.assertRefused(
            ValidationError, f"Payment {payment.name} is paid but has no paid date"
        ):
            payment.write({"state": "paid"})
        payment.invalidate_recordset()
        self.assertEqual(payment.state, "draft")

    def test_due_date_before_opportunity(self):
        with self.assertRefused(ValidationError, "is before the date of Warehouse shelving"):
            self.create_payment(lead_id=self.lead.id, date_due=self.days(-1))
        payment = self.create_payment(lead_id=self.lead.id, date_due=self.today)
        with self.assertRefused(ValidationError, f"Payment {payment.name}: the due date"):
            payment.write({"date_due": self.days(-30)})
        payment.invalidate_recordset()
        self.assertEqual(payment.date_due, self.today)

    def test_opportunity_fills_partner_and_campaign(self):
        campaign = self.env["utm.campaign"].create({"name": "Spring fair"})
        self.lead.campaign_id = campaign
        payment = self.create_payment(partner_id=None, lead_id=self.lead.id)
        self.assertEqual(payment.partner_id, self.customer)
        self.assertEqual(payment.campaign_id, campaign)
        self.assertEqual(payment.document_name, self.lead.name)

    def test_related_document(self):
        """Sale orders and invoices are linked when their applications are installed; the same
        code path is exercised here with a calendar event standing for such a document."""
        Payment = self.env["crm.payment"]
        offered = {model for model, _label in Payment._selection_document_model()}
        # the documents offered are those of the applications installed, as the database says
        installed = (
            self.env["ir.module.module"]
            .search([("name", "in", ("sale", "account")), ("state", "=", "installed")])
            .mapped("name")
        )
        self.assertEqual(
            offered, {{"sale": "sale.order", "account": "account.move"}[name] for name in installed}
        )
        event = self.env["calendar.event"].create(
            {
                "name": "Signature meeting",
                "start": datetime.combine(self.days(10), time(9)),
                "stop": datetime.combine(self.days(10), time(10)),
            }
        )
        with patch.dict(DOCUMENT_DATE_FIELDS, {"calendar.event": "start"}):
            self.assertIn("calendar.event", dict(Payment._selection_document_model()))
            payment = self.create_payment(document_ref=f"calendar.event,{event.id}")
            self.assertTrue(payment.can_link_document)
            self.assertEqual(payment.document_name, "Signature meeting")
            with self.assertRefused(
                ValidationError,
                f"Payment {payment.name}: the due date .* is before the date of Signature meeting",
            ):
                payment.write({"date_due": self.days(5)})
            payment.write({"date_due": self.days(12)})
            self.assertEqual(payment.date_due, self.days(12))

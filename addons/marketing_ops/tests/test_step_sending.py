import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import RecordCapturer, new_test_user, users

from odoo.addons.mail.tests.common import MailCase

from .common import MarketingOpsCase, assert_same_queries

REPLY = """Return-Path: {return_path}
To: {to}
cc: {cc}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Date: Fri, 10 Aug 2026 14:16:26 +0000
Message-ID: {msg_id}
{extra}

Count me in for the open house.
"""

BOUNCE = """Return-Path: <>
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {to}
Subject: {subject}
Date: Fri, 10 Aug 2026 14:20:00 +0000
Message-Id: {msg_id}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN-BOUNDARY"

--DSN-BOUNDARY
Content-Type: text/plain; charset=us-ascii

Your message to {bounced} could not be delivered: no such mailbox.

--DSN-BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {bounced}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such mailbox

--DSN-BOUNDARY
Content-Type: message/rfc822

Message-Id: {original_msg_id}
Subject: {original_subject}
From: marketing@example.com
To: {bounced}

The original message.

--DSN-BOUNDARY--
"""


class SendingCase(MarketingOpsCase, MailCase):
    """Partners with and without addresses, a template reading the operation, the step and an
    opportunity, and an operation whose steps send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "company@example.com"
        cls.user.email = "marketer@example.com"
        cls.type_faxing = cls.env.ref("marketing_ops.marketing_step_type_faxing")
        cls.type_mass = cls.env.ref("marketing_ops.marketing_step_type_mass_emailing")
        cls.alice.write({"email": "alice@example.com", "function": "Head of Purchasing"})
        cls.bob.write({"email": "bob@example.com", "function": "Qualité"})
        cls.carol = cls.Partner.create(
            {"name": "Carol Acme", "parent_id": cls.acme.id, "function": "Accounting"}
        )
        cls.globex.write({"email": "info@globex.example.com", "fax": "+33 (1) 23-45-67"})
        cls.opted_out = cls.Partner.create(
            {"name": "Opted Out", "email": "optout@example.com", "marketing_opt_out": True}
        )
        cls.env["mail.blacklist"].create({"email": "bob@example.com"})
        cls.env["crm.lead"].create(
            {
                "name": "Globex renewal",
                "partner_id": cls.globex.id,
                "type": "opportunity",
                # the marketer's own: a salesperson reads the opportunities assigned to them
                "user_id": cls.user.id,
            }
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Invitation",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "{{ operation.name }}: hello {{ object.name }}",
                "email_from": "marketing@example.com",
                "body_html": (
                    "<p>Dear <t t-out='object.name'/>, <t t-out='step.name'/> of "
                    "<t t-out='operation.name'/> for "
                    "<t t-out='targets[object.id].partner_id.name'/>"
                    "<t t-foreach='object.commercial_partner_id.opportunity_ids' t-as='lead'>"
                    " about <t t-out='lead.name'/></t></p>"
                ),
            }
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {"name": "programme.pdf", "datas": base64.b64encode(b"%PDF-1.4 programme")}
        )
        cls.operation = cls.create_operation("Open house")

    def emailing_step(self, name="Invitation email", **values):
        values = {
            "step_type_id": self.type_emailing.id,
            "mail_template_id": self.template.id,
            **values,
        }
        return self.create_step(self.operation, name, **values)

    def mails_of(self, step):
        return self.env["mail.mail"].sudo().search([("marketing_step_id", "=", step.id)])

    def target(self, step, partner):
        return step.target_ids.filtered(lambda t: t.partner_id == partner)


class TestStepEmailing(SendingCase):
    @users("mo_test_user")
    def test_emailing_sends_one_mail_per_eligible_recipient(self):
        step = self.emailing_step(attachment_ids=[(6, 0, self.attachment.ids)])
        step._add_targets(self.alice | self.bob | self.globex | self.solo | self.opted_out)
        with self.mock_mail_gateway():
            step.action_launch()
        mails = self.mails_of(step)
        self.assertEqual(set(mails.mapped("res_id")), {self.alice.id, self.globex.id})
        globex_mail = mails.filtered(lambda m: m.res_id == self.globex.id)
        self.assertEqual(globex_mail.subject, "Open house: hello Globex Test")
        self.assertIn("Dear Globex Test, Invitation email of Open house", globex_mail.body_html)
        self.assertIn("about Globex renewal", globex_mail.body_html)
        self.assertEqual(globex_mail.attachment_ids, self.attachment)
        self.assertEqual(globex_mail.email_to, '"Globex Test" <info@globex.example.com>')
        alice_mail = mails - globex_mail
        # the contact's mail reads its company's target
        self.assertIn(
            "Dear Alice Acme, Invitation email of Open house for Acme Test", alice_mail.body_html
        )
        # the message is in the partner's chatter and on the target
        globex_target = self.target(step, self.globex)
        self.assertEqual(globex_target.message_id, globex_mail.mail_message_id)
        self.assertEqual(globex_target.message_id.message_type, "email")
        self.assertIn(globex_mail.mail_message_id, self.globex.sudo().message_ids)
        self.assertEqual(globex_target.state_id, self.state_ok)
        # blacklisted, opted-out and address-less partners are skipped, counted and said why
        acme_target = self.target(step, self.acme)
        self.assertEqual(acme_target.state_id, self.state_ok)
        bob = acme_target.contact_ids.filtered(lambda c: c.partner_id == self.bob)
        self.assertEqual(bob.state_id, self.state_skipped)
        for partner, reason in (
            (self.solo, "no email address"),
            (self.opted_out, "opted out of marketing emails"),
        ):
            target = self.target(step, partner)
            self.assertEqual(target.state_id, self.state_skipped)
            self.assertIn(reason, target.notes)
        self.assertIn("2 messages queued", step.last_launch_summary)
        self.assertIn("3 recipients skipped", step.last_launch_summary)
        self.assertIn("Bob Acme: email address blacklisted", step.last_launch_summary)
        self.assertEqual(step.sent_message_count, 2)
        self.assertEqual(self.operation.sent_email_count, 2)
        # the host's mail queue sends them
        with self.mock_mail_gateway():
            mails.sudo().send()
        self.assertSentEmail(
            "marketing@example.com",
            ['"Globex Test" <info@globex.example.com>'],
            subject="Open house: hello Globex Test",
        )

    def test_replies_land_on_the_partner_and_count(self):
        step = self.emailing_step()
        step._add_targets(self.globex)
        with self.mock_mail_gateway():
            step.action_launch()
            self.mails_of(step).send()
        self._gateway_mail_reply(
            REPLY,
            mail=self.mails_of(step),
            use_in_reply_to=True,
            target_model="res.partner",
            target_field="name",
        )
        reply = self.globex.message_ids.filtered(
            lambda m: m.subject == "Re: Open house: hello Globex Test"
        )
        self.assertIn("Count me in", str(reply.body))
        self.assertEqual(step.email_replied_count, 1)

    def send_step(self, step):
        """Launch ``step`` and send its mails through the host's mail queue (mocked)."""
        with self.mock_mail_gateway():
            step.action_launch()
            self.mails_of(step).send()

    def bounce(self, mail, address):
        self.format_and_process(
            BOUNCE,
            "MAILER-DAEMON@mx.example.net",
            "bounces@example.com",
            subject=f"Undelivered Mail Returned to Sender {mail.id}",
            bounced=address,
            original_msg_id=mail.message_id,
            original_subject=mail.subject,
            target_model="res.partner",
        )

    @users("mo_test_user")
    def test_traces_count_in_the_operation_campaign_under_the_step_source(self):
        step = self.emailing_step()
        step._add_targets(self.globex | self.alice)
        self.send_step(step)
        traces = self.env["mailing.trace"].sudo().search([("marketing_step_id", "=", step.id)])
        self.assertEqual(len(traces), 2)
        campaign = self.operation.utm_campaign_id
        self.assertEqual(traces.campaign_id, campaign)
        self.assertTrue(step.utm_source_id)
        self.assertEqual(traces.source_id, step.utm_source_id)
        self.assertEqual(step.utm_source_id.name, "Open house: Invitation email")
        # the campaign's statistics count them: both delivered
        campaign = campaign.sudo()
        self.env.flush_all()
        campaign.invalidate_recordset()
        self.assertEqual(set(traces.mapped("trace_status")), {"sent"})
        self.assertEqual(campaign.received_ratio, 100)
        self.assertIn(self.globex.id, campaign._get_mailing_recipients()[campaign.id])
        # a second step of the operation has its own source, the same campaign
        second = self.emailing_step("Reminder")
        second._add_targets(self.globex)
        self.send_step(second)
        self.assertNotEqual(second.utm_source_id, step.utm_source_id)
        self.assertEqual(
            self.env["mailing.trace"].sudo().search_count([("campaign_id", "=", campaign.id)]), 3
        )

    @users("mo_test_user")
    def test_source_of_a_confidential_operation_is_neutral(self):
        step = self.emailing_step("Secret pricing")
        step._add_targets(self.globex)
        self.template.sudo().write(
            {"subject": "{{ operation_name }}", "body_html": "<p><t t-out='step_name'/></p>"}
        )
        self.send_step(step)
        self.assertIn("Open house", step.utm_source_id.name)
        # the operation becomes confidential: its next sending renames the source neutrally
        # confidential, and the user launching is one of its users
        self.operation.sudo().write(
            {"is_confidential": True, "code": "X1", "allowed_user_ids": [(4, self.env.uid)]}
        )
        step.target_ids.sudo().write({"state_id": self.state_todo.id})
        self.send_step(step)
        for secret in ("Open house", "Secret pricing", "X1"):
            self.assertNotIn(secret, step.utm_source_id.name)
        other = self.emailing_step("Secret follow-up")
        other._add_targets(self.globex)
        self.send_step(other)
        for secret in ("Open house", "Secret follow-up", "X1"):
            self.assertNotIn(secret, other.utm_source_id.name)
        self.assertNotEqual(other.utm_source_id, step.utm_source_id)

    @users("mo_test_user")
    def test_bounces_land_on_the_partner_and_count(self):
        step = self.emailing_step()
        dana = self.Partner.create({"name": "Dana Test", "email": "dana@example.com"})
        step._add_targets(self.globex | dana)
        self.send_step(step)
        mail = self.mails_of(step).filtered(lambda m: m.res_id == self.globex.id)
        self.bounce(mail, "info@globex.example.com")
        trace = self.env["mailing.trace"].sudo().search([("mail_mail_id_int", "=", mail.id)])
        self.assertEqual(trace.trace_status, "bounce")
        self.assertIn("no such mailbox", trace.failure_reason or "")
        self.assertEqual(self.globex.sudo().message_bounce, 1)
        self.assertEqual(dana.sudo().message_bounce, 0)
        step.invalidate_recordset()
        self.assertEqual(step.email_bounced_count, 1)
        campaign = self.operation.utm_campaign_id.sudo()
        self.env.flush_all()
        campaign.invalidate_recordset()
        self.assertEqual(campaign.bounced_ratio, 50)
        self.assertEqual(campaign.received_ratio, 50)

    @users("mo_test_user")
    def test_contact_launched_alone_gets_its_mail_at_once(self):
        self.carol.email = "carol@example.com"
        step = self.emailing_step()
        step._add_targets(self.alice | self.carol)
        target = self.target(step, self.acme)
        alice, carol = (
            target.contact_ids.filtered(lambda c, p=p: c.partner_id == p)
            for p in (self.alice, self.carol)
        )
        with self.mock_mail_gateway():
            alice.action_launch()
        self.assertEqual(self.mails_of(step).mapped("res_id"), [self.alice.id])
        self.assertEqual(alice.state_id, self.state_ok)
        self.assertEqual(target.message_id, self.mails_of(step).mail_message_id)
        # the partner waits for its other contact
        self.assertEqual(target.state_id, self.state_todo)
        self.assertEqual(carol.state_id, self.state_todo)
        # launched again, the contact gets nothing more
        with self.mock_mail_gateway():
            alice.action_launch()
        self.assertEqual(len(self.mails_of(step)), 1)
        # the last contact launched: its mail goes, and the partner takes the final status
        with self.mock_mail_gateway():
            carol.action_launch()
        mails = self.mails_of(step)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted([self.alice.id, self.carol.id]))
        self.assertEqual(carol.state_id, self.state_ok)
        self.assertEqual(target.state_id, self.state_ok)

    @users("mo_test_user")
    def test_contact_then_its_partner_each_contact_one_mail(self):
        self.carol.email = "carol@example.com"
        call = self.env.ref("mail.mail_activity_data_call")
        step = self.emailing_step(event_mode="activity", activity_type_id=call.id)
        self.operation.sudo().attach_message_to_event = True
        step._add_targets(self.alice | self.carol)
        target = self.target(step, self.acme)
        alice = target.contact_ids.filtered(lambda c: c.partner_id == self.alice)
        with self.mock_mail_gateway():
            alice.action_launch()
        self.assertEqual(len(self.mails_of(step)), 1)
        with self.mock_mail_gateway():
            target.action_launch()
        mails = self.mails_of(step)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted([self.alice.id, self.carol.id]))
        self.assertEqual(target.contact_ids.state_id, self.state_ok)
        self.assertEqual(target.state_id, self.state_ok)
        self.assertEqual(
            target.message_id, mails.filtered(lambda m: m.res_id == self.alice.id).mail_message_id
        )
        self.assertIn("1 messages queued", step.last_launch_summary)
        # the partner's activity carries both messages
        activity = (
            self.env["mail.activity"]
            .sudo()
            .search([("marketing_step_id", "=", step.id), ("res_id", "=", self.acme.id)])
        )
        self.assertEqual(len(activity.attachment_ids), 2)
        self.assertIn("Dear Alice Acme", str(activity.note))
        self.assertIn("Dear Carol Acme", str(activity.note))

    @users("mo_test_user")
    def test_confidential_operation_template_cannot_print_its_names(self):
        # confidential, and the user launching is one of its users
        self.operation.sudo().write(
            {"is_confidential": True, "code": "X1", "allowed_user_ids": [(4, self.env.uid)]}
        )
        step = self.emailing_step()
        step._add_targets(self.globex)
        with self.assertRaisesRegex(UserError, "operation_name and step_name") as caught:
            step.action_launch()
        self.assertIn("operation.name", str(caught.exception))
        self.assertIn("step.name", str(caught.exception))
        self.assertFalse(self.mails_of(step))
        self.assertEqual(self.target(step, self.globex).state_id, self.state_todo)
        # other spellings are refused too
        for expression in (
            "{{ targets[object.id].operation_id.display_name }}",
            "{{ step.parent_id.name }}",
            "{{ operation['code'] }}",
        ):
            self.template.sudo().subject = expression
            self.template.sudo().body_html = "<p>Hello</p>"
            with self.assertRaisesRegex(UserError, "operation_name and step_name"):
                step.action_launch()
        # a contact launched alone is refused the same way
        self.template.sudo().subject = "{{ operation.name }}"
        step._add_targets(self.alice)
        contact = self.target(step, self.acme).contact_ids
        with self.assertRaisesRegex(UserError, "operation_name and step_name"):
            contact.action_launch()
        # with the neutral names the step sends, and tells nothing
        self.template.sudo().write(
            {
                "subject": "{{ operation_name }}: {{ object.name }}",
                "body_html": "<p><t t-out='step_name'/> of <t t-out='operation_name'/></p>",
            }
        )
        with self.mock_mail_gateway():
            step.action_launch()
        mail = self.mails_of(step).filtered(lambda m: m.res_id == self.globex.id)
        for secret in ("Open house", "Invitation email", "X1"):
            self.assertNotIn(secret, mail.subject)
            self.assertNotIn(secret, str(mail.body_html))
        self.assertIn("Confidential step", str(mail.body_html))

    def test_public_operation_template_may_print_its_names(self):
        step = self.emailing_step()
        self.assertEqual(step._get_template_name_leaks(), ["operation.name", "step.name"])
        step._add_targets(self.globex)
        with self.mock_mail_gateway():
            step.action_launch()
        self.assertEqual(len(self.mails_of(step)), 1)

    def test_emailing_without_template_is_refused(self):
        step = self.emailing_step(mail_template_id=False)
        step._add_targets(self.globex)
        with self.assertRaisesRegex(UserError, "needs a mail template"):
            step.action_launch()

    def test_confidential_operation_lends_no_name_to_its_mailing(self):
        self.operation.write({"is_confidential": True, "code": "X1"})
        self.template.subject = False
        step = self.create_step(
            self.operation,
            "Secret launch",
            step_type_id=self.type_mass.id,
            mail_template_id=self.template.id,
        )
        step._add_targets(self.globex)
        step.action_launch()
        self.assertNotIn("Open house", step.mailing_id.subject)
        self.assertNotIn("Open house", step.mailing_id.name)
        self.assertNotIn("Open house", step.mailing_id.source_id.name)

    def test_emailing_queries_do_not_grow_with_targets(self):
        partners = self.Partner.create(
            [{"name": f"Partner {i}", "email": f"p{i}@example.com"} for i in range(113)]
        )
        steps = []
        for name, chunk in (
            ("Warm-up", partners[:3]),
            ("Ten", partners[3:13]),
            ("Hundred", partners[13:]),
        ):
            step = self.emailing_step(name)
            step._add_targets(chunk)
            steps.append(step)

        assert_same_queries(
            self,
            lambda step: step.with_user(self.user).action_launch(),
            few=steps[1],
            many=steps[2],
            warm=steps[0],
        )
        self.assertEqual(len(self.mails_of(steps[1])), 10)
        self.assertEqual(len(self.mails_of(steps[2])), 100)


class TestStepFaxing(SendingCase):
    @users("mo_test_user")
    def test_faxes_go_to_the_gateway(self):
        step = self.create_step(
            self.operation,
            "Fax",
            step_type_id=self.type_faxing.id,
            mail_template_id=self.template.id,
        )
        step._add_targets(self.globex | self.solo)
        with self.assertRaisesRegex(UserError, "fax gateway domain"):
            step.action_launch()
        self.env.company.sudo().marketing_fax_gateway_domain = "fax.example.com"
        with self.mock_mail_gateway():
            step.action_launch()
        mail = self.mails_of(step)
        self.assertEqual(mail.email_to, "331234567@fax.example.com")
        self.assertEqual(self.target(step, self.globex).state_id, self.state_ok)
        solo = self.target(step, self.solo)
        self.assertEqual(solo.state_id, self.state_skipped)
        self.assertIn("Solo Individual: no fax number.", solo.notes)
        self.assertIn("1 recipients skipped", step.last_launch_summary)

    def test_fax_gateway_is_a_company_setting(self):
        settings = self.env["res.config.settings"].create(
            {"marketing_fax_gateway_domain": "fax.example.org"}
        )
        settings.execute()
        self.assertEqual(self.env.company.marketing_fax_gateway_domain, "fax.example.org")
        self.assertEqual(self.env.company.marketing_launch_background_threshold, 500)


class TestStepMassEmailing(SendingCase):
    def test_mass_mailing_recipients_are_the_targets_and_its_figures_show(self):
        relay = self.env["ir.mail_server"].create(
            {"name": "Bulk relay", "smtp_host": "bulk.example.com"}
        )
        self.solo.email = "solo@example.com"
        mailer = new_test_user(
            self.env,
            "mo_mailer",
            groups="marketing_ops.marketing_ops_group_user,mass_mailing.group_mass_mailing_user",
        )
        newsletter = self.template.copy(
            {
                "subject": "News for {{ object.name }}",
                "body_html": '<p>Hello <t t-out="object.name"/></p>',
            }
        )
        step = self.create_step(
            self.operation,
            "Newsletter",
            step_type_id=self.type_mass.id,
            mail_template_id=newsletter.id,
            mass_mail_server_id=relay.id,
        )
        step._add_targets(self.globex | self.solo | self.opted_out)
        self.target(step, self.opted_out).state_id = self.state_ok
        action = step.with_user(mailer).action_launch()
        mailing = step.mailing_id
        self.assertEqual((action["res_model"], action["res_id"]), ("mailing.mailing", mailing.id))
        self.assertEqual(set(mailing._get_recipients()), {self.globex.id, self.solo.id})
        self.assertEqual(mailing.campaign_id, self.operation.utm_campaign_id)
        self.assertEqual(mailing.mail_server_id, relay)
        self.assertEqual(self.target(step, self.globex).state_id, self.state_todo)
        # a second launch updates the same mailing
        step._add_targets(self.alice)
        step.action_launch()
        self.assertEqual(step.mailing_id, mailing)
        self.assertEqual(
            set(mailing._get_recipients()), {self.globex.id, self.solo.id, self.alice.id}
        )
        with self.mock_mail_gateway():
            mailing.action_send_mail()
            self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)]).send()
        self.env.invalidate_all()
        self.assertEqual(mailing.state, "done")
        self.assertEqual(step.mailing_sent, 3)
        self.assertEqual(self.operation.mailing_sent, 3)
        self.assertEqual(
            set(step.target_ids.mapped("state_id.kind")), {"ok"}, "targets take the final status"
        )
        with self.assertRaisesRegex(UserError, "already sent"):
            step._launch_mass_emailing(step.target_ids)


class TestMessageOnEvents(SendingCase):
    @users("mo_test_user")
    def test_event_carries_the_message(self):
        self.operation.attach_message_to_event = True
        step = self.emailing_step(event_mode="meeting")
        step._add_targets(self.globex)
        with self.mock_mail_gateway():
            step.action_launch()
        event = self.target(step, self.globex).event_id
        self.assertIn("Dear Globex Test", str(event.description))
        eml = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "calendar.event"), ("res_id", "=", event.id)])
        )
        self.assertEqual(eml.mimetype, "message/rfc822")
        raw = base64.b64decode(eml.datas)
        self.assertIn(b"Subject: Open house: hello Globex Test", raw)
        self.assertIn(b"info@globex.example.com", raw)

    def test_activity_carries_the_message(self):
        self.operation.attach_message_to_event = True
        call = self.env.ref("mail.mail_activity_data_call")
        step = self.emailing_step(event_mode="activity", activity_type_id=call.id)
        step._add_targets(self.globex)
        with self.mock_mail_gateway():
            step.action_launch()
        activity = self.env["mail.activity"].search([("marketing_step_id", "=", step.id)])
        self.assertIn("Dear Globex Test", str(activity.note))
        self.assertEqual(activity.attachment_ids.mimetype, "message/rfc822")

    def test_without_the_option_events_carry_nothing(self):
        step = self.emailing_step(event_mode="meeting")
        step._add_targets(self.globex)
        with self.mock_mail_gateway():
            step.action_launch()
        self.assertNotIn("Dear", str(self.target(step, self.globex).event_id.description or ""))


class TestContactsByFunction(SendingCase):
    @users("mo_test_user")
    def test_contacts_by_function_are_targeted_and_mailed(self):
        step = self.emailing_step(event_mode="meeting")
        step._add_targets(self.acme | self.globex)
        wizard = self.env["marketing.operation.step.function"].create(
            {"step_id": step.id, "functions": "PURCHAS, qualite"}
        )
        wizard.action_apply()
        self.assertIn("2 contacts added", wizard.result)
        self.assertEqual(self.targets_of(step)[self.acme], {self.alice, self.bob})
        self.env["mail.blacklist"].sudo().search([]).unlink()
        with self.mock_mail_gateway():
            step.action_launch()
        self.assertEqual(
            set(self.mails_of(step).mapped("res_id")),
            {self.alice.id, self.bob.id, self.globex.id},
        )
        event = self.target(step, self.acme).event_id
        self.assertEqual(set(event.partner_ids), {self.acme, self.alice, self.bob})


class TestBackgroundLaunch(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.marketing_launch_background_threshold = 2
        cls.partners = cls.Partner.create(
            [{"name": f"Bulk {i}", "email": f"bulk{i}@example.com"} for i in range(5)]
        )

    def test_large_launch_runs_in_bounded_batches(self):
        step = self.emailing_step()
        step._add_targets(self.partners)
        cron = self.env.ref("marketing_ops.ir_cron_marketing_operation_step_launch")
        triggers = self.env["ir.cron.trigger"].sudo()
        with RecordCapturer(triggers, [("cron_id", "=", cron.id)]) as capture:
            step.with_user(self.user).action_launch()
        self.assertEqual(len(capture.records), 1)
        self.assertEqual(step.launch_queued_count, 5)
        self.assertFalse(self.mails_of(step))
        self.assertIn("5 targets queued", step.last_launch_summary)
        Step = self.env["marketing.operation.step"]
        with self.mock_mail_gateway():
            self.assertEqual(Step._cron_launch_queued(batch_size=3), 3)
            self.assertEqual(len(self.mails_of(step)), 3)
            self.assertEqual(step.launch_queued_count, 2)
            Step._cron_launch_queued(batch_size=3)
        self.assertEqual(len(self.mails_of(step)), 5)
        self.assertEqual(set(step.target_ids.mapped("state_id.kind")), {"ok"})
        self.assertEqual(self.mails_of(step).author_id, self.user.partner_id)

    def test_failing_batch_is_rolled_back_and_recorded(self):
        step = self.emailing_step()
        step._add_targets(self.partners)
        step.action_launch()
        Step = self.env["marketing.operation.step"]
        original = type(Step)._create_step_mails

        def fail_after_creating(self, vals_list):
            original(self, vals_list)
            raise ValueError("relay refused the batch")

        with patch.object(type(Step), "_create_step_mails", fail_after_creating):
            Step._cron_launch_queued(batch_size=10)
        self.assertFalse(self.mails_of(step), "nothing of the failed batch is kept")
        self.assertEqual(step.launch_queued_count, 0)
        self.assertEqual(step.launch_error_count, 5)
        self.assertEqual(set(step.target_ids.mapped("state_id.kind")), {"todo"})
        self.assertIn("relay refused the batch", step.target_ids[0].launch_error)

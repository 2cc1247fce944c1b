from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged

from .screenshots import ScreenshotCase

COMPANIES = [
    "Acme Furniture", "Globex Interiors", "Initech Office", "Umbrella Retail", "Stark Workspace",
    "Wayne Design", "Hooli Offices", "Vandelay Import", "Soylent Catering", "Pied Piper Studio",
    "Dunder Paper", "Cyberdyne Desks", "Tyrell Lighting", "Wonka Kitchens", "Oscorp Seating",
    "Gringotts Storage", "Monarch Floors", "Nakatomi Spaces", "Massive Dynamic", "Aperture Labs",
]  # fmt: skip


@tagged("-standard", "screenshots", "post_install", "-at_install")
class TestMarketingAutomationScreenshots(ScreenshotCase):
    """A running "Commercial prospection" campaign: its catalogue sent to twenty companies,
    opened, clicked, replied to and bounced, the interested ones called, the others reminded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketer = new_test_user(
            cls.env,
            "shots_automation",
            groups="marketing_automation_ext.marketing_automation_ext_group_manager,"
            "base.group_partner_manager",
            name="Julie Martin",
            email="julie.martin@example.com",
        )
        buyers = cls.env["res.partner.category"].create({"name": "Office furniture buyers"})
        cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "email": f"buyer@{name.split()[0].lower()}.example.com",
                    "city": "Lyon",
                    "category_id": [(6, 0, buyers.ids)],
                }
                for name in COMPANIES
            ]
        )
        start = datetime.combine(fields.Date.today() - timedelta(days=6), time(9, 0))
        Campaign = cls.env["marketing.automation.campaign"].with_user(cls.marketer)
        with freeze_time(start):
            cls.campaign = Campaign._create_from_template("prospection")
            cls.campaign.domain = repr(
                [("is_company", "=", True), ("category_id.name", "=", buyers.name)]
            )
            cls.campaign.action_start()
            cls.campaign._enrol_participants()
            cls.run_due()
        catalogue = cls.campaign.activity_ids.filtered(lambda a: not a.parent_id)
        mailing_traces = catalogue.trace_ids.mailing_trace_ids.sorted("res_id")
        mailing_traces.write({"trace_status": "sent"})
        # the reactions of the companies over the next hours, as the host's tracking records them
        for index, mailing_trace in enumerate(mailing_traces[:13]):
            with freeze_time(start + timedelta(hours=2, minutes=47 * index)):
                mailing_trace.set_opened()
                if index < 6:
                    cls.click(mailing_trace)
                if index in (3, 4):
                    mailing_trace.set_replied()
                cls.run_due()
        with freeze_time(start + timedelta(hours=1)):
            mailing_traces[-1:].set_bounced(bounce_message="550 5.1.1 Mailbox unknown")
        # three days later, the reminder to those who did not open
        with freeze_time(start + timedelta(days=3, hours=1)):
            cls.run_due()
        reminder = cls.campaign.activity_ids.filtered(lambda a: a.trigger_type == "mail_not_open")
        reminder.trace_ids.mailing_trace_ids.write({"trace_status": "sent"})
        cls.reacting = cls.campaign.participant_ids.filtered(
            lambda p: p.res_id == mailing_traces[3].res_id
        )

    @classmethod
    def click(cls, mailing_trace):
        links = cls.env["link.tracker"].search(
            [("mass_mailing_id", "=", mailing_trace.mass_mailing_id.id)], limit=1
        )
        if links:
            cls.env["link.tracker.click"].sudo().add_click(
                links.code, ip="100.10.10.10", country_code="FR", mailing_trace_id=mailing_trace.id
            )
        mailing_trace.set_clicked()

    @classmethod
    def run_due(cls):
        Trace = cls.env["marketing.automation.trace"]
        for _batch in range(5):
            traces = Trace._claim_due()
            if not traces:
                break
            traces._execute()
        cls.env.invalidate_all()

    def test_campaign_workflow(self):
        self.assertTrue(self.campaign.opened_count)
        self.screenshot(
            "campaign_workflow",
            "/odoo/action-marketing_automation_ext.marketing_automation_campaign_action/"
            f"{self.campaign.id}",
            ".o_form_view .o_field_widget[name=activity_ids] .o_kanban_record .o_ma_metric",
            login="shots_automation",
            scroll_to=".o_notebook",
        )

    def test_participant_traces(self):
        self.assertGreater(len(self.reacting.trace_ids), 1)
        self.screenshot(
            "participant_traces",
            "/odoo/action-marketing_automation_ext.marketing_automation_participant_action/"
            f"{self.reacting.id}",
            ".o_form_view .o_field_widget[name=trace_ids] .o_data_row",
            login="shots_automation",
        )

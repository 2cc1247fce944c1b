from psycopg2 import errors as pg_errors

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignUtm(MarketingAutomationCommon):
    """An automated campaign owns its UTM campaign: it creates and names it, and nobody
    deletes it from under the campaign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailing_user = new_test_user(
            cls.env, "ma_mass_mailing_user", groups="mass_mailing.group_mass_mailing_user"
        )

    def test_owned_utm_campaign_cannot_be_deleted(self):
        campaign = self._create_campaign(name="Spring welcome")
        self._create_activity(campaign, "Hello")
        utm = campaign.utm_campaign_id
        for user in (self.mailing_user, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError) as error:
                    utm.with_user(user).unlink()
                self.assertIn("Spring welcome", str(error.exception))
                self.assertTrue(campaign.exists())
                self.assertTrue(utm.exists())
        # an archived campaign still owns it
        campaign.active = False
        with self.assertRaises(UserError):
            utm.with_user(self.mailing_user).unlink()
        # and the database refuses too, whatever deletes it
        with self.assertRaises(pg_errors.ForeignKeyViolation), mute_logger("odoo.sql_db"):
            self.env.cr.execute("DELETE FROM utm_campaign WHERE id = %s", [utm.id])
        self.assertEqual(
            self.env["marketing.automation.campaign"]._fields["utm_campaign_id"].ondelete,
            "restrict",
        )

    def test_other_utm_campaigns_can_still_be_deleted(self):
        free = self.env["utm.campaign"].with_user(self.mailing_user).create({"title": "Free"})
        free.unlink()
        self.assertFalse(free.exists())

    def test_campaign_creates_and_renames_its_utm_campaign_as_superuser(self):
        """One method prepares the UTM campaign; it follows its owner's name."""
        Campaign = self.env["marketing.automation.campaign"].with_user(self.ma_user)
        self.assertEqual(
            Campaign._prepare_utm_campaign_values({"name": "Autumn"}),
            {"title": "Autumn", "is_auto_campaign": True},
        )
        campaign = Campaign.create(
            {"name": "Autumn", "model_id": self.env["ir.model"]._get_id("res.partner")}
        )
        utm = campaign.utm_campaign_id
        self.assertEqual(utm.title, "Autumn")
        self.assertTrue(utm.is_auto_campaign)
        # the UTM campaign was renamed by hand: the owner's next rename puts its name back
        utm.sudo().title = "Hand-written"
        campaign.with_user(self.ma_manager).name = "Winter"
        self.assertEqual(utm.title, "Winter")
        copy = campaign.copy()
        self.assertNotEqual(copy.utm_campaign_id, utm)
        self.assertEqual(copy.utm_campaign_id.title, copy.name)

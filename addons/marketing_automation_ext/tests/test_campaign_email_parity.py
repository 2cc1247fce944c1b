from unittest.mock import patch

from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon

# differ from one queued mail to the next whoever writes it
VOLATILE = {
    "id",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
    "date",
    "message_id",  # a random tracking message id per mail, compared apart
    "references",  # the message id
    "mail_message_id",
    "mail_mail_id",
    "mail_mail_id_int",
    "mailing_trace_ids",
}

# differ on purpose, asserted apart:
# - a mail of ours goes to the normalized address checked against the blacklist when it was
#   queued (email_to), where the host's mails to contacts name the contact as recipient;
# - the messages of ours share the mailing's attachments, the host copies them per message;
# - a mailing trace of ours links to the marketing trace that sent it.
DELIBERATE = {
    "mail.mail": {"email_to", "recipient_ids"},
    "mail.message": {"attachment_ids"},
    "mailing.trace": {"marketing_trace_id"},
}


@tagged("post_install", "-at_install")
class TestCampaignEmailParity(MarketingAutomationCommon):
    """The rows our set-based queuing writes are those the host's mass mailing writes for the
    same mailing and record: a change of the host's rows fails here."""

    maxDiff = None

    def _row(self, record, exclude=()):
        """The stored values of ``record`` (ids for relations), volatile ones aside."""
        names = [
            name
            for name, field in record._fields.items()
            if field.store
            and not field.inherited
            and (field.column_type or field.type == "many2many")
            and name not in VOLATILE
            and name not in exclude
        ]
        row = record.read(names, load=None)[0]
        row.pop("id")
        return row

    def _queued_rows(self, mailing, record, exclude_mails):
        mail = self.env["mail.mail"].search(
            [
                ("mailing_id", "=", mailing.id),
                ("res_id", "=", record.id),
                ("id", "not in", exclude_mails.ids),
            ]
        )
        self.assertEqual(len(mail), 1)
        trace = self.env["mailing.trace"].search([("mail_mail_id", "=", mail.id)])
        self.assertEqual(len(trace), 1)
        return mail, mail.mail_message_id, trace

    def test_queued_rows_match_the_host_mass_mailing(self):
        # two records: the host sends a single one at once instead of queuing it
        partner, other = self.partners[:2]
        campaign = self._create_campaign(records=partner | other, user_id=self.ma_user.id)
        activity = self._create_activity(campaign, "Offer")
        mailing = activity.mailing_id
        attachment = self.env["ir.attachment"].create(
            {"name": "offer.txt", "raw": b"offer", "res_model": "mailing.mailing", "res_id": 0}
        )
        mailing.write(
            {
                "subject": "Offer for {{ object.name }}",
                "preview": "Our spring offer",
                "attachment_ids": [(6, 0, attachment.ids)],
            }
        )
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
        ours = self._queued_rows(mailing, partner, self.env["mail.mail"])
        self.assertEqual(ours[2].marketing_trace_id, self._trace_of(activity, partner))
        our_rows = [self._row(record, DELIBERATE.get(record._name, ())) for record in ours]
        self.assertEqual(ours[2].message_id, ours[0].message_id)
        # the host skips the addresses this mailing already has a trace for
        self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)]).unlink()

        # the host's own sending of the same mailing to the same record, by the campaign's
        # user (the author of ours); automation mailings are refused there otherwise
        Mailing = self.registry["mailing.mailing"]
        # queued, as the host does beyond a few recipients
        self.env["ir.config_parameter"].sudo().set_param("mail.mail.force.send.limit", 0)
        with (
            self.mock_datetime_and_now(NOW),
            self.mock_mail_gateway(),
            patch.object(Mailing, "_check_not_automated", lambda self: None),
        ):
            mailing.with_user(self.ma_user).sudo()._action_send_mail(res_ids=(partner | other).ids)
        host = self._queued_rows(mailing, partner, ours[0])
        self.assertEqual(ours[0].email_to, partner.email_normalized)
        self.assertFalse(ours[0].recipient_ids)
        self.assertFalse(host[0].email_to)
        self.assertEqual(host[0].recipient_ids, partner)
        self.assertEqual(ours[1].attachment_ids, attachment)
        self.assertNotIn(attachment, host[1].attachment_ids)
        self.assertEqual(
            [(a.name, a.raw) for a in ours[1].attachment_ids],
            [(a.name, a.raw) for a in host[1].attachment_ids],
        )
        self.assertFalse(host[2].marketing_trace_id)
        self.assertEqual(host[2].message_id, host[0].message_id)
        for mail in (ours[0], host[0]):
            self.assertEqual(mail.references, mail.message_id)
        # message ids differ by their random part only
        self.assertEqual(
            ours[0].message_id.split("-openerp-", 1)[1],
            host[0].message_id.split("-openerp-", 1)[1],
        )
        for our_row, host_record in zip(our_rows, host, strict=True):
            with self.subTest(model=host_record._name):
                self.assertEqual(
                    our_row, self._row(host_record, DELIBERATE.get(host_record._name, ()))
                )

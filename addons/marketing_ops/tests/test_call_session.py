from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MarketingOpsCase


class CallSessionMixin:
    """A phoning step with its questionnaire, and a caller who is a plain marketing user."""

    @classmethod
    def setup_phoning(cls):
        cls.caller = new_test_user(
            cls.env,
            "mo_caller",
            groups="marketing_ops.marketing_ops_group_user",
            password="mo_caller",
            tz="Europe/Paris",
        )
        cls.type_phoning = cls.env.ref("marketing_ops.marketing_step_type_phoning")
        cls.activity_call = cls.env.ref("mail.mail_activity_data_call")
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Trade show call",
                "access_mode": "public",
                "questions_layout": "one_page",
                "question_and_page_ids": [
                    (
                        0,
                        0,
                        {
                            "title": "Do you want our catalogue?",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                (0, 0, {"value": "Yes"}),
                                (0, 0, {"value": "No"}),
                            ],
                        },
                    )
                ],
            }
        )
        cls.question = cls.survey.question_ids
        cls.answer_yes = cls.question.suggested_answer_ids.filtered(lambda a: a.value == "Yes")

    @classmethod
    def create_phoning_step(cls, operation, name="Calls", **values):
        return cls.env["marketing.operation.step"].create(
            {
                "operation_id": operation.id,
                "name": name,
                "step_type_id": cls.type_phoning.id,
                "survey_id": cls.survey.id,
                **values,
            }
        )


class TestCallSession(CallSessionMixin, MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_phoning()
        cls.operation = cls.create_operation("Fair calls")
        cls.step = cls.create_phoning_step(cls.operation)
        # Acme Test (with its contact Alice), Globex Test, Solo Individual: the list's order
        cls.step._add_targets(cls.alice | cls.globex | cls.solo)
        cls.target_acme, cls.target_globex, cls.target_solo = cls.step.target_ids.sorted()

    def start_session(self, call_order="list"):
        action = self.step.with_user(self.caller).action_start_calls()
        session = self.env[action["res_model"]].with_user(self.caller).browse(action["res_id"])
        session.call_order = call_order
        session.action_start()
        return session

    def test_session_walks_targets_in_list_order(self):
        self.assertEqual(self.target_acme.partner_id, self.acme)
        session = self.start_session()
        self.assertEqual(session.session_state, "call")
        self.assertEqual(session.target_id, self.target_acme)
        self.assertEqual(session.partner_id, self.acme)
        self.assertEqual(session.contact_ids.partner_id, self.alice)
        self.assertEqual(session.remaining_count, 3)
        session.action_next()
        self.assertEqual(session.target_id, self.target_globex)
        self.assertEqual((session.called_count, session.remaining_count), (1, 2))
        session.action_next()
        self.assertEqual(session.target_id, self.target_solo)

    def test_default_status_is_ok_continue(self):
        session = self.start_session()
        self.assertEqual(session.state_id, self.state_ok)
        session.action_next()
        self.assertEqual(self.target_acme.state_id, self.state_ok)
        self.assertEqual(self.target_acme.contact_ids.state_id, self.state_ok)
        # the next partner starts again from the default status
        self.assertEqual(session.state_id, self.state_ok)

    def test_callback_date_first(self):
        self.target_solo.callback_date = datetime(2026, 12, 2, 9, 0)
        self.target_globex.callback_date = datetime(2026, 12, 3, 9, 0)
        session = self.start_session("callback")
        self.assertEqual(session.target_id, self.target_solo)
        session.action_next()
        self.assertEqual(session.target_id, self.target_globex)
        session.action_next()
        self.assertEqual(session.target_id, self.target_acme)

    def test_questionnaire_is_created_for_the_partner_and_reopened(self):
        session = self.start_session()
        action = session.action_open_questionnaire()
        answer = self.target_acme.user_input_id
        self.assertTrue(answer)
        self.assertEqual(answer.survey_id, self.survey)
        self.assertEqual(answer.partner_id, self.acme)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        self.assertEqual(
            action["url"],
            f"/survey/start/{self.survey.access_token}?answer_token={answer.access_token}",
        )
        self.assertEqual(session.answer_state, "new")
        session.action_open_questionnaire()
        self.assertEqual(self.target_acme.user_input_id, answer, "the answer is reopened")
        self.assertEqual(
            self.env["survey.user_input"].search_count([("survey_id", "=", self.survey.id)]), 1
        )

    def test_counter_rises_while_to_process(self):
        session = self.start_session()
        session.action_open_questionnaire()
        session.action_open_questionnaire()
        self.assertEqual(self.target_acme.counter, 2)
        # once the partner is processed, opening the questionnaire again does not count
        self.target_acme.with_user(self.caller).state_id = self.state_responded
        session.action_open_questionnaire()
        self.assertEqual(self.target_acme.counter, 2)
        self.assertEqual(self.target_globex.counter, 0)

    def test_callback_schedules_a_call_for_the_caller(self):
        session = self.start_session()
        session.write(
            {
                "state_id": self.state_todo.id,
                # 17:30 UTC is 18:30 in Paris
                "callback_date": datetime(2026, 12, 4, 17, 30),
                "note": "Call back after the board meeting",
            }
        )
        session.action_next()
        self.assertEqual(self.target_acme.state_id, self.state_todo)
        self.assertEqual(self.target_acme.callback_date, datetime(2026, 12, 4, 17, 30))
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.activity_call)
        self.assertEqual(activity.user_id, self.caller)
        self.assertEqual(str(activity.date_deadline), "2026-12-04")
        self.assertIn("18:30", activity.summary)
        self.assertEqual(activity.marketing_step_id, self.step)
        # the note is kept on the target and logged on the partner by the caller
        self.assertIn("Call back after the board meeting", self.target_acme.notes)
        self.assertEqual(self.target_acme.message_id.author_id, self.caller.partner_id)
        self.assertIn("Call back after the board meeting", self.target_acme.message_id.body)
        # the partner to call back is not called again in the same session
        self.assertEqual(session.target_id, self.target_globex)
        session.action_next()
        session.action_next()
        self.assertEqual(session.session_state, "end")
        self.assertFalse(session.target_id)

    def test_partner_card_shows_history(self):
        self.acme.write({"phone": "+33 1 23 45 67 89", "mobile": "+33 6 12 34 56 78"})
        self.acme.message_post(body="Met at the last fair", message_type="comment")
        session = self.start_session()
        self.assertEqual(session.partner_phone, "+33 1 23 45 67 89")
        self.assertEqual(session.partner_mobile, "+33 6 12 34 56 78")
        self.assertIn("Met at the last fair", session.partner_message_ids[:1].body)
        session.write(
            {"state_id": self.state_todo.id, "callback_date": datetime(2026, 12, 4, 9, 0)}
        )
        session.action_next()
        # another session shows the callback planned by the first one
        other = self.start_session()
        self.assertEqual(other.target_id, self.target_acme)
        self.assertEqual(other.partner_activity_ids.activity_type_id, self.activity_call)

    def test_skip_moves_on_with_the_chosen_status(self):
        session = self.start_session()
        self.assertEqual(session.skip_state_id, self.state_skipped)
        session.action_skip()
        self.assertEqual(self.target_acme.state_id, self.state_skipped)
        self.assertEqual(self.target_acme.contact_ids.state_id, self.state_skipped)
        self.assertEqual(session.target_id, self.target_globex)
        session.skip_state_id = self.state_responded
        session.action_skip()
        self.assertEqual(self.target_globex.state_id, self.state_responded)
        self.assertFalse(self.target_globex.user_input_id)

    def test_done_offered_when_no_target_is_left(self):
        session = self.start_session()
        self.assertIs(session.action_next(), True)
        self.assertIs(session.action_skip(), True)
        action = session.action_next()
        self.assertEqual(action["res_model"], "marketing.operation.step.close")
        self.assertEqual(action["context"], {"default_step_id": self.step.id})
        self.assertEqual(session.session_state, "end")
        close = self.env[action["res_model"]].with_user(self.caller).with_context(action["context"])
        close.create({}).action_set_done()
        self.assertEqual(self.step.state_id.kind, "done")

    def test_no_done_offer_while_callbacks_are_left(self):
        session = self.start_session()
        session.state_id = self.state_todo
        session.action_next()
        session.action_next()
        self.assertIs(session.action_next(), True)
        self.assertEqual(session.session_state, "end")
        self.assertEqual(self.step.target_todo_count, 1)

    def test_processed_partners_move_on_to_the_next_step(self):
        reminder = self.create_step(self.operation, "Reminder")
        self.env["marketing.operation.transition"].create(
            {"step_id": self.step.id, "destination_step_ids": [(6, 0, reminder.ids)]}
        )
        session = self.start_session()
        session.action_next()
        session.action_skip()
        self.assertEqual(self.targets_of(reminder), {self.acme: {self.alice}})

    def test_calls_only_for_phoning_steps_with_targets(self):
        other = self.create_step(self.operation, "Manual")
        other._add_targets(self.globex)
        with self.assertRaisesRegex(UserError, "not a phoning step"):
            other.with_user(self.caller).action_start_calls()
        empty = self.create_phoning_step(self.operation, "Nobody")
        with self.assertRaisesRegex(UserError, "no target left"):
            empty.with_user(self.caller).action_start_calls()

    def test_phoning_keeps_its_questionnaire_mandatory(self):
        self.assertEqual(self.type_phoning.survey_requirement, "mandatory")
        with self.assertRaisesRegex(UserError, "requires: Questionnaire"):
            self.create_phoning_step(self.operation, "No questionnaire", survey_id=False)
        with self.assertRaisesRegex(UserError, "must make the questionnaire mandatory"):
            self.type_phoning.survey_requirement = "optional"

    def test_caller_cannot_edit_step_types(self):
        with self.assertRaises(AccessError):
            self.type_phoning.with_user(self.caller).survey_requirement = "mandatory"
        with self.assertRaises(AccessError):
            self.env["marketing.step.type"].with_user(self.caller).create({"name": "Cold calls"})


@tagged("post_install", "-at_install")
class TestCallSessionSurveyPage(CallSessionMixin, HttpCase):
    """The caller answers in the host's survey page, in the name of the partner called."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_phoning()
        cls.partner = cls.env["res.partner"].create({"name": "Called Company", "is_company": True})
        operation = cls.env["marketing.operation"].create({"name": "Answers operation"})
        cls.step = cls.create_phoning_step(operation)
        cls.step._add_targets(cls.partner)
        cls.target = cls.step.target_ids

    def test_answers_are_stored_on_the_target(self):
        action = self.step.with_user(self.caller).action_start_calls()
        session = self.env[action["res_model"]].with_user(self.caller).browse(action["res_id"])
        session.action_start()
        url = session.action_open_questionnaire()["url"]
        answer = self.target.user_input_id
        self.authenticate("mo_caller", "mo_caller")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            response.url.endswith(f"/survey/{self.survey.access_token}/{answer.access_token}"),
            response.url,
        )
        base = self.survey.get_base_url()
        begin = self.opener.post(
            f"{base}/survey/begin/{self.survey.access_token}/{answer.access_token}", json={}
        )
        self.assertNotIn("error", begin.json()["result"][1])
        submit = self.opener.post(
            f"{base}/survey/submit/{self.survey.access_token}/{answer.access_token}",
            json={
                "params": {
                    str(self.question.id): str(self.answer_yes.id),
                    "token": answer.access_token,
                }
            },
        )
        self.assertNotIn("error", submit.json().get("result", [{}, {}])[1], submit.text)
        self.assertEqual(answer.state, "done")
        self.assertEqual(answer.partner_id, self.partner)
        self.assertEqual(
            self.target.user_input_id.user_input_line_ids.suggested_answer_id, self.answer_yes
        )

    def test_other_users_still_cannot_answer_for_the_partner(self):
        answer = self.survey._create_answer(partner=self.partner, check_attempts=False)
        new_test_user(self.env, "mo_outsider", password="mo_outsider")
        self.authenticate("mo_outsider", "mo_outsider")
        # an answer of no target: the host's rule applies, the partner is not the user
        response = self.url_open(answer.get_start_url())
        self.assertFalse(response.url.endswith(f"/{answer.access_token}"), response.url)


@tagged("post_install", "-at_install")
class TestCallSessionTour(CallSessionMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_phoning()
        Partner = cls.env["res.partner"]
        cls.one = Partner.create(
            {"name": "Tour Caller One", "is_company": True, "phone": "+3311111111"}
        )
        cls.contact = Partner.create({"name": "Tour Contact", "parent_id": cls.one.id})
        cls.two = Partner.create({"name": "Tour Caller Two", "is_company": True})
        operation = cls.env["marketing.operation"].create({"name": "Tour calls"})
        cls.step = cls.create_phoning_step(operation, "Tour phoning step")
        cls.step._add_targets(cls.contact | cls.two)

    def test_call_two_partners(self):
        self.start_tour("/odoo", "marketing_ops_call_session_tour", login="mo_caller")
        target_one, target_two = self.step.target_ids.sorted()
        self.assertEqual(target_one.partner_id, self.one)
        self.assertEqual(
            target_one.state_id, self.env.ref("marketing_ops.marketing_target_state_ok")
        )
        self.assertEqual(target_one.contact_ids.state_id, target_one.state_id)
        self.assertEqual(target_one.counter, 1)
        self.assertEqual(target_one.user_input_id.partner_id, self.one)
        self.assertIn("Wants the catalogue", target_one.notes)
        self.assertEqual(
            target_two.state_id, self.env.ref("marketing_ops.marketing_target_state_skipped")
        )
        self.assertFalse(target_two.user_input_id)
        self.assertEqual(self.step.state_id.kind, "done")

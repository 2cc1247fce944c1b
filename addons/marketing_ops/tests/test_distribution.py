from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import MarketingOpsCase, assert_same_queries


class DistributionCase(MarketingOpsCase):
    """A phoning step whose questionnaire asks "Do you want our catalogue?", and its next steps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env["survey.survey"].create(
            {"title": "Trade show qualification", "access_mode": "token"}
        )
        cls.q_catalogue = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Do you want our catalogue?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": "Yes", "sequence": 1}),
                    Command.create({"value": "No", "sequence": 2}),
                ],
            }
        )
        cls.q_city = cls.env["survey.question"].create(
            {"survey_id": cls.survey.id, "title": "Which city?", "question_type": "char_box"}
        )
        cls.yes, cls.no = cls.q_catalogue.suggested_answer_ids
        cls.operation = cls.create_operation("ERP Show")
        cls.call = cls.create_step(cls.operation, "Call", survey_id=cls.survey.id)
        cls.catalogue = cls.create_step(cls.operation, "Catalogue")
        cls.reminder = cls.create_step(cls.operation, "Reminder")
        cls.initech = cls.Partner.create({"name": "Initech Test", "is_company": True})

    @classmethod
    def answer(cls, target, choice=None, city=None):
        """The partner of ``target`` answers the step's questionnaire."""
        lines = []
        if choice:
            lines.append(
                Command.create(
                    {
                        "question_id": cls.q_catalogue.id,
                        "answer_type": "suggestion",
                        "suggested_answer_id": choice.id,
                    }
                )
            )
        if city:
            lines.append(
                Command.create(
                    {
                        "question_id": cls.q_city.id,
                        "answer_type": "char_box",
                        "value_char_box": city,
                    }
                )
            )
        target.user_input_id = cls.env["survey.user_input"].create(
            {
                "survey_id": cls.survey.id,
                "partner_id": target.partner_id.id,
                "state": "done",
                "user_input_line_ids": lines,
            }
        )

    @classmethod
    def target(cls, step, partners, state=None):
        step._add_targets(partners)
        # a contact brings its company in
        companies = partners.filtered(lambda p: not p.is_company).parent_id
        targets = step.target_ids.filtered(lambda t: t.partner_id in partners | companies)
        if state:
            targets.write({"state_id": state.id})
        return targets

    @classmethod
    def transition(cls, step, destinations, conditions=(), formula=False):
        return cls.env["marketing.operation.transition"].create(
            {
                "step_id": step.id,
                "destination_step_ids": [Command.set(destinations.ids)],
                "condition_ids": [Command.create(values) for values in conditions],
                "formula": formula,
            }
        )

    def catalogue_condition(self, code="C1", value="Yes", operator="equals"):
        return {
            "code": code,
            "condition_type": "answer",
            "question_id": self.q_catalogue.id,
            "operator": operator,
            "value": value,
        }

    def distribute(self, step, user=None):
        action = step.with_user(user or self.user).action_distribute()
        return action["params"]


@tagged("post_install", "-at_install")
class TestDistribution(DistributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_acme = cls.target(cls.call, cls.alice, cls.state_ok)  # Acme with its contact Alice
        cls.t_globex = cls.target(cls.call, cls.globex, cls.state_responded)
        cls.t_initech = cls.target(cls.call, cls.initech, cls.state_skipped)
        cls.t_solo = cls.target(cls.call, cls.solo, cls.state_ok)
        cls.answer(cls.t_acme, cls.yes)
        cls.answer(cls.t_globex, cls.yes)
        cls.answer(cls.t_initech, cls.no)
        # Solo did not answer

    def test_yes_to_catalogue_others_to_reminder(self):
        self.transition(self.call, self.catalogue, [self.catalogue_condition(value="yes")])
        reminder = self.transition(self.call, self.reminder, [self.catalogue_condition()], "not C1")
        self.assertEqual(reminder.condition_summary, "C1: Do you want our catalogue? equals Yes")
        params = self.distribute(self.call)
        self.assertEqual(
            self.targets_of(self.catalogue),
            {self.acme: {self.alice}, self.globex: set()},
            "the answers Yes go to the catalogue, with the same contacts",
        )
        self.assertEqual(self.targets_of(self.reminder), {self.initech: set(), self.solo: set()})
        self.assertEqual(params["type"], "success")
        self.assertIn("Catalogue: 2 added, 0 already targeted.", params["message"])
        self.assertIn("Reminder: 2 added, 0 already targeted.", params["message"])
        new = self.catalogue.target_ids
        self.assertEqual(set(new.mapped("state_kind")), {"todo"})
        self.assertEqual(set(new.contact_ids.mapped("state_kind")), {"todo"})
        self.assertEqual(new.mapped("partner_name"), ["Acme Test", "Globex Test"])
        self.assertEqual(new.operation_id, self.operation)
        self.assertEqual(new.contact_ids.step_id, self.catalogue)

        # twice: nothing added
        params = self.distribute(self.call)
        self.assertIn("Catalogue: 0 added, 2 already targeted.", params["message"])
        self.assertEqual(len(self.catalogue.target_ids), 2)
        self.assertEqual(len(self.reminder.target_ids), 2)
        self.assertEqual(len(self.catalogue.target_ids.contact_ids), 1)

    def test_only_targets_that_may_continue(self):
        t_todo = self.target(self.call, self.bob.copy({"parent_id": False}))
        self.answer(t_todo, self.yes)
        self.t_globex.state_id = self.env["marketing.target.state"].create(
            {"name": "Refused", "kind": "stop"}
        )
        self.transition(self.call, self.catalogue, [self.catalogue_condition()])
        self.distribute(self.call)
        self.assertEqual(set(self.targets_of(self.catalogue)), {self.acme})

    def test_operators(self):
        self.answer(self.t_solo, city="Lyon")
        cases = [
            (
                {"question_id": self.q_catalogue.id, "operator": "in", "value": "no; Maybe"},
                {self.initech},
            ),
            ({"question_id": self.q_city.id, "operator": "equals", "value": "lyon"}, {self.solo}),
            ({"question_id": self.q_city.id, "operator": "matches", "value": "L*n"}, {self.solo}),
            ({"question_id": self.q_city.id, "operator": "matches", "value": "L?on"}, {self.solo}),
            ({"question_id": self.q_city.id, "operator": "matches", "value": "Ly"}, set()),
            # % and _ are plain characters
            ({"question_id": self.q_city.id, "operator": "equals", "value": "L%"}, set()),
        ]
        for values, expected in cases:
            with self.subTest(values=values):
                destination = self.create_step(self.operation, "Destination")
                self.transition(
                    self.call, destination, [{"condition_type": "answer", "code": "A", **values}]
                )
                self.call._distribute()
                self.assertEqual(set(self.targets_of(destination)), expected)
                self.call.transition_ids.unlink()

    def test_status_in_another_operation_and_partner_filter(self):
        webinar = self.create_step(self.create_operation("Webinar"), "Webinar")
        self.target(webinar, self.acme | self.initech | self.solo, self.state_responded)
        self.target(webinar, self.globex, self.state_ok)
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        (self.acme | self.globex | self.solo).category_id = vip
        self.transition(
            self.call,
            self.catalogue,
            [
                {
                    "code": "attended",
                    "condition_type": "status",
                    "status_step_id": webinar.id,
                    "target_state_ids": [Command.set(self.state_responded.ids)],
                },
                {
                    "code": "VIP",
                    "condition_type": "partner",
                    "partner_domain": f"[('category_id', 'in', [{vip.id}])]",
                },
                self.catalogue_condition("C3"),
            ],
            "attended et vip ou C3 et non vip",
        )
        self.distribute(self.call)
        # Acme: attended and VIP; Solo: attended and VIP; Globex: VIP but not attended (no C3
        # without VIP); Initech: attended, not VIP, answered No
        self.assertEqual(set(self.targets_of(self.catalogue)), {self.acme, self.solo})

    def test_kind_mismatch_reported(self):
        companies_only = self.create_operation("Companies", target_individuals=False)
        destination = self.create_step(companies_only, "Companies' catalogue")
        self.transition(self.call, destination)
        params = self.distribute(self.call)
        self.assertEqual(set(self.targets_of(destination)), {self.acme, self.globex, self.initech})
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("Companies' catalogue: 3 added", params["message"])
        self.assertIn(
            "1 not added to Companies' catalogue: operation Companies does not target their kind",
            params["message"],
        )
        self.assertIn("Solo Individual", params["message"])

        tag = self.env["res.partner.category"].create({"name": "Retail"})
        tagged_only = self.create_operation("Retailers", target_category_ids=[Command.set(tag.ids)])
        self.globex.category_id = tag
        retail = self.create_step(tagged_only, "Retail")
        self.call.transition_ids.destination_step_ids = retail
        self.call._distribute()
        self.assertEqual(set(self.targets_of(retail)), {self.globex})

    def test_formula_errors_on_save(self):
        transition = self.transition(
            self.call,
            self.catalogue,
            [self.catalogue_condition("C1"), self.catalogue_condition("C2", "No")],
            "C1 or C2",
        )
        cases = {
            "C1 and C2)": 'Unexpected ")" at column 10',
            "C1 and (C2 or C3)": 'Unknown code "C3" at column 15',
            "C1 and": "Unexpected end of formula at column 7",
            "C1 = C2": 'Unexpected character "=" at column 4',
        }
        for text, message in cases.items():
            with self.subTest(formula=text), self.assertRaises(ValidationError) as caught:
                transition.with_user(self.user).formula = text
            self.assertIn(message, str(caught.exception))
        # a code the formula uses cannot be removed
        with self.assertRaises(ValidationError):
            transition.condition_ids.filtered(lambda c: c.code == "C2").unlink()
        with self.assertRaises(ValidationError):
            self.transition(self.call, self.catalogue, [self.catalogue_condition("or")])
        with self.assertRaises(ValidationError):
            self.transition(self.call, self.call)

    def test_codes_given_in_order(self):
        transition = self.transition(
            self.call,
            self.catalogue,
            [self.catalogue_condition(code=False), self.catalogue_condition(code=False)],
        )
        self.assertEqual(transition.condition_ids.mapped("code"), ["C1", "C2"])


@tagged("post_install", "-at_install")
class TestAutomaticProgression(DistributionCase):
    def test_ok_moves_on_without_conditions(self):
        self.transition(self.call, self.catalogue)
        self.transition(self.call, self.reminder, [self.catalogue_condition()])
        targets = self.target(self.call, self.alice | self.globex | self.solo)
        self.assertFalse(self.catalogue.target_ids, "targets to process stay")
        # status set by hand
        targets.filtered(lambda t: t.partner_id == self.globex).with_user(
            self.user
        ).state_id = self.state_skipped
        self.assertFalse(self.catalogue.target_ids, "not processed: no progression")
        targets.filtered(lambda t: t.partner_id == self.globex).with_user(
            self.user
        ).state_id = self.state_responded
        self.assertEqual(self.targets_of(self.catalogue), {self.globex: set()})
        # launch
        self.call.with_user(self.user).action_launch()
        self.assertEqual(
            self.targets_of(self.catalogue),
            {self.globex: set(), self.acme: {self.alice}, self.solo: set()},
        )
        self.assertFalse(self.reminder.target_ids, "transitions with conditions wait")


@tagged("post_install", "-at_install")
class TestDistributionQueries(DistributionCase):
    def scenario(self, count):
        step = self.create_step(self.operation, f"Call {count}", survey_id=self.survey.id)
        partners = self.Partner.create(
            [{"name": f"Prospect {count}-{i}", "is_company": True} for i in range(count)]
        )
        step._add_targets(partners)
        step.target_ids.state_id = self.state_ok
        self.env["survey.user_input"].create(
            [
                {
                    "survey_id": self.survey.id,
                    "partner_id": target.partner_id.id,
                    "user_input_line_ids": [
                        Command.create(
                            {
                                "question_id": self.q_catalogue.id,
                                "answer_type": "suggestion",
                                "suggested_answer_id": (self.yes if i % 2 else self.no).id,
                            }
                        )
                    ],
                }
                for i, target in enumerate(step.target_ids)
            ]
        )
        for target, user_input in zip(
            step.target_ids,
            self.env["survey.user_input"].search([("partner_id", "in", partners.ids)]),
            strict=False,
        ):
            target.user_input_id = user_input
        catalogue = self.create_step(self.operation, f"Catalogue {count}")
        reminder = self.create_step(self.operation, f"Reminder {count}")
        self.transition(step, catalogue, [self.catalogue_condition()])
        self.transition(step, reminder, [self.catalogue_condition()], "not C1")
        self.env.flush_all()
        self.env.invalidate_all()
        return step, catalogue, reminder

    def test_query_count_independent_of_targets(self):
        warm, *_ = self.scenario(10)
        small, small_catalogue, _small_reminder = self.scenario(100)
        large, large_catalogue, large_reminder = self.scenario(1000)
        assert_same_queries(
            self,
            lambda step: step.with_user(self.user).action_distribute(),
            few=small,
            many=large,
            warm=warm,
        )
        self.assertEqual(len(small_catalogue.target_ids), 50)
        self.assertEqual(len(large_catalogue.target_ids), 500)
        self.assertEqual(len(large_reminder.target_ids), 500)


@tagged("post_install", "-at_install")
class TestTransitionCopies(DistributionCase):
    def test_operation_copy_remaps_its_steps(self):
        other = self.create_step(self.create_operation("Elsewhere"), "Elsewhere")
        self.transition(
            self.call,
            self.catalogue | other,
            [
                self.catalogue_condition(),
                {
                    "code": "C2",
                    "condition_type": "status",
                    "status_step_id": self.reminder.id,
                    "target_state_ids": [Command.set(self.state_ok.ids)],
                },
            ],
            "C1 or C2",
        )
        copy = self.operation.copy()
        call, catalogue, reminder = (
            copy.step_ids.filtered(lambda s, name=name: s.name == name)
            for name in ("Call", "Catalogue", "Reminder")
        )
        transition = call.transition_ids
        self.assertEqual(len(transition), 1)
        self.assertEqual(transition.destination_step_ids, catalogue | other)
        self.assertEqual(transition.formula, "C1 or C2")
        self.assertEqual(transition.condition_ids.mapped("code"), ["C1", "C2"])
        self.assertEqual(transition.condition_ids[0].question_id, self.q_catalogue)
        self.assertEqual(transition.condition_ids[1].status_step_id, reminder)
        self.assertEqual(len(self.call.transition_ids), 1, "the original keeps its own")

    def test_template_loaded_into_an_operation(self):
        template = self.create_operation("Template", is_template=True)
        call = self.create_step(template, "Call", survey_id=self.survey.id)
        catalogue = self.create_step(template, "Catalogue")
        self.transition(call, catalogue, [self.catalogue_condition()])
        operation = self.create_operation("From template")
        wizard = (
            self.env["marketing.operation.template.load"]
            .with_user(self.user)
            .create({"operation_id": operation.id, "template_operation_id": template.id})
        )
        wizard.action_load()
        new_call = operation.step_ids.filtered(lambda s: s.name == "Call")
        self.assertEqual(
            new_call.transition_ids.destination_step_ids,
            operation.step_ids.filtered(lambda s: s.name == "Catalogue"),
        )
        self.assertEqual(new_call.transition_ids.condition_ids.value, "Yes")

    def test_template_step_loaded_into_a_step(self):
        template = self.create_operation("Template", is_template=True)
        call = self.create_step(template, "Call", survey_id=self.survey.id, is_template=True)
        self.transition(call, self.catalogue, [self.catalogue_condition()], "not C1")
        step = self.create_step(self.operation, "New call")
        wizard = (
            self.env["marketing.operation.template.load"]
            .with_user(self.user)
            .create(
                {
                    "operation_id": self.operation.id,
                    "step_id": step.id,
                    "template_step_id": call.id,
                }
            )
        )
        wizard.action_load()
        self.assertEqual(step.survey_id, self.survey)
        self.assertEqual(step.transition_ids.destination_step_ids, self.catalogue)
        self.assertEqual(step.transition_ids.formula, "not C1")
        self.assertEqual(step.transition_ids.condition_ids.question_id, self.q_catalogue)

    def test_step_copied_alone_keeps_its_destinations(self):
        self.transition(self.call, self.catalogue, [self.catalogue_condition()])
        copy = self.call.copy()
        self.assertEqual(copy.transition_ids.destination_step_ids, self.catalogue)
        self.assertEqual(copy.transition_ids.condition_ids.code, "C1")


@tagged("post_install", "-at_install")
class TestTransitionConfidentiality(DistributionCase):
    def test_user_sees_transitions_of_visible_operations_only(self):
        transition = self.transition(self.call, self.catalogue, [self.catalogue_condition()])
        Transition = self.env["marketing.operation.transition"].with_user(self.user)
        Condition = self.env["marketing.operation.condition"].with_user(self.user)
        self.assertEqual(Transition.search([("id", "=", transition.id)]), transition)
        self.operation.write({"is_confidential": True, "user_id": self.manager.id})
        self.assertFalse(Transition.search([("id", "=", transition.id)]))
        self.assertFalse(Condition.search([("transition_id", "=", transition.id)]))
        with self.assertRaises(AccessError):
            transition.with_user(self.user).formula = "not C1"
        self.operation.allowed_user_ids = self.user
        transition.with_user(self.user).formula = "not C1"
        self.assertEqual(transition.formula, "not C1")

    def test_templates_written_by_managers_only(self):
        template = self.create_operation("Template", is_template=True)
        call = self.create_step(template, "Call", survey_id=self.survey.id)
        transition = self.transition(call, self.create_step(template, "Next"))
        self.assertTrue(transition.with_user(self.user).destination_step_ids)
        with self.assertRaises(AccessError):
            transition.with_user(self.user).formula = False
        with self.assertRaises(AccessError):
            self.env["marketing.operation.condition"].with_user(self.user).create(
                {"transition_id": transition.id, "condition_type": "partner"}
            )
        transition.with_user(self.manager).sequence = 5

from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class MarketingOpsSurvey(Survey):
    def _check_validity(self, survey_token, answer_token, ensure_token=True, check_partner=True):
        """Let a caller fill a phoning step's questionnaire in the name of the partner called:
        the answer belongs to that partner, not to the caller's own partner."""
        validity = super()._check_validity(
            survey_token, answer_token, ensure_token=ensure_token, check_partner=check_partner
        )
        if (
            validity == "answer_wrong_user"
            and answer_token
            and self._is_marketing_call_answer(answer_token)
        ):
            validity = super()._check_validity(
                survey_token, answer_token, ensure_token=ensure_token, check_partner=False
            )
        return validity

    def _is_marketing_call_answer(self, answer_token):
        """Whether the current user may update a target whose questionnaire answer has this token."""
        if request.env.user._is_public():
            return False
        answer = (
            request.env["survey.user_input"]
            .sudo()
            .search([("access_token", "=", answer_token)], limit=1)
        )
        Target = request.env["marketing.operation.target"]
        if not answer or not Target.has_access("write"):
            return False
        targets = Target.search([("user_input_id", "=", answer.id)])
        return bool(targets) and targets.has_access("write")

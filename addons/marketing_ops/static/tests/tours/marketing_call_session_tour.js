/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A marketing user calls the two partners of a phoning step: the first one answers the
// questionnaire and is processed with a note, the second one is skipped; nothing is left to
// process and the user sets the step done.
registry.category("web_tour.tours").add("marketing_ops_call_session_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mass_mailing.marketing_suite_menu_root"),
        {
            trigger: 'button[data-menu-xmlid="marketing_ops.marketing_ops_menu_operations"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="marketing_ops.marketing_operation_step_menu"]',
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(Tour phoning step) .o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_start_calls]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=call_order] input[data-value=list]:checked",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_start]",
            run: "click",
        },
        {
            trigger: ".oe_title .o_field_widget[name=partner_id]:contains(Tour Caller One)",
        },
        {
            trigger: ".o_field_widget[name=partner_phone] a[href='tel:+3311111111']",
        },
        {
            trigger: ".o_field_widget[name=contact_ids] .o_data_row:contains(Tour Contact)",
        },
        {
            trigger: "button[name=action_open_questionnaire]:contains(Open the Questionnaire)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=target_counter]:contains(1)",
        },
        {
            trigger: "button[name=action_open_questionnaire]:contains(Reopen the Questionnaire)",
        },
        {
            trigger: ".o_field_widget[name=state_id] input",
            run: (helpers) => {
                // the default status is "OK, continue"
                if (helpers.anchor.value !== "OK, continue") {
                    throw new Error(`Unexpected default status ${helpers.anchor.value}`);
                }
            },
        },
        {
            trigger: ".o_field_widget[name=note] textarea",
            run: "edit Wants the catalogue",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_next]",
            run: "click",
        },
        {
            trigger: ".oe_title .o_field_widget[name=partner_id]:contains(Tour Caller Two)",
        },
        {
            trigger: ".o_field_widget[name=called_count]:contains(1)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_skip]",
            run: "click",
        },
        {
            // nothing is left to process: the application offers to set the step done
            trigger: ".modal .modal-body:contains(Set the step to done)",
        },
        {
            trigger: ".modal button[name=action_set_done]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_field_widget[name=session_state] .o_arrow_button_current:contains(Finished)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_back_to_step]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

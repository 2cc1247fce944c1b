/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A marketing user opens Campaigns while there is none, creates one from a template in one click,
// sees its workflow, and test-runs it on one record step by step.
registry.category("web_tour.tours").add("marketing_automation_template_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mass_mailing.marketing_suite_menu_root"),
        {
            trigger:
                'button[data-menu-xmlid="marketing_automation_ext.marketing_automation_ext_menu_automation"]',
            run: "click",
        },
        {
            // no campaign yet: the Campaigns menu shows the template cards
            trigger: 'a[data-menu-xmlid="marketing_automation_ext.marketing_automation_campaign_menu"]',
            run: "click",
        },
        {
            trigger:
                ".o_ma_template_card:contains(Tag hot contacts) button[name=action_create_campaign]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=activity_ids] .o_kanban_record:contains(Welcome email)",
        },
        {
            trigger: ".o_field_widget[name=activity_ids] .o_kanban_record:contains(Tag as hot)",
        },
        {
            trigger: "button[name=action_open_test_run]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=record_ref] input",
            run: "edit Tour Contact",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains(Tour Contact)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            trigger: "button[name=action_run_next_test_step]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=trace_ids] .o_data_row:contains(Processed)",
        },
    ],
});

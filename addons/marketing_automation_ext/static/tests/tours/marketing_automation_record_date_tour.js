/** @odoo-module */

import { registry } from "@web/core/registry";

// An automation manager adds to a campaign on leads the email of use case 1: two months after
// the lead's Created on, the date picked in the activity form.
registry.category("web_tour.tours").add("marketing_automation_record_date_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=activity_ids] .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Discount",
        },
        {
            trigger: ".modal .o_field_widget[name=interval_number] input",
            run: "edit 2",
        },
        {
            trigger: ".modal .o_field_widget[name=interval_type] select",
            run: 'select "months"',
        },
        {
            trigger: ".modal .o_field_widget[name=anchor_field_id] input",
            run: "edit Created on",
        },
        {
            trigger: ".modal .o_field_widget[name=anchor_field_id] .dropdown-item:contains(Created on)",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=schedule_summary]:contains(2 months after the record's Created on)",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=activity_ids] .o_kanban_record:contains(Discount)",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            // saved: the save and discard buttons are hidden again
            trigger: ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)",
        },
    ],
});

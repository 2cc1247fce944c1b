/** @odoo-module */

import { registry } from "@web/core/registry";

// A salesperson plans four monthly instalments from an opportunity, then opens the first payment
// of the list (the latest due date) and records it as paid.
registry.category("web_tour.tours").add("crm_payments_instalment_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_open_instalments]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=count] input",
            run: "edit 4",
        },
        {
            // leaving the field applies the change
            trigger: ".modal .o_field_widget[name=interval] input",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(4)",
        },
        {
            trigger: ".modal button[name=action_create_payments]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:nth-child(4) .o_data_cell[name=amount]:contains(250.00)",
        },
        {
            trigger: ".o_list_view .o_data_row:first .o_data_cell[name=partner_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_mark_paid]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=state] .o_arrow_button_current:contains(Paid)",
        },
    ],
});

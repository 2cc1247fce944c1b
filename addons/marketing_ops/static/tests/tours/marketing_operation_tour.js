/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A marketing user opens the Marketing app, creates an operation with a final step from the
// operation form, and launches that step for the targets a test put in it.
registry.category("web_tour.tours").add("marketing_ops_operation_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mass_mailing.marketing_suite_menu_root"),
        {
            trigger: 'button[data-menu-xmlid="marketing_ops.marketing_ops_menu_operations"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="marketing_ops.marketing_operation_menu"]',
            run: "click",
        },
        {
            trigger: "button.o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Fair 2026",
        },
        {
            trigger: ".o_field_widget[name=location] input",
            run: "edit Lyon",
        },
        {
            trigger: ".o_field_widget[name=step_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Invitation email",
        },
        {
            trigger: ".modal .o_field_widget[name=step_type_id] input",
            run: "edit Emailing",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains(Emailing)",
            run: "click",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=step_ids] .o_data_row:contains(Invitation email)",
        },
        ...stepUtils.saveForm(),
        {
            trigger: ".o_field_widget[name=step_count]:contains(1)",
        },
    ],
});

registry.category("web_tour.tours").add("marketing_ops_launch_tour", {
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
            trigger: ".o_data_row:contains(Tour launch step) .o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_launch]",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            // the step has no target left: the application offers to set it done
            trigger: ".modal .modal-body:contains(Set the step to done)",
        },
        {
            trigger: ".modal button[name=action_set_done]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

# METADATA
# title: SageMaker notebook with direct internet access or outside a VPC
# description: >-
#   A notebook instance used on captured data must not reach the internet directly: with
#   directInternetAccess Enabled (the default) anything the notebook can read, it can send
#   anywhere. Set directInternetAccess Disabled and place the instance in a VPC subnet (subnetId,
#   with security groups), so egress goes through the VPC's controls and endpoints.
# custom:
#   id: LD-TRN-001
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_notebook_instance]
#   remediation: Set directInternetAccess to "Disabled" and subnetId (and securityGroups) to a private subnet of the training VPC.
#   frameworks:
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.20"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.training.notebook_network_isolated

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some notebook in types.resources_of("sagemaker_notebook_instance")
	classification.is_protected(notebook)
	some problem in problems(notebook)
	violation := {
		"urn": notebook.urn,
		"msg": sprintf("SageMaker notebook instance '%s' %s", [notebook.name, problem]),
	}
}

problems(notebook) := {p | p := internet_problem(notebook)} | {p | p := subnet_problem(notebook)}

deny contains violation if {
	some notebook in types.resources_of("sagemaker_notebook_instance")
	classification.is_protected(notebook)
	types.is_unknown(types.prop(notebook, "directInternetAccess", "Enabled"))
	violation := types.undecided({
		"urn": notebook.urn,
		"msg": sprintf("SageMaker notebook instance '%s' has a directInternetAccess unknown at plan time, so its internet access cannot be verified", [notebook.name]),
	})
}

internet_problem(notebook) := sprintf("has direct internet access (directInternetAccess %s)", [value]) if {
	value := types.prop(notebook, "directInternetAccess", "Enabled")
	value != "Disabled"
	not types.is_unknown(value)
}

subnet_problem(notebook) := "is not in a VPC (no subnetId)" if {
	not services.is_set_value(types.prop(notebook, "subnetId", null))
}

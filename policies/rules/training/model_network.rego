# METADATA
# title: SageMaker model container with unrestricted network access
# description: >-
#   A model container runs code on the data sent to it. It must either run in the stack's VPC
#   (vpcConfig with subnets and security groups) or be network isolated
#   (enableNetworkIsolation true, no network calls at all); otherwise it can call anywhere
#   through SageMaker's network.
# custom:
#   id: LD-TRN-006
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_model]
#   remediation: Set vpcConfig {subnets, securityGroupIds} to private subnets of the training VPC, or set enableNetworkIsolation to true.
#   frameworks:
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.20"
#     - "GDPR Art. 32"
package lockdown.rules.training.model_network

import rego.v1

import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some model in types.resources_of("sagemaker_model")
	not in_vpc(model)
	types.prop(model, "enableNetworkIsolation", false) != true
	unknown := types.is_unknown(types.prop(model, "enableNetworkIsolation", false))
	violation := types.undecided_when(unknown, {"urn": model.urn, "msg": message(model)})
}

in_vpc(model) if {
	vpc := types.prop(model, "vpcConfig", null)
	services.get(vpc, "subnets", []) != []
	services.get(vpc, "securityGroupIds", []) != []
}

in_vpc(model) if types.is_unknown(types.prop(model, "vpcConfig", null))

message(model) := sprintf("SageMaker model '%s' has enableNetworkIsolation unknown at plan time and no vpcConfig, so its network access cannot be verified", [model.name]) if {
	types.is_unknown(types.prop(model, "enableNetworkIsolation", false))
} else := sprintf("SageMaker model '%s' is neither in a VPC (vpcConfig with subnets and securityGroupIds) nor network isolated", [model.name])

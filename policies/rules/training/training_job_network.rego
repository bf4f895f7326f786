# METADATA
# title: SageMaker training job with unrestricted network access
# description: >-
#   A training job reads the captured data it trains on. Its containers must either run in the
#   stack's VPC (vpcConfig with subnets and security groups) or be network isolated
#   (enableNetworkIsolation true); otherwise the training code can send the data anywhere
#   through SageMaker's network.
# custom:
#   id: LD-TRN-008
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_training_job]
#   remediation: Set vpcConfig {subnets, securityGroupIds} to private subnets of the training VPC, or set enableNetworkIsolation to true on the training job.
#   frameworks:
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.20"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.training.training_job_network

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some job in services.resources_of_extra("sagemaker_training_job")
	classification.is_protected(job)
	not in_vpc(job)
	isolation := types.prop(job, "enableNetworkIsolation", false)
	isolation != true
	violation := types.undecided_when(types.is_unknown(isolation), {"urn": job.urn, "msg": message(job, isolation)})
}

in_vpc(job) if {
	vpc := types.prop(job, "vpcConfig", null)
	services.get(vpc, "subnets", []) != []
	services.get(vpc, "securityGroupIds", []) != []
}

in_vpc(job) if types.is_unknown(types.prop(job, "vpcConfig", null))

message(job, isolation) := sprintf("SageMaker training job '%s' has enableNetworkIsolation unknown at plan time and no vpcConfig, so its network access cannot be verified", [job.name]) if {
	types.is_unknown(isolation)
} else := sprintf("SageMaker training job '%s' is neither in a VPC (vpcConfig with subnets and securityGroupIds) nor network isolated", [job.name])

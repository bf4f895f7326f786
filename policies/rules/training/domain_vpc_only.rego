# METADATA
# title: SageMaker domain with public internet access
# description: >-
#   With appNetworkAccessType PublicInternetOnly (the default) Studio apps reach the internet
#   through SageMaker's own network, outside the VPC, so data read in Studio can leave without
#   passing any control of the stack. VpcOnly routes all app traffic through the domain's VPC.
# custom:
#   id: LD-TRN-003
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_domain]
#   remediation: Set appNetworkAccessType to "VpcOnly" on the domain, with subnetIds in private subnets and the VPC endpoints Studio needs.
#   frameworks:
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.20"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.training.domain_vpc_only

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

deny contains violation if {
	some domain in types.resources_of("sagemaker_domain")
	classification.is_protected(domain)
	value := types.prop(domain, "appNetworkAccessType", "PublicInternetOnly")
	value != "VpcOnly"
	violation := types.undecided_when(types.is_unknown(value), {"urn": domain.urn, "msg": message(domain, value)})
}

message(domain, value) := sprintf("SageMaker domain '%s' has an appNetworkAccessType unknown at plan time, so its network access cannot be verified", [domain.name]) if {
	types.is_unknown(value)
} else := sprintf("SageMaker domain '%s' lets apps reach the internet outside the VPC (appNetworkAccessType %s)", [domain.name, value])

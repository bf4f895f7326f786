# METADATA
# title: SageMaker model on restricted data not network isolated
# description: >-
#   A model serving or trained on restricted data (untagged models are restricted) must set
#   enableNetworkIsolation, so its container can make no network calls, even inside the VPC:
#   a container that can reach the VPC can reach the endpoints and buckets of that VPC.
# custom:
#   id: LD-TRN-007
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_model]
#   remediation: Set enableNetworkIsolation to true on the model; give the container what it needs through the model data and environment instead of network calls.
#   frameworks:
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.22"
#     - "GDPR Art. 25"
package lockdown.rules.training.model_network_isolation

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

deny contains violation if {
	some model in types.resources_of("sagemaker_model")
	classification.is_protected(model)
	value := types.prop(model, "enableNetworkIsolation", false)
	value != true
	violation := types.undecided_when(types.is_unknown(value), {"urn": model.urn, "msg": message(model, value)})
}

message(model, value) := sprintf("SageMaker model '%s' has enableNetworkIsolation unknown at plan time, so its isolation cannot be verified", [model.name]) if {
	types.is_unknown(value)
} else := sprintf("SageMaker model '%s' (%s) is not network isolated (enableNetworkIsolation %v)", [model.name, classification.level_label(model), value])

# METADATA
# title: Setting weakens how data stores are classified
# description: >-
#   A classificationTag other than data-classification, a defaultClassification other than
#   restricted, or protectedClassifications without restricted and confidential makes stores
#   that hold captured employee data count as unprotected, so every rule that protects them
#   stops applying without any resource changing.
# custom:
#   id: LD-SET-002
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Keep classificationTag data-classification, defaultClassification restricted, and restricted and confidential in protectedClassifications; classify a store that is really public with its tag instead.
#   frameworks:
#     - "SOC 2 C1.1"
#     - "ISO 27001 A.5.12"
#     - "GDPR Art. 32"
package lockdown.rules.settings.weakened_classification

import rego.v1

import data.lockdown.lib.config

deny contains violation if {
	some problem in problems
	violation := {"urn": sprintf("lockdown:settings:%s", [problem.setting]), "msg": problem.msg}
}

problems contains {"setting": "classificationTag", "msg": msg} if {
	config.classification_tag != "data-classification"
	msg := sprintf("setting classificationTag is %q: stores tagged data-classification are no longer classified", [config.classification_tag])
}

problems contains {"setting": "defaultClassification", "msg": msg} if {
	config.default_classification != "restricted"
	msg := sprintf("setting defaultClassification is %q: an untagged store is no longer restricted", [config.default_classification])
}

problems contains {"setting": "protectedClassifications", "msg": msg} if {
	some level in ["restricted", "confidential"]
	not level in config.protected_classifications
	msg := sprintf("setting protectedClassifications leaves out %q: stores classified so are no longer protected", [level])
}

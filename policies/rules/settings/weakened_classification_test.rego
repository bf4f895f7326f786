package lockdown.rules.settings.weakened_classification_test

import rego.v1

import data.lockdown.rules.settings.weakened_classification

test_empty_protected_classifications_are_denied if {
	findings := weakened_classification.deny with input as {"resources": []}
		with data.lockdown.config as {"protectedClassifications": []}
	count(findings) == 2
}

test_changed_default_classification_is_denied if {
	findings := weakened_classification.deny with input as {"resources": []}
		with data.lockdown.config as {"defaultClassification": "public"}
	count(findings) == 1
	some f in findings
	f.urn == "lockdown:settings:defaultClassification"
}

test_changed_classification_tag_is_denied if {
	findings := weakened_classification.deny with input as {"resources": []}
		with data.lockdown.config as {"classificationTag": "ignored"}
	count(findings) == 1
}

test_default_classification_settings_are_allowed if {
	findings := weakened_classification.deny with input as {"resources": []}
		with data.lockdown.config as {
			"classificationTag": "data-classification",
			"defaultClassification": "restricted",
			"protectedClassifications": ["restricted", "confidential", "internal"],
		}
	count(findings) == 0
}

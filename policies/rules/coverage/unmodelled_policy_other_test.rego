package lockdown.rules.coverage.unmodelled_policy_other_test

import rego.v1

import data.lockdown.rules.coverage.unmodelled_policy_other

test_azure_key_vault_access_policies_are_denied if {
	member := {
		"urn": "urn:pulumi:dev::p::azure-native:keyvault:Vault::v",
		"type": "azure-native:keyvault:Vault",
		"name": "v",
		"properties": {"accessPolicies": [{"objectId": "everyone"}]},
	}
	count(unmodelled_policy_other.deny) == 1 with input as {"resources": [member]}
}

test_provider_and_component_resources_are_allowed if {
	provider := {"urn": "u1", "type": "pulumi:providers:gcp", "name": "p", "properties": {"policy": "x"}}
	component := {"urn": "u2", "type": "my:index:Thing", "name": "t", "properties": {}}
	count(unmodelled_policy_other.deny) == 0 with input as {"resources": [provider, component]}
}

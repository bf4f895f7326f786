package lockdown.rules.logging.log_account_subscription_cross_account_test

import rego.v1

import data.lockdown.rules.logging.log_account_subscription_cross_account

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

own := {"accountIds": ["111122223333"]}

account_policy(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logAccountPolicy:LogAccountPolicy::ship-all",
	"type": "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
	"name": "ship-all",
	"properties": object.union({"policyName": "ship-all", "policyType": "SUBSCRIPTION_FILTER_POLICY", "scope": "ALL"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := log_account_subscription_cross_account.deny with input as {"resources": [account_policy(props)]}
		with data.lockdown.config as own
}

test_foreign_destination_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logAccountPolicy:LogAccountPolicy::ship-all",
		"type": "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
		"name": "ship-all",
		"properties": {
			"policyName": "ship-all",
			"policyType": "SUBSCRIPTION_FILTER_POLICY",
			"policyDocument": json.marshal({"DestinationArn": "arn:aws:firehose:eu-west-1:444455556666:deliverystream/collector", "FilterPattern": ""}),
		},
		"unknowns": [],
	}
	findings := log_account_subscription_cross_account.deny with input as {"resources": [record]}
		with data.lockdown.config as {"accountIds": ["111122223333"]}
	count(findings) == 1
	some f in findings
	contains(f.msg, "ships them to account 444455556666")
}

test_own_account_destination_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logAccountPolicy:LogAccountPolicy::ship-all",
		"type": "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
		"name": "ship-all",
		"properties": {
			"policyName": "ship-all",
			"policyType": "SUBSCRIPTION_FILTER_POLICY",
			"policyDocument": json.marshal({"DestinationArn": "arn:aws:firehose:eu-west-1:111122223333:deliverystream/collector", "FilterPattern": ""}),
		},
		"unknowns": [],
	}
	findings := log_account_subscription_cross_account.deny with input as {"resources": [record]}
		with data.lockdown.config as {"accountIds": ["111122223333"]}
	count(findings) == 0
}

test_unknown_document_is_denied if {
	some f in findings_for({"policyDocument": unknown})
	contains(f.msg, "not known at plan time")
}

test_invalid_document_is_denied if {
	some f in findings_for({"policyDocument": "{DestinationArn"})
	contains(f.msg, "not valid JSON")
}

test_missing_destination_is_denied if {
	some f in findings_for({"policyDocument": json.marshal({"FilterPattern": ""})})
	contains(f.msg, "DestinationArn is missing")
}

test_destination_without_account_is_denied if {
	some f in findings_for({"policyDocument": json.marshal({"DestinationArn": "collector"})})
	contains(f.msg, "names no account")
}

test_unknown_policy_type_is_denied if {
	doc := json.marshal({"DestinationArn": "arn:aws:kinesis:eu-west-1:444455556666:stream/x"})
	count(findings_for({"policyType": unknown, "policyDocument": doc})) == 1
}

test_data_protection_policy_is_allowed if {
	doc := json.marshal({"Name": "mask", "Version": "2021-06-01", "Statement": []})
	count(findings_for({"policyType": "DATA_PROTECTION_POLICY", "policyDocument": doc})) == 0
}

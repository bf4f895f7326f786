package lockdown.rules.logging.log_resource_policy_broad_read_test

import rego.v1

import data.lockdown.rules.logging.log_resource_policy_broad_read

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

settings := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/log-reader"]}

group_arn := "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/capture:*"

resource_policy(doc) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logResourcePolicy:LogResourcePolicy::logs",
	"type": "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
	"name": "logs",
	"properties": {"policyName": "logs", "policyDocument": doc},
	"unknowns": [],
}

findings_for(doc) := findings if {
	findings := log_resource_policy_broad_read.deny with input as {"resources": [resource_policy(doc)]}
		with data.lockdown.config as settings
}

allow(principal, action) := {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": group_arn}

test_everyone_reading_events_is_denied if {
	doc := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "logs:GetLogEvents", "Resource": group_arn}]}
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logResourcePolicy:LogResourcePolicy::logs",
		"type": "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
		"name": "logs",
		"properties": {"policyName": "logs", "policyDocument": json.marshal(doc)},
		"unknowns": [],
	}
	findings := log_resource_policy_broad_read.deny with input as {"resources": [record]}
		with data.lockdown.config as settings
	count(findings) == 1
	some f in findings
	contains(f.msg, "lets * (public) read logs: logs:GetLogEvents")
}

test_service_delivery_is_allowed if {
	doc := {"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Principal": {"Service": "delivery.logs.amazonaws.com"},
		"Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
		"Resource": group_arn,
		"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
	}]}
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logResourcePolicy:LogResourcePolicy::logs",
		"type": "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
		"name": "logs",
		"properties": {"policyName": "logs", "policyDocument": json.marshal(doc)},
		"unknowns": [],
	}
	findings := log_resource_policy_broad_read.deny with input as {"resources": [record]}
		with data.lockdown.config as settings
	count(findings) == 0
}

test_other_account_with_wildcard_is_denied if {
	doc := {"Statement": allow({"AWS": "arn:aws:iam::444455556666:root"}, "logs:*")}
	some f in findings_for(doc)
	contains(f.msg, "cross_account")
}

test_non_reader_role_with_get_wildcard_is_denied if {
	doc := {"Statement": [allow({"AWS": "arn:aws:iam::111122223333:role/analyst"}, "logs:Get*")]}
	some f in findings_for(doc)
	contains(f.msg, "arn:aws:iam::111122223333:role/analyst (named)")
}

test_own_account_not_action_is_denied if {
	stmt := {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "NotAction": ["logs:PutLogEvents"], "Resource": "*"}
	some f in findings_for({"Statement": [stmt]})
	contains(f.msg, "(account)")
}

test_export_task_is_a_read if {
	doc := {"Statement": [allow({"AWS": "arn:aws:iam::111122223333:role/analyst"}, "logs:CreateExportTask")]}
	count(findings_for(doc)) == 1
}

test_broad_grant_neutralized_by_deny_statement_is_still_denied if {
	deny_all := {"Effect": "Deny", "Principal": "*", "Action": "logs:*", "Resource": "*"}
	doc := {"Statement": [allow("*", "logs:FilterLogEvents"), deny_all]}
	count(findings_for(doc)) == 1
}

test_unscoped_service_reading_is_denied if {
	doc := {"Statement": [allow({"Service": "es.amazonaws.com"}, ["logs:StartQuery", "logs:GetQueryResults"])]}
	some f in findings_for(doc)
	contains(f.msg, "es.amazonaws.com (service)")
}

test_unknown_document_is_denied if {
	some f in findings_for(unknown)
	contains(f.msg, "not known at plan time")
}

test_invalid_document_is_denied if {
	some f in findings_for("{not json")
	contains(f.msg, "not a valid policy document")
}

test_scoped_service_reading_is_allowed if {
	cond := {"ArnLike": {"aws:SourceArn": "arn:aws:es:eu-west-1:111122223333:domain/search"}}
	stmt := object.union(allow({"Service": "es.amazonaws.com"}, "logs:GetLogEvents"), {"Condition": cond})
	count(findings_for({"Statement": [stmt]})) == 0
}

test_allowed_reader_is_allowed if {
	doc := {"Statement": [allow({"AWS": "arn:aws:iam::111122223333:role/log-reader"}, ["logs:GetLogEvents", "logs:FilterLogEvents"])]}
	count(findings_for(doc)) == 0
}

test_write_only_grant_to_everyone_is_allowed if {
	doc := {"Statement": [allow("*", "logs:PutLogEvents")]}
	count(findings_for(doc)) == 0
}

package lockdown.rules.lakeformation.default_permissions_open_test

import rego.v1

import data.lockdown.rules.lakeformation.default_permissions_open

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

config := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/trainer"]}

lake(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/dataLakeSettings:DataLakeSettings::lake",
	"type": "aws:lakeformation/dataLakeSettings:DataLakeSettings",
	"name": "lake",
	"properties": object.union({"admins": ["arn:aws:iam::111122223333:role/lake-admin"]}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := default_permissions_open.deny with input as {"resources": [lake(props)]}
		with data.lockdown.config as config
}

iam_all := [{"principal": "IAM_ALLOWED_PRINCIPALS", "permissions": ["ALL"]}]

test_database_default_for_iam_principals_group_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/dataLakeSettings:DataLakeSettings::lake",
		"type": "aws:lakeformation/dataLakeSettings:DataLakeSettings",
		"name": "lake",
		"properties": {
			"admins": ["arn:aws:iam::111122223333:role/lake-admin"],
			"createDatabaseDefaultPermissions": [{"principal": "IAM_ALLOWED_PRINCIPALS", "permissions": ["ALL"]}],
			"createTableDefaultPermissions": [],
		},
		"unknowns": [],
	}
	findings := default_permissions_open.deny with input as {"resources": [record]}
		with data.lockdown.config as config
	count(findings) == 1
	some f in findings
	contains(f.msg, `createDatabaseDefaultPermissions gives ["ALL"] to IAM_ALLOWED_PRINCIPALS`)
}

test_empty_defaults_are_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/dataLakeSettings:DataLakeSettings::lake",
		"type": "aws:lakeformation/dataLakeSettings:DataLakeSettings",
		"name": "lake",
		"properties": {
			"admins": ["arn:aws:iam::111122223333:role/lake-admin"],
			"createDatabaseDefaultPermissions": [],
			"createTableDefaultPermissions": [],
		},
		"unknowns": [],
	}
	findings := default_permissions_open.deny with input as {"resources": [record]}
		with data.lockdown.config as config
	count(findings) == 0
}

test_both_defaults_for_iam_principals_group_are_denied if {
	count(findings_for({"createDatabaseDefaultPermissions": iam_all, "createTableDefaultPermissions": iam_all})) == 2
}

test_default_read_to_non_reader_is_denied if {
	entry := [{"principal": "arn:aws:iam::111122223333:role/analyst", "permissions": ["SELECT"]}]
	some f in findings_for({"createTableDefaultPermissions": entry})
	contains(f.msg, "not an allowed reader")
}

test_default_to_other_account_is_denied if {
	entry := [{"principal": "444455556666", "permissions": ["DESCRIBE"]}]
	count(findings_for({"createTableDefaultPermissions": entry})) == 1
}

test_unknown_defaults_are_denied if {
	some f in findings_for({"createTableDefaultPermissions": unknown})
	contains(f.msg, "unknown at plan time")
}

test_unknown_entry_is_denied if {
	some f in findings_for({"createTableDefaultPermissions": [unknown]})
	contains(f.msg, "entry unknown")
}

test_unknown_entry_principal_is_denied if {
	some f in findings_for({"createTableDefaultPermissions": [{"principal": unknown, "permissions": ["ALL"]}]})
	contains(f.msg, "principal is unknown")
}

test_omitted_defaults_are_allowed if {
	count(findings_for({})) == 0
}

test_default_read_to_allowed_reader_is_allowed if {
	entry := [{"principal": "arn:aws:iam::111122223333:role/trainer", "permissions": ["SELECT"]}]
	count(findings_for({"createTableDefaultPermissions": entry})) == 0
}

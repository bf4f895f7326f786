package lockdown.rules.lakeformation.permissions_grant_option_test

import rego.v1

import data.lockdown.rules.lakeformation.permissions_grant_option

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

settings := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/trainer"]}

trainer := "arn:aws:iam::111122223333:role/trainer"

database(tags) := {
	"urn": "urn:pulumi:dev::lockdown::aws:glue/catalogDatabase:CatalogDatabase::capture",
	"type": "aws:glue/catalogDatabase:CatalogDatabase",
	"name": "capture",
	"properties": {"name": "capture", "tags": tags},
	"unknowns": [],
}

grant(principal, options) := {
	"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
	"type": "aws:lakeformation/permissions:Permissions",
	"name": "grant",
	"properties": {
		"principal": principal,
		"permissions": ["SELECT", "DESCRIBE"],
		"permissionsWithGrantOptions": options,
		"table": {"databaseName": "capture", "name": "keystrokes"},
	},
	"unknowns": [],
}

findings_for(resources) := findings if {
	findings := permissions_grant_option.deny with input as {"resources": resources}
		with data.lockdown.config as settings
}

test_grant_option_to_listed_reader_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
		"type": "aws:lakeformation/permissions:Permissions",
		"name": "grant",
		"properties": {
			"principal": "arn:aws:iam::111122223333:role/trainer",
			"permissions": ["SELECT", "DESCRIBE"],
			"permissionsWithGrantOptions": ["SELECT"],
			"table": {"databaseName": "capture", "name": "keystrokes"},
		},
		"unknowns": [],
	}
	findings := permissions_grant_option.deny with input as {"resources": [database({}), record]}
		with data.lockdown.config as settings
	count(findings) == 1
	some f in findings
	contains(f.msg, `give arn:aws:iam::111122223333:role/trainer ["SELECT"] on database 'capture' with grant option`)
}

test_no_grant_option_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
		"type": "aws:lakeformation/permissions:Permissions",
		"name": "grant",
		"properties": {
			"principal": "arn:aws:iam::111122223333:role/trainer",
			"permissions": ["SELECT", "DESCRIBE"],
			"table": {"databaseName": "capture", "name": "keystrokes"},
		},
		"unknowns": [],
	}
	findings := permissions_grant_option.deny with input as {"resources": [database({}), record]}
		with data.lockdown.config as settings
	count(findings) == 0
}

test_unknown_grant_options_are_denied if {
	some f in findings_for([database({}), grant(unknown, unknown)])
	contains(f.msg, "a principal unknown at plan time")
}

test_unknown_grant_option_entry_is_denied if {
	count(findings_for([database({}), grant(trainer, [unknown])])) == 1
}

test_describe_grant_option_is_allowed if {
	count(findings_for([database({}), grant(trainer, ["DESCRIBE"])])) == 0
}

test_grant_option_on_public_database_is_allowed if {
	count(findings_for([database({"data-classification": "public"}), grant(trainer, ["SELECT"])])) == 0
}

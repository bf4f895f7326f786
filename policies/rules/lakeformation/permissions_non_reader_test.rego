package lockdown.rules.lakeformation.permissions_non_reader_test

import rego.v1

import data.lockdown.rules.lakeformation.permissions_non_reader

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

settings := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/trainer"]}

analyst := "arn:aws:iam::111122223333:role/analyst"

trainer := "arn:aws:iam::111122223333:role/trainer"

db_urn := "urn:pulumi:dev::lockdown::aws:glue/catalogDatabase:CatalogDatabase::capture"

database(tags) := {
	"urn": db_urn,
	"type": "aws:glue/catalogDatabase:CatalogDatabase",
	"name": "capture",
	"id": "111122223333:capture",
	"properties": {"name": "capture", "tags": tags},
	"unknowns": [],
}

data_bucket(tags) := {
	"urn": "urn:pulumi:dev::lockdown::aws:s3/bucket:Bucket::capture-data",
	"type": "aws:s3/bucket:Bucket",
	"name": "capture-data",
	"id": "capture-data",
	"properties": {"bucket": "capture-data", "arn": "arn:aws:s3:::capture-data", "tags": tags},
	"unknowns": [],
}

grant(principal, props, deps) := {
	"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
	"type": "aws:lakeformation/permissions:Permissions",
	"name": "grant",
	"properties": object.union({"principal": principal}, props),
	"dependencies": deps,
	"unknowns": [],
}

table_select := {"permissions": ["SELECT", "DESCRIBE"], "table": {"databaseName": "capture", "name": "keystrokes"}}

findings_for(resources) := findings if {
	findings := permissions_non_reader.deny with input as {"resources": resources}
		with data.lockdown.config as settings
}

test_select_to_non_reader_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
		"type": "aws:lakeformation/permissions:Permissions",
		"name": "grant",
		"properties": {
			"principal": "arn:aws:iam::111122223333:role/analyst",
			"permissions": ["SELECT", "DESCRIBE"],
			"table": {"databaseName": "capture", "name": "keystrokes"},
		},
		"unknowns": [],
	}
	findings := permissions_non_reader.deny with input as {"resources": [database({}), record]}
		with data.lockdown.config as settings
	count(findings) == 1
	some f in findings
	contains(f.msg, `["SELECT"] on database 'capture' to arn:aws:iam::111122223333:role/analyst`)
}

test_select_to_listed_reader_is_allowed if {
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
	findings := permissions_non_reader.deny with input as {"resources": [database({}), record]}
		with data.lockdown.config as settings
	count(findings) == 0
}

test_select_on_database_outside_stack_is_denied if {
	count(findings_for([grant(analyst, table_select, [])])) == 1
}

test_all_on_columns_is_denied if {
	props := {"permissions": ["ALL"], "tableWithColumns": {"databaseName": "capture", "name": "keystrokes", "wildcard": true}}
	count(findings_for([database({}), grant(analyst, props, [])])) == 1
}

test_data_location_access_on_restricted_bucket_is_denied if {
	props := {"permissions": ["DATA_LOCATION_ACCESS"], "dataLocation": {"arn": "arn:aws:s3:::capture-data"}}
	count(findings_for([data_bucket({}), grant(analyst, props, [])])) == 1
}

test_unknown_permissions_are_denied if {
	findings := findings_for([database({}), grant(analyst, {"permissions": unknown, "database": {"name": "capture"}}, [])])
	some f in findings
	contains(f.msg, "(unknown)")
}

test_unknown_permission_entry_is_denied if {
	count(findings_for([database({}), grant(analyst, {"permissions": [unknown], "database": {"name": "capture"}}, [])])) == 1
}

test_unknown_database_name_resolved_by_dependency_is_denied if {
	props := {"permissions": ["SELECT"], "table": {"databaseName": unknown, "name": "keystrokes"}}
	count(findings_for([database({}), grant(analyst, props, [db_urn])])) == 1
}

test_unknown_database_name_resolved_to_internal_is_allowed if {
	props := {"permissions": ["SELECT"], "table": {"databaseName": unknown, "name": "keystrokes"}}
	count(findings_for([database({"data-classification": "internal"}), grant(analyst, props, [db_urn])])) == 0
}

test_describe_only_is_allowed if {
	props := {"permissions": ["DESCRIBE"], "database": {"name": "capture"}}
	count(findings_for([database({}), grant(analyst, props, [])])) == 0
}

test_select_on_public_database_is_allowed if {
	count(findings_for([database({"data-classification": "public"}), grant(analyst, table_select, [])])) == 0
}

test_location_on_public_bucket_is_allowed if {
	props := {"permissions": ["DATA_LOCATION_ACCESS"], "dataLocation": {"arn": "arn:aws:s3:::capture-data"}}
	count(findings_for([data_bucket({"data-classification": "public"}), grant(analyst, props, [])])) == 0
}

test_cells_filter_on_restricted_database_is_denied if {
	props := {"permissions": ["SELECT"], "dataCellsFilter": {"databaseName": "capture", "tableName": "keystrokes", "name": "no-pii", "tableCatalogId": "111122223333"}}
	count(findings_for([database({}), grant(analyst, props, [])])) == 1
}

test_broad_principal_is_left_to_broad_rule if {
	count(findings_for([database({}), grant("IAM_ALLOWED_PRINCIPALS", table_select, [])])) == 0
}

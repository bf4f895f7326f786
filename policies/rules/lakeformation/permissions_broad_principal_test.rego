package lockdown.rules.lakeformation.permissions_broad_principal_test

import rego.v1

import data.lockdown.rules.lakeformation.permissions_broad_principal

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

settings := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/trainer", "arn:aws:iam::999988887777:role/auditor"]}

grant(principal, extra) := {
	"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
	"type": "aws:lakeformation/permissions:Permissions",
	"name": "grant",
	"properties": object.union({"principal": principal, "permissions": ["SELECT"], "table": {"databaseName": "capture", "name": "keystrokes"}}, extra),
	"unknowns": [],
}

findings_for(principal, extra) := findings if {
	findings := permissions_broad_principal.deny with input as {"resources": [grant(principal, extra)]}
		with data.lockdown.config as settings
}

test_grant_to_iam_principals_group_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
		"type": "aws:lakeformation/permissions:Permissions",
		"name": "grant",
		"properties": {"principal": "IAM_ALLOWED_PRINCIPALS", "permissions": ["ALL"], "database": {"name": "capture"}},
		"unknowns": [],
	}
	findings := permissions_broad_principal.deny with input as {"resources": [record]}
		with data.lockdown.config as settings
	count(findings) == 1
	some f in findings
	contains(f.msg, "IAM_ALLOWED_PRINCIPALS (everyone IAM lets in)")
	contains(f.msg, "database 'capture'")
}

test_own_role_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:lakeformation/permissions:Permissions::grant",
		"type": "aws:lakeformation/permissions:Permissions",
		"name": "grant",
		"properties": {
			"principal": "arn:aws:iam::111122223333:role/trainer",
			"permissions": ["SELECT"],
			"table": {"databaseName": "capture", "name": "keystrokes"},
		},
		"unknowns": [],
	}
	findings := permissions_broad_principal.deny with input as {"resources": [record]}
		with data.lockdown.config as settings
	count(findings) == 0
}

test_describe_to_iam_principals_group_is_denied if {
	count(findings_for("IAM_ALLOWED_PRINCIPALS", {"permissions": ["DESCRIBE"]})) == 1
}

test_own_account_is_denied if {
	some f in findings_for("111122223333", {})
	contains(f.msg, "every principal of an account")
}

test_all_iam_principals_of_account_is_denied if {
	count(findings_for("111122223333:IAMPrincipals", {})) == 1
}

test_other_account_is_denied if {
	some f in findings_for("444455556666", {})
	contains(f.msg, "another account")
}

test_other_account_root_is_denied if {
	count(findings_for("arn:aws:iam::444455556666:root", {})) == 1
}

test_own_account_root_is_denied if {
	some f in findings_for("arn:aws:iam::111122223333:root", {})
	contains(f.msg, "every principal of an account")
}

test_role_of_other_account_is_denied if {
	count(findings_for("arn:aws:iam::444455556666:role/analyst", {})) == 1
}

test_organization_is_denied if {
	some f in findings_for("arn:aws:organizations::111122223333:organization/o-abc123", {})
	contains(f.msg, "organization")
}

test_organizational_unit_is_denied if {
	count(findings_for("arn:aws:organizations::111122223333:ou/o-abc123/ou-ab12-cd34", {})) == 1
}

test_wildcard_is_denied if {
	count(findings_for("*", {})) == 1
}

test_unknown_principal_is_denied if {
	some f in findings_for(unknown, {"dataLocation": {"arn": "arn:aws:s3:::capture-data"}, "table": null})
	contains(f.msg, "unknown at plan time")
	contains(f.msg, "data location 'arn:aws:s3:::capture-data'")
}

test_allowed_reader_of_other_account_is_allowed if {
	count(findings_for("arn:aws:iam::999988887777:role/auditor", {})) == 0
}

test_catalog_grant_label if {
	findings := findings_for("IAM_ALLOWED_PRINCIPALS", {"catalogResource": true, "permissions": ["CREATE_DATABASE"], "table": null})
	some f in findings
	contains(f.msg, "the data catalog")
}

test_lf_tag_policy_label if {
	policy := {"resourceType": "TABLE", "expressions": [{"key": "team", "values": ["capture"]}]}
	findings := findings_for("IAM_ALLOWED_PRINCIPALS", {"lfTagPolicy": policy, "table": null})
	some f in findings
	contains(f.msg, "an LF-tag policy")
}

test_target_without_label if {
	findings := findings_for("IAM_ALLOWED_PRINCIPALS", {"table": null})
	some f in findings
	contains(f.msg, "on its target")
}

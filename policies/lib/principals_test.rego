package lockdown.lib.principals_test

import rego.v1

import data.lockdown.lib.policy
import data.lockdown.lib.principals

cfg := {"allowedReaders": ["arn:aws:iam::111111111111:role/reader"], "accountIds": ["111111111111"], "organizationId": "o-abc123"}

stmt(fields) := policy.parse({"Statement": [object.union({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, fields)]}).statements[0]

classes(fields) := {e.class | some e in principals.audience(stmt(fields))}

test_every_principal_form_is_classified if {
	every case in [
		[{"Principal": "*"}, {"public"}],
		[{"Principal": {"AWS": "*"}}, {"public"}],
		[{"Principal": {"AWS": ["*", "arn:aws:iam::111111111111:role/reader"]}}, {"public", "named"}],
		[{"NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/reader"}}, {"public"}],
		[{"Principal": {"AWS": "222222222222"}}, {"cross_account"}],
		[{"Principal": {"AWS": "arn:aws:iam::111111111111:root"}}, {"account"}],
		[{"Principal": {"AWS": "arn:aws:iam::111111111111:role/x"}}, {"named"}],
		[{"Principal": {"Service": "s3.amazonaws.com"}}, {"service"}],
		[{"Principal": {"Federated": "cognito-identity.amazonaws.com"}}, {"federated"}],
		[{"Principal": {"CanonicalUser": "abc"}}, {"cross_account"}],
		[{"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "222222222222"}}}, {"cross_account"}],
		[{"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}, {"account"}],
		[{"Principal": "*", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abc123/*"]}}}, {"organization"}],
		[{"Principal": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222222222222:*"}}}, {"cross_account"}],
		[{"Principal": "*", "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}, {"public"}],
		[{"Principal": "*", "Condition": {"StringLike": {"aws:PrincipalArn": "reader-*"}}}, {"named"}],
		[{"Principal": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}, {"public"}],
	] {
		classes(case[0]) == case[1] with data.lockdown.config as cfg
	}
}

test_pins_narrow_named_principals if {
	c := {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/reader"}}
	count(principals.audience(stmt({"Principal": {"AWS": "arn:aws:iam::111111111111:role/x"}, "Condition": c}))) == 0 with data.lockdown.config as cfg
	count(principals.audience(stmt({"Principal": {"Service": "s3.amazonaws.com"}, "Condition": c}))) == 0 with data.lockdown.config as cfg
}

test_service_scoping_forms if {
	every c in [
		{"StringEquals": {"aws:SourceAccount": "111111111111"}},
		{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}},
		{"StringEquals": {"aws:SourceOrgID": "o-abc123"}},
		{"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
		{"StringEquals": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"}},
	] {
		principals.service_scoped(stmt({"Principal": {"Service": "s3.amazonaws.com"}, "Condition": c})) with data.lockdown.config as cfg
	}
	not principals.service_scoped(stmt({"Principal": {"Service": "s3.amazonaws.com"}, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}})) with data.lockdown.config as cfg
}

test_not_principal_deny_with_conditions_is_no_perimeter if {
	s := policy.parse({"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/reader"}, "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "v"}}}]}).statements[0]
	not principals.denies_all_but_allowed(s) with data.lockdown.config as cfg
}

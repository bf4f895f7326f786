package lockdown.lib.resources_test

import rego.v1

import data.lockdown.lib.policy
import data.lockdown.lib.resources

stmt(fields) := policy.parse({"Statement": [object.union({"Effect": "Allow", "Action": "s3:GetObject"}, fields)]}).statements[0]

test_object_patterns_apply_to_objects if {
	every r in ["arn:aws:s3:::b/*", "arn:aws:s3:::b/private/*", "arn:aws:s3:::*/*", "*", "arn:aws:s3:::b*", "arn:*:s3:::b/x"] {
		resources.applies_to_objects(stmt({"Resource": r}), "b")
	}
}

test_other_bucket_patterns_are_allowed if {
	every r in ["arn:aws:s3:::other/*", "arn:aws:s3:::b", "arn:aws:s3:::bb/*", "arn:aws:kms:*:*:key/*"] {
		not resources.applies_to_objects(stmt({"Resource": r}), "b")
	}
}

test_policy_variables_match_anything if resources.applies_to_objects(stmt({"Resource": "arn:aws:s3:::b/${aws:username}/*"}), "b")

test_not_resource_applies_to_what_it_does_not_exclude if {
	s := stmt({"NotResource": "arn:aws:s3:::other/*"})
	resources.applies_to_objects(s, "b")
	resources.applies_to_bucket(s, "b")
	resources.covers_all_objects(s, "b")
	resources.applies_to_any_bucket(s)
	resources.applies_to_any_key(s)
	resources.applies_to_any_log_group(s)
}

test_not_resource_excluding_the_bucket_is_allowed if {
	s := stmt({"NotResource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"]})
	not resources.applies_to_objects(s, "b")
	not resources.applies_to_bucket(s, "b")
	not resources.covers_all_objects(s, "b")
}

test_prefix_deny_does_not_cover_all_objects if not resources.covers_all_objects(stmt({"Resource": "arn:aws:s3:::b/private/*"}), "b")

test_applies_to_all if {
	resources.applies_to_all(stmt({"Resource": "*"}))
	resources.applies_to_all(stmt({"NotResource": []}))
	not resources.applies_to_all(stmt({"Resource": "arn:aws:s3:::b/*"}))
}

test_service_wide_patterns if {
	resources.applies_to_any_key(stmt({"Resource": "arn:aws:kms:*:111111111111:key/*"}))
	not resources.applies_to_any_key(stmt({"Resource": "arn:aws:kms:eu-west-1:111111111111:key/1234"}))
	resources.applies_to_any_log_group(stmt({"Resource": "arn:aws:logs:*:*:*"}))
	not resources.applies_to_any_log_group(stmt({"Resource": "arn:aws:logs:eu-west-1:1:log-group:app:*"}))
	resources.applies_to_any_bucket(stmt({"Resource": "arn:aws:s3:::*"}))
	not resources.applies_to_any_bucket(stmt({"Resource": "arn:aws:s3:::data-*/*"}))
}

test_access_point_patterns if {
	arn := "arn:aws:s3:eu-west-1:111111111111:accesspoint/ap"
	resources.applies_to_access_point(stmt({"Resource": concat("", [arn, "/object/*"])}), arn, "ap")
	resources.applies_to_access_point(stmt({"Resource": "arn:aws:s3:eu-west-1:111111111111:accesspoint/ap/object/x/*"}), "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "ap")
	resources.applies_to_access_point(stmt({"NotResource": "x"}), arn, "ap")
	not resources.applies_to_access_point(stmt({"Resource": "arn:aws:s3:eu-west-1:111111111111:accesspoint/other/object/*"}), arn, "ap")
}

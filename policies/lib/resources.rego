# Which resources a statement applies to: bucket ARNs, object ARNs, access point ARNs, `*`.
#
# Resource ARNs are matched case-sensitively with IAM wildcards. A statement applies to a
# bucket's objects when one of its patterns can match some object of the bucket
# (arn:aws:s3:::b/*, arn:aws:s3:::b/private/*, arn:aws:s3:::*/*, *). NotResource applies to
# everything it does not exclude.
package lockdown.lib.resources

import rego.v1

import data.lockdown.lib.arn
import data.lockdown.lib.wildcard

# Resource patterns are matched with wildcard.match (IAM semantics, case-sensitive) against
# ARNs built in the stack's partition (lib/arn.rego).
bucket_arn(name) := arn.bucket(name)

# A pattern that can match some object of the bucket named `name`: some string
# "<bucket ARN>/<key>" matches it (wildcard.matches_some_extension).
pattern_covers_some_object(p, name) if wildcard.matches_some_extension(p, concat("", [arn.bucket(name), "/"]))

# A pattern that matches every object of the bucket (arn:aws:s3:::b/*, arn:aws:s3:::*, *).
pattern_covers_all_objects(p, name) if wildcard.matches_every_extension(p, concat("", [arn.bucket(name), "/"]))

pattern_covers_bucket(p, name) if wildcard.match(p, arn.bucket(name))

# The statement applies to some object of the bucket.
applies_to_objects(stmt, name) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	pattern_covers_some_object(p, name)
}

applies_to_objects(stmt, name) if {
	stmt.uses_not_resource
	not _excludes_all_objects(stmt, name)
}

_excludes_all_objects(stmt, name) if {
	some p in stmt.not_resources
	pattern_covers_all_objects(p, name)
}

# The statement applies to the bucket itself (listing).
applies_to_bucket(stmt, name) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	pattern_covers_bucket(p, name)
}

applies_to_bucket(stmt, name) if {
	stmt.uses_not_resource
	not _excludes_bucket(stmt, name)
}

_excludes_bucket(stmt, name) if {
	some p in stmt.not_resources
	pattern_covers_bucket(p, name)
}

# For a Deny: it covers every object of the bucket.
covers_all_objects(stmt, name) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	pattern_covers_all_objects(p, name)
}

covers_all_objects(stmt, name) if {
	stmt.uses_not_resource
	every p in stmt.not_resources {
		not pattern_covers_some_object(p, name)
	}
}

covers_bucket(stmt, name) if applies_to_bucket(stmt, name)

# A statement that applies to everything ("*" or NotResource excluding nothing relevant).
applies_to_all(stmt) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	p == "*"
}

applies_to_all(stmt) if {
	stmt.uses_not_resource
	count(stmt.not_resources) == 0
}

# The statement applies to objects of any bucket at all ("*", "arn:aws:s3:::*", "arn:aws:s3:::*/*").
applies_to_any_bucket(stmt) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	pattern_covers_some_object(p, "lockdown-probe-a")
	pattern_covers_some_object(p, "zz-unrelated-probe-b")
}

applies_to_any_bucket(stmt) if stmt.uses_not_resource

# The statement applies to every key (of a region or account at least): "*", "arn:aws:kms:*:123:key/*".
applies_to_any_key(stmt) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	_service_wide_pattern(p, "kms", "key/lockdown-probe")
}

applies_to_any_key(stmt) if stmt.uses_not_resource

# The statement applies to every log group (of a region or account at least).
applies_to_any_log_group(stmt) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	_service_wide_pattern(p, "logs", "log-group:lockdown-probe:*")
}

applies_to_any_log_group(stmt) if stmt.uses_not_resource

_service_wide_pattern(p, _, _) if p == "*"

_service_wide_pattern(p, service, probe) if {
	parts := split(p, ":")
	count(parts) >= 6
	wildcard.match(parts[0], "arn")
	wildcard.match(parts[2], service)
	wildcard.match(concat(":", array.slice(parts, 5, count(parts))), probe)
}

# Access points: the statement applies to objects reached through the access point.
applies_to_access_point(stmt, ap_arn, ap_name) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	_ap_pattern(p, ap_arn, ap_name)
}

applies_to_access_point(stmt, _, _) if stmt.uses_not_resource

_ap_pattern(p, ap_arn, _) if {
	is_string(ap_arn)
	wildcard.matches_some_extension(p, concat("", [ap_arn, "/object/"]))
}

_ap_pattern(p, ap_arn, _) if {
	is_string(ap_arn)
	wildcard.match(p, ap_arn)
}

_ap_pattern(p, _, ap_name) if {
	# The access point ARN is unknown at plan time: match by its name.
	contains(p, concat("", [":accesspoint/", ap_name]))
}

_ap_pattern(p, _, _) if p == "*"

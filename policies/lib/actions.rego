# IAM-style action matching: case-insensitive, `*` and `?` wildcards, NotAction.
#
# A statement "grants" an action when one of its Action patterns matches it, or when it uses
# NotAction and none of those patterns match it. Read sets are the concrete AWS actions a
# pattern family stands for (s3:GetObject* and s3:ListBucket* for S3 objects), so a grant of
# `s3:Get*`, `s3:*Object` or `*` is recognized as a read.
package lockdown.lib.actions

import rego.v1

import data.lockdown.lib.wildcard

# Every S3 action matching s3:GetObject* or s3:ListBucket*: reading objects or listing them.
s3_read := {
	"s3:getobject", "s3:getobjectacl", "s3:getobjectattributes", "s3:getobjectlegalhold",
	"s3:getobjectretention", "s3:getobjecttagging", "s3:getobjecttorrent", "s3:getobjectversion",
	"s3:getobjectversionacl", "s3:getobjectversionattributes", "s3:getobjectversionforreplication",
	"s3:getobjectversiontagging", "s3:getobjectversiontorrent",
	"s3:listbucket", "s3:listbucketmultipartuploads", "s3:listbucketversions",
}

# The object-level reads (Resource: object ARNs) and the bucket-level listings (bucket ARN).
s3_object_read := {a | some a in s3_read; startswith(a, "s3:getobject")}

s3_list_read := {a | some a in s3_read; startswith(a, "s3:listbucket")}

# KMS actions that reveal plaintext, or let the caller give itself that power (CreateGrant).
kms_decrypt := {"kms:decrypt", "kms:reencryptfrom", "kms:reencryptto", "kms:creategrant"}

# What a key administrator may never do: decrypt directly.
kms_decrypt_direct := {"kms:decrypt", "kms:reencryptfrom", "kms:reencryptto"}

# Reading log events, or copying them out of the group (an export task to S3, a subscription
# filter to a stream): every path by which a grant on a log group gives its events away. The
# one set for every rule and edge that asks who can read logs.
logs_read := {
	"logs:getlogevents", "logs:filterlogevents", "logs:startquery", "logs:getqueryresults",
	"logs:startlivetail", "logs:getlogrecord", "logs:unmask", "logs:getlogobject",
	"logs:createexporttask", "logs:putsubscriptionfilter",
}

# The actions above as AWS writes them, for messages (matching is on the lower-case forms).
display_names := {
	"s3:getobject": "s3:GetObject", "s3:getobjectacl": "s3:GetObjectAcl",
	"s3:getobjectattributes": "s3:GetObjectAttributes", "s3:getobjectlegalhold": "s3:GetObjectLegalHold",
	"s3:getobjectretention": "s3:GetObjectRetention", "s3:getobjecttagging": "s3:GetObjectTagging",
	"s3:getobjecttorrent": "s3:GetObjectTorrent", "s3:getobjectversion": "s3:GetObjectVersion",
	"s3:getobjectversionacl": "s3:GetObjectVersionAcl",
	"s3:getobjectversionattributes": "s3:GetObjectVersionAttributes",
	"s3:getobjectversionforreplication": "s3:GetObjectVersionForReplication",
	"s3:getobjectversiontagging": "s3:GetObjectVersionTagging",
	"s3:getobjectversiontorrent": "s3:GetObjectVersionTorrent",
	"s3:listbucket": "s3:ListBucket", "s3:listbucketmultipartuploads": "s3:ListBucketMultipartUploads",
	"s3:listbucketversions": "s3:ListBucketVersions",
	"kms:decrypt": "kms:Decrypt", "kms:reencryptfrom": "kms:ReEncryptFrom", "kms:reencryptto": "kms:ReEncryptTo",
	"kms:creategrant": "kms:CreateGrant",
	"logs:getlogevents": "logs:GetLogEvents", "logs:filterlogevents": "logs:FilterLogEvents",
	"logs:startquery": "logs:StartQuery", "logs:getqueryresults": "logs:GetQueryResults",
	"logs:startlivetail": "logs:StartLiveTail", "logs:getlogrecord": "logs:GetLogRecord",
	"logs:unmask": "logs:Unmask", "logs:getlogobject": "logs:GetLogObject",
	"logs:createexporttask": "logs:CreateExportTask", "logs:putsubscriptionfilter": "logs:PutSubscriptionFilter",
}

# An action as AWS writes it (the lower-case form when it is not one Lockdown names).
display_name(a) := object.get(display_names, a, a)

# A set of lower-case actions for a message: sorted, as AWS writes them, comma-separated.
display_list(set) := concat(", ", [display_name(a) | some a in sort(set)])

# Services whose wildcard grants (`s3:*`) reach protected data or its protection.
sensitive_services := {"s3", "kms", "logs", "iam", "sts", "sagemaker", "firehose", "glue", "lakeformation", "cloudtrail"}

# IAM wildcard match of a pattern against a concrete action, case-insensitive.
matches(pattern, action) if wildcard.match_ci(pattern, action)

# True when the statement grants the concrete (lower-case) action: a literal or wildcard of
# Action matches it, or, with NotAction, none of NotAction's patterns does.
grants(stmt, action) if {
	not stmt.uses_not_action
	_matched(stmt, action)
}

grants(stmt, action) if {
	stmt.uses_not_action
	not _matched(stmt, action)
}

_matched(stmt, action) if action in stmt.action_patterns.literals

_matched(stmt, action) if strings.any_prefix_match(action, _prefixes(stmt.action_patterns))

_matched(stmt, action) if {
	some p in _globs(stmt.action_patterns)
	wildcard.match(p, action)
}

# The concrete (lower-case) actions of `set` that the statement grants, by set operations:
# literals by intersection, "<prefix>*" wildcards by prefix (one builtin per action), other
# wildcards with wildcard.match over the set (glob is the costly builtin: about 15 µs a call).
granted(stmt, set) := _matched_set(stmt.action_patterns, set) if {
	not stmt.uses_not_action
} else := set - _matched_set(stmt.action_patterns, set)

_matched_set(ap, set) := ap.literals & set if {
	count(ap.wildcards) == 0
} else := ((ap.literals & set) | _by_prefix(_prefixes(ap), set)) | _by_glob(_globs(ap), set)

# The actions of `set` that start with one of the prefixes, and those a glob matches: each
# pattern list read once per call, not once per action (30% of `granted` at 10,000 resources).
_by_prefix(prefixes, candidates) := set() if {
	count(prefixes) == 0
} else := {a | some a in candidates; strings.any_prefix_match(a, prefixes)}

_by_glob(globs, candidates) := set() if {
	count(globs) == 0
} else := {a | some p in globs; some a in candidates; wildcard.match(p, a)}

# Patterns built by policy.parse carry their wildcards split (prefixes/globs); a statement
# written by hand (tests) may carry only "wildcards": then every wildcard is matched in full.
_prefixes(ap) := object.get(ap, "prefixes", [])

_globs(ap) := object.get(ap, "globs", object.get(ap, "wildcards", []))

# True when the statement grants at least one action of `set`.
grants_any(stmt, set) if count(granted(stmt, set)) > 0

# True when the statement grants every action of `set`.
grants_all(stmt, set) if count(granted(stmt, set)) == count(set)

# The wildcard patterns of an Allow that reach a sensitive service as a whole ("*", "s3:*",
# "kms:*", "S3:*"), and the NotAction form (everything but a few actions).
wildcard_patterns(stmt) := {p |
	not stmt.uses_not_action
	count(stmt.action_patterns.wildcards) > 0 # most statements name literal actions only
	some p in stmt.actions
	_service_wide(p)
}

_service_wide(p) if p == "*"

_service_wide(p) if {
	parts := split(lower(p), ":")
	count(parts) == 2
	parts[0] in sensitive_services
	parts[1] == "*"
}

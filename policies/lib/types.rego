# Resource kinds: pulumi-aws v6 and v7 type tokens for the same AWS object map to one kind,
# so rules never compare type tokens themselves.
#
# Use: `some r in types.resources_of("bucket")`, `types.kind(r) == "bucket_policy"`,
# `types.is_unknown(v)`, `types.prop(r, "policy", "")`.
#
# regorus facts (0.13, measured), which every module of policies/ should respect:
# - `alias.rule` (a *rule* of another package through an import alias, e.g.
#   `config.allowed_readers`) makes regorus build the whole aliased package: slow at 10,000
#   resources, and inside a function body it can even evaluate to undefined. Name other
#   packages' rules by their full path (`data.lockdown.lib.config.allowed_readers`); calling
#   their *functions* through an alias (`types.prop(r, ...)`) is fine.
# - A partial object rule (`idx[k] contains v`) with no entries is undefined, not {}: the
#   indexes below are wrapped (`idx := x if { x := _idx } else := {}`).
# - A function without `default` that is false is undefined, and so is any object built with
#   it as a value: boolean helpers used as values have `default f(_) := false`.
# - Rule values (complete rules, comprehension indexes) are computed once per evaluation;
#   function results are not memoized. A function call costs a few µs (more with `else`
#   chains and several bodies, which are all evaluated), a builtin about 2 µs, glob.match about
#   13 µs: parse a document once into an index, classify once, iterate the per-kind lists, and
#   keep glob out of inner loops (policy.parse splits action wildcards into prefixes; a plain
#   resource pattern is compared, not globbed).
# - A scan of a setting list per resource (e.g. allowedReaders per role) is quadratic at
#   10,000 resources: index the list once (iam._own_allowed_by_last_segment).
package lockdown.lib.types

import rego.v1

# The value Pulumi uses for a property not known until the update runs.
unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# The opaque value a secret is replaced with at load time.
redacted := "[secret]"

kinds := {
	# S3 buckets: v6 legacy Bucket (inline acl/policy/loggings/...), v6 BucketV2, v7 Bucket.
	"aws:s3/bucket:Bucket": "bucket",
	"aws:s3/bucketV2:BucketV2": "bucket",
	# S3 bucket sub-resources (v6 ...V2 names and v7 names).
	"aws:s3/bucketPolicy:BucketPolicy": "bucket_policy",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket_public_access_block",
	"aws:s3/bucketAcl:BucketAcl": "bucket_acl",
	"aws:s3/bucketAclV2:BucketAclV2": "bucket_acl",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": "bucket_ownership_controls",
	"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "bucket_sse",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "bucket_sse",
	"aws:s3/bucketVersioning:BucketVersioning": "bucket_versioning",
	"aws:s3/bucketVersioningV2:BucketVersioningV2": "bucket_versioning",
	"aws:s3/bucketLogging:BucketLogging": "bucket_logging",
	"aws:s3/bucketLoggingV2:BucketLoggingV2": "bucket_logging",
	"aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "bucket_lifecycle",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "bucket_lifecycle",
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig": "bucket_replication",
	"aws:s3/accessPoint:AccessPoint": "access_point",
	"aws:s3control/accessPointPolicy:AccessPointPolicy": "access_point_policy",
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": "account_public_access_block",
	# IAM.
	"aws:iam/role:Role": "iam_role",
	"aws:iam/rolePolicy:RolePolicy": "iam_role_policy",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": "iam_role_policy_attachment",
	"aws:iam/user:User": "iam_user",
	"aws:iam/userPolicy:UserPolicy": "iam_user_policy",
	"aws:iam/userPolicyAttachment:UserPolicyAttachment": "iam_user_policy_attachment",
	"aws:iam/group:Group": "iam_group",
	"aws:iam/groupPolicy:GroupPolicy": "iam_group_policy",
	"aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "iam_group_policy_attachment",
	"aws:iam/policy:Policy": "iam_policy",
	"aws:iam/policyAttachment:PolicyAttachment": "iam_policy_attachment",
	# KMS.
	"aws:kms/key:Key": "kms_key",
	"aws:kms/keyPolicy:KeyPolicy": "kms_key_policy",
	"aws:kms/grant:Grant": "kms_grant",
	# Audit logging.
	"aws:cloudtrail/trail:Trail": "cloudtrail_trail",
	"aws:cloudwatch/logGroup:LogGroup": "log_group",
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "log_resource_policy",
	"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": "log_subscription_filter",
	# Capture and training.
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "firehose_delivery_stream",
	"aws:sagemaker/notebookInstance:NotebookInstance": "sagemaker_notebook_instance",
	"aws:sagemaker/domain:Domain": "sagemaker_domain",
	"aws:sagemaker/endpointConfiguration:EndpointConfiguration": "sagemaker_endpoint_configuration",
	"aws:sagemaker/model:Model": "sagemaker_model",
	"aws:glue/catalogDatabase:CatalogDatabase": "glue_catalog_database",
	"aws:lakeformation/permissions:Permissions": "lakeformation_permissions",
	"aws:lakeformation/dataLakeSettings:DataLakeSettings": "lakeformation_data_lake_settings",
	# Front doors and identities the access model (lib/access) follows.
	"aws:lambda/function:Function": "lambda_function",
	"aws:lambda/functionUrl:FunctionUrl": "lambda_function_url",
	"aws:cognito/identityPool:IdentityPool": "cognito_identity_pool",
	"aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": "cognito_identity_pool_roles",
	"aws:ssoadmin/permissionSet:PermissionSet": "sso_permission_set",
	"aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "sso_permission_set_inline_policy",
	"aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "sso_managed_policy_attachment",
	"aws:cloudfront/distribution:Distribution": "cloudfront_distribution",
	"aws:s3control/accessGrant:AccessGrant": "s3_access_grant",
	"aws:s3control/accessGrantsLocation:AccessGrantsLocation": "s3_access_grants_location",
}

# The kind of a resource record; undefined for types Lockdown does not evaluate.
kind(r) := kinds[r.type]

# Every resource of a kind, grouped once per evaluation: resources_by_kind["bucket"].
# resources_by_kind, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
resources_by_kind := x if {
	x := _resources_by_kind
} else := {}

_resources_by_kind[k] contains r if {
	some r in input.resources
	k := kinds[r.type]
}

# The resources of a kind (empty set when there are none).
resources_of(k) := object.get(resources_by_kind, k, set())

# Resources by URN (URNs are unique in a stack).
by_urn := {r.urn: r | some r in input.resources}

# Kinds that configure a control of a bucket and take no part in who can read it: no rule that
# judges a grant reads them (tests/test_pack_gate.py checks it). The deployment gate neither
# judges their arrival with its neighbours nor counts them among another resource's neighbours.
control_kinds := {
	"bucket_public_access_block", "account_public_access_block", "bucket_sse", "bucket_versioning",
	"bucket_logging", "bucket_lifecycle", "bucket_ownership_controls",
}

# Kinds that hold data whose readers Lockdown governs.
store_kinds := {"bucket", "kms_key", "log_group"}

default is_unknown(_) := false

is_unknown(v) if v == unknown

# A deny object whose verdict rests on a value not known at plan time, when `cond` holds:
# it gets "undecided": true, which the deployment gate reads (never the message text) to
# report it as undecided during preview and decide it again during the update, where it
# blocks if the value is still unknown. Rules build such violations with this helper only.
undecided_when(cond, violation) := object.union(violation, {"undecided": true}) if {
	cond == true
} else := violation

# The same, for a deny object raised only because a value is unknown.
undecided(violation) := undecided_when(true, violation)

default is_redacted(_) := false

is_redacted(v) if v == redacted

# A value that is neither unknown nor redacted (a secret is opaque, not evidence). Compared
# directly rather than through is_unknown/is_redacted: it is called for most properties.
is_known(v) if {
	v != unknown
	v != redacted
}

# A property with a default for absent or null values.
prop(r, key, fallback) := v if {
	v := object.get(object.get(r, "properties", {}), key, null)
	v != null
} else := fallback

# True when the value at `path` (e.g. "policy", "tags.owner") is not known at plan time:
# listed in the record's unknowns, or a parent or child of a listed path.
unknown_path(r, path) if {
	some u in object.get(r, "unknowns", [])
	_related_path(u, path)
}

_related_path(u, path) if u == path

_related_path(u, path) if startswith(u, concat("", [path, "."]))

_related_path(u, path) if startswith(u, concat("", [path, "["]))

_related_path(u, path) if startswith(path, concat("", [u, "."]))

# The value as a list: null/absent -> [], a list -> itself, anything else -> [it].
as_list(v) := v if {
	is_array(v)
} else := [] if {
	v == null
} else := [x | some x in v] if {
	is_set(v)
} else := [v]

# The URNs a record refers to: its dependencies and its parent.
# Records from the loaders always carry a dependency list and a parent URN or null: that form
# is read directly (this is called for most sub-resources), any other goes through as_list.
links(r) := array.concat(r.dependencies, [r.parent]) if {
	is_array(r.dependencies)
	is_string(r.parent)
} else := r.dependencies if {
	is_array(r.dependencies)
	r.parent == null
} else := array.concat(as_list(object.get(r, "dependencies", [])), as_list(object.get(r, "parent", null)))

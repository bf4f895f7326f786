package lockdown.rules.access.read_path_test

import rego.v1

import data.lockdown.rules.access.fixtures_test as fx

# --- Lambda function URL -------------------------------------------------------------------

function(role_arn) := fx.res("aws:lambda/function:Function", "api", {"name": "api", "role": role_arn})

url(auth) := fx.res("aws:lambda/functionUrl:FunctionUrl", "api-url", {"functionName": "api", "authorizationType": auth})

test_function_url_without_auth_on_a_reader_role_is_denied if {
	some f in fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, function("arn:aws:iam::111111111111:role/worker"), url("NONE")]))
	f.principal == "anyone on the internet"
	contains(f.msg, "function URL 'api-url' has authorizationType NONE; function 'api' runs as role 'worker'")
}

test_function_url_with_iam_auth_or_an_idle_role_is_allowed if {
	count(fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, function("arn:aws:iam::111111111111:role/worker"), url("AWS_IAM")]))) == 0
	count(fx.findings(array.concat(fx.base, [fx.idle_role, function("arn:aws:iam::111111111111:role/idle"), url("NONE")]))) == 0
}

# --- Cognito identity pool -----------------------------------------------------------------

pool_roles(unauth) := fx.res("aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment", "pool-roles", {
	"identityPoolId": "eu-west-1:pool",
	"roles": {"authenticated": "arn:aws:iam::111111111111:role/idle", "unauthenticated": unauth},
})

test_unauthenticated_cognito_role_that_reads_is_denied if {
	some f in fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, fx.idle_role, pool_roles("arn:aws:iam::111111111111:role/worker")]))
	f.principal == "any unauthenticated visitor of identity pool eu-west-1:pool"
	contains(f.msg, "role 'worker' (it can read restricted data)")
}

test_unauthenticated_cognito_role_that_reads_nothing_is_allowed if {
	count(fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, fx.idle_role, pool_roles("arn:aws:iam::111111111111:role/idle")]))) == 0
}

# --- OIDC trust ----------------------------------------------------------------------------

github_trust(sub) := fx.doc([{
	"Effect": "Allow",
	"Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Condition": {
		"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
		"StringLike": {"token.actions.githubusercontent.com:sub": sub},
	},
}])

test_oidc_trust_of_any_repository_is_denied if {
	every sub in ["repo:*:ref:refs/heads/main", "repo:*", "*", "repo:*/capture:ref:refs/heads/main", "repo:corp*", ["repo:corp/capture:ref:refs/heads/main", "repo:*"]] {
		some f in fx.findings(array.concat(fx.base, [fx.role("worker", github_trust(sub)), fx.worker_read]))
		startswith(f.principal, "a workflow of any GitHub repository (subject ")
		contains(f.msg, "the trust policy of role 'worker' lets token.actions.githubusercontent.com assume it with subject")
	}
	some g in fx.findings(array.concat(fx.base, [fx.role("worker", github_trust("repo:*:ref:refs/heads/main")), fx.worker_read]))
	g.principal == "a workflow of any GitHub repository (subject repo:*:ref:refs/heads/main)"
	contains(g.msg, "can read what role 'worker' (it can read restricted data) reads")
}

# Conditions: StringEquals alongside StringLike (both must hold), or a pinned repository claim.
oidc_trust(condition) := fx.doc([{
	"Effect": "Allow",
	"Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Condition": condition,
}])

test_oidc_trust_without_a_subject_or_from_another_provider_is_denied if {
	some f in fx.findings(array.concat(fx.base, [fx.role("worker", oidc_trust({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})), fx.worker_read]))
	f.principal == "a workflow of any GitHub repository (subject (none))"
	other := json.marshal({"Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/oidc.example.com"},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {"StringLike": {"oidc.example.com:sub": "*"}},
	}]})
	some g in fx.findings(array.concat(fx.base, [fx.role("worker", other), fx.worker_read]))
	g.principal == "any workload oidc.example.com issues a token to (subject *)"
	# An owner claim with a wildcard pins nothing.
	some h in fx.findings(array.concat(fx.base, [fx.role("worker", oidc_trust({"StringLike": {"token.actions.githubusercontent.com:repository_owner": "corp*", "token.actions.githubusercontent.com:sub": "repo:*"}})), fx.worker_read]))
	h.principal == "a workflow of any GitHub repository (subject repo:*)"
}

test_oidc_trust_pinned_to_one_repository_is_allowed if {
	every sub in ["repo:corp/capture:ref:refs/heads/main", "repo:corp/capture:*", "repo:corp/*"] {
		count(fx.findings(array.concat(fx.base, [fx.role("worker", github_trust(sub)), fx.worker_read]))) == 0
	}
	count(fx.findings(array.concat(fx.base, [fx.role("idle", github_trust("repo:*"))]))) == 0
	every condition in [
		# StringEquals compares literally: "repo:*" is one (impossible) subject.
		{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:*"}},
		# Both operators must hold: the StringEquals pins the repository.
		{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:corp/capture:ref:refs/heads/main"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
		# The repository owner is pinned by its own claim.
		{"StringEquals": {"token.actions.githubusercontent.com:repository_owner": "corp", "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
		{"StringLike": {"token.actions.githubusercontent.com:repository": "corp/capture", "token.actions.githubusercontent.com:sub": "repo:*"}},
	] {
		count(fx.findings(array.concat(fx.base, [fx.role("worker", oidc_trust(condition)), fx.worker_read]))) == 0
	}
}

# --- Firehose HTTP endpoint ----------------------------------------------------------------

stream(url, level) := fx.res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "keystrokes", {
	"name": "keystrokes",
	"destination": "http_endpoint",
	"httpEndpointConfiguration": {"url": url, "name": "sink"},
	"tags": {"data-classification": level},
})

test_firehose_to_an_http_endpoint_outside_aws_is_denied if {
	some f in fx.findings(array.concat(fx.base, [stream("https://ingest.example.net/v1", "restricted")]))
	f.principal == "whoever operates https://ingest.example.net/v1"
}

test_firehose_to_an_aws_endpoint_or_of_public_data_is_allowed if {
	count(fx.findings(array.concat(fx.base, [stream("https://firehose.eu-west-1.amazonaws.com/x", "restricted")]))) == 0
	count(fx.findings(array.concat(fx.base, [stream("https://ingest.example.net/v1", "public")]))) == 0
}

# --- Privilege escalation ------------------------------------------------------------------

escalation(statement) := fx.res("aws:iam/rolePolicy:RolePolicy", "idle-escalate", {"role": "idle", "name": "idle-escalate", "policy": fx.doc([statement])})

test_update_assume_role_policy_on_a_reader_role_is_denied if {
	stmt := {"Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "arn:aws:iam::111111111111:role/reader"}
	some f in fx.findings(array.concat(fx.base, [fx.idle_role, escalation(stmt)]))
	f.principal == "arn:aws:iam::111111111111:role/idle"
	contains(f.msg, "may rewrite the trust policy of role 'reader'")
}

test_pass_role_of_a_reader_role_to_sagemaker_is_denied if {
	stmt := {
		"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111111111111:role/*",
		"Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
	}
	some f in fx.findings(array.concat(fx.base, [fx.idle_role, escalation(stmt)]))
	contains(f.msg, "may pass to SageMaker or Lambda role 'reader'")
}

test_pass_role_of_other_roles_or_to_other_services_is_allowed if {
	other := {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111111111111:role/idle"}
	count(fx.findings(array.concat(fx.base, [fx.idle_role, escalation(other)]))) == 0
	ec2 := {
		"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
		"Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
	}
	count(fx.findings(array.concat(fx.base, [fx.idle_role, escalation(ec2)]))) == 0
}

# --- Identity policy naming a restricted log group ------------------------------------------

log_group(level) := fx.res("aws:cloudwatch/logGroup:LogGroup", "capture-logs", {"name": "capture", "tags": {"data-classification": level}})

log_read(resource) := fx.res("aws:iam/rolePolicy:RolePolicy", "idle-logs", {"role": "idle", "name": "idle-logs", "policy": fx.doc([{
	"Effect": "Allow",
	"Action": ["logs:GetLogEvents", "logs:DescribeLogStreams"],
	"Resource": resource,
}])})

test_identity_policy_reading_a_restricted_log_group_is_denied if {
	every resource in ["arn:aws:logs:eu-west-1:111111111111:log-group:capture:*", "arn:aws:logs:eu-west-1:111111111111:log-group:cap*"] {
		some f in fx.findings(array.concat(fx.base, [log_group("restricted"), fx.idle_role, log_read(resource)]))
		f.principal == "arn:aws:iam::111111111111:role/idle"
		contains(f.msg, "log group 'capture'")
	}
}

test_identity_policy_reading_another_or_a_public_log_group_is_allowed if {
	count(fx.findings(array.concat(fx.base, [log_group("restricted"), fx.idle_role, log_read("arn:aws:logs:eu-west-1:111111111111:log-group:other:*")]))) == 0
	count(fx.findings(array.concat(fx.base, [log_group("public"), fx.idle_role, log_read("arn:aws:logs:eu-west-1:111111111111:log-group:capture:*")]))) == 0
}

# --- Replication into a bucket of the same account -------------------------------------------

replica(level) := object.union(fx.res("aws:s3/bucket:Bucket", "replica", {"bucket": "replica-bucket", "tags": {"data-classification": level}}), {"id": "replica-bucket"})

replication := fx.res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-replication", {
	"bucket": "data-bucket",
	"role": "arn:aws:iam::111111111111:role/replication",
	"rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::replica-bucket", "account": "111111111111"}}],
})

replica_pab := fx.res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "replica-pab", {
	"bucket": "replica-bucket",
	"blockPublicAcls": true,
	"blockPublicPolicy": true,
	"ignorePublicAcls": true,
	"restrictPublicBuckets": true,
})

replica_policy(statement) := fx.res("aws:s3/bucketPolicy:BucketPolicy", "replica-policy", {"bucket": "replica-bucket", "policy": fx.doc([object.union({
	"Effect": "Allow",
	"Action": "s3:GetObject",
	"Resource": "arn:aws:s3:::replica-bucket/*",
}, statement)])})

# The replica locked down like the source: restricted, public access blocked, only the reader.
locked_replica := [replica("restricted"), replica_pab, replica_policy({"Principal": {"AWS": fx.reader}})]

replication_findings(replica_resources) := fx.findings(array.concat(array.concat(fx.base, replica_resources), [replication]))

test_replication_into_a_bucket_that_is_not_locked_down_is_denied if {
	some f in replication_findings([replica("internal")])
	f.principal == "whoever can read bucket 'replica' (internal)"
	contains(f.msg, "bucket 'data' replicates its objects into bucket 'replica', which is not locked down: it is classified internal")
}

test_replication_into_a_restricted_bucket_with_a_weakness_is_denied if {
	every case in [
		# Its bucket policy lets the organization read.
		[[replica("restricted"), replica_pab, replica_policy({"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})], "its bucket policy lets organization o-abc123 (organization) read it"],
		# Its bucket policy cannot be read.
		[[replica("restricted"), replica_pab, fx.res("aws:s3/bucketPolicy:BucketPolicy", "replica-policy", {"bucket": "replica-bucket", "policy": "{not json"})], "its bucket policy is not a valid policy document"],
		# No public access block, or one that leaves a flag off.
		[[replica("restricted"), replica_policy({"Principal": {"AWS": fx.reader}})], "it has no public access block that sets all four flags"],
		[[replica("restricted"), object.union(replica_pab, {"properties": {"restrictPublicBuckets": false}}), replica_policy({"Principal": {"AWS": fx.reader}})], "it has no public access block that sets all four flags"],
		# An ACL grant to everyone.
		[[object.union(replica("restricted"), {"properties": {"acl": "public-read"}}), replica_pab], "its ACL grants public-read to AllUsers"],
	] {
		some f in replication_findings(case[0])
		f.principal == "whoever can read bucket 'replica' (restricted)"
		contains(f.msg, sprintf("which is not locked down: %v", [case[1]]))
	}
}

# A weakness that only a value unknown at plan time raises is undecided (decided at the update).
test_replication_into_a_replica_whose_policy_or_block_is_unknown_is_denied_undecided if {
	unknown := data.lockdown.lib.types.unknown
	some f in replication_findings([replica("restricted"), replica_pab, fx.res("aws:s3/bucketPolicy:BucketPolicy", "replica-policy", {"bucket": "replica-bucket", "policy": unknown})])
	contains(f.msg, "its bucket policy is not known at plan time")
	f.undecided == true
	some g in replication_findings([replica("restricted"), object.union(replica_pab, {"properties": {"ignorePublicAcls": unknown}}), replica_policy({"Principal": {"AWS": fx.reader}})])
	contains(g.msg, "the flags of its public access block are not known at plan time")
	g.undecided == true
	some h in replication_findings([replica("restricted"), object.union(replica_pab, {"properties": {"ignorePublicAcls": false}}), replica_policy({"Principal": {"AWS": fx.reader}})])
	not h.undecided
}

# The false alarm of issue 12: a locked-down replica of the same account is no finding, here
# or in LD-S3-012.
test_replication_into_a_locked_down_replica_is_allowed if {
	count(replication_findings(locked_replica)) == 0
	account_pab := fx.res("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account-pab", object.remove(replica_pab.properties, ["bucket"]))
	count(replication_findings([replica("confidential"), account_pab])) == 0
	resources := array.concat(array.concat(fx.base, locked_replica), [replication])
	count(data.lockdown.rules.s3.replication_cross_account.deny) == 0 with input as {"resources": resources}
		with data.lockdown.config as fx.cfg
}

# --- IAM Identity Center permission sets ---------------------------------------------------

permission_set := fx.res("aws:ssoadmin/permissionSet:PermissionSet", "analysts", {"name": "Analysts", "arn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1"})

set_inline(statements) := fx.res("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "analysts-inline", {
	"permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
	"inlinePolicy": fx.doc(statements),
})

set_managed(arn) := fx.res("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", "analysts-managed", {
	"permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
	"managedPolicyArn": arn,
})

test_permission_set_granting_reads_is_denied if {
	some f in fx.findings(array.concat(fx.base, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}])]))
	f.principal == "every user and group assigned permission set 'Analysts'"
	contains(f.msg, "can read bucket 'data' (restricted)")
	some g in fx.findings(array.concat(fx.base, [permission_set, set_managed("arn:aws:iam::aws:policy/ReadOnlyAccess")]))
	contains(g.msg, "every bucket")
}

test_permission_set_without_reads_is_allowed if {
	count(fx.findings(array.concat(fx.base, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data-bucket/*"}])]))) == 0
	count(fx.findings(array.concat(fx.base, [permission_set, set_managed("arn:aws:iam::aws:policy/job-function/Billing")]))) == 0
}

# --- CloudFront with origin access control ---------------------------------------------------

distribution(cache) := fx.res("aws:cloudfront/distribution:Distribution", "cdn", {
	"origins": [{"originId": "data", "domainName": "data-bucket.s3.eu-west-1.amazonaws.com", "originAccessControlId": "E2OAC"}],
	"defaultCacheBehavior": object.union({"targetOriginId": "data", "viewerProtocolPolicy": "https-only"}, cache),
})

test_cloudfront_serving_a_restricted_bucket_to_any_viewer_is_denied if {
	some f in fx.findings(array.concat(fx.base, [distribution({})]))
	f.principal == "anyone on the internet"
	contains(f.msg, "distribution 'cdn' reads bucket 'data'")
}

test_cloudfront_with_signed_urls_only_is_allowed if {
	count(fx.findings(array.concat(fx.base, [distribution({"trustedKeyGroups": ["kg-1"]})]))) == 0
}

# --- S3 Access Grants ----------------------------------------------------------------------

location := fx.res("aws:s3control/accessGrantsLocation:AccessGrantsLocation", "data-location", {"accessGrantsLocationId": "loc-1", "locationScope": "s3://data-bucket/*"})

grant(arn) := fx.res("aws:s3control/accessGrant:AccessGrant", "analyst-grant", {
	"accessGrantsLocationId": "loc-1",
	"permission": "READ",
	"grantee": {"granteeType": "IAM", "granteeIdentifier": arn},
})

test_access_grant_to_a_non_reader_is_denied if {
	some f in fx.findings(array.concat(fx.base, [location, grant("arn:aws:iam::111111111111:role/analyst")]))
	f.principal == "iam arn:aws:iam::111111111111:role/analyst"
	contains(f.msg, "gives READ on s3://data-bucket/*")
}

test_access_grant_to_the_allowed_reader_is_allowed if {
	count(fx.findings(array.concat(fx.base, [location, grant(fx.reader)]))) == 0
}

# --- Permissions boundaries (issue 12) ---------------------------------------------------------

# The worker role with a permissions boundary: it reads only what its policies and the boundary
# both allow, less any explicit Deny.
bounded_worker := object.union(fx.worker_role, {"properties": {"permissionsBoundary": "arn:aws:iam::111111111111:policy/boundary"}})

boundary(statements) := fx.res("aws:iam/policy:Policy", "boundary", {"name": "boundary", "arn": "arn:aws:iam::111111111111:policy/boundary", "policy": fx.doc(statements)})

bounded_front_door(statements) := array.concat(fx.base, [bounded_worker, boundary(statements), fx.worker_read, function("arn:aws:iam::111111111111:role/worker"), url("NONE")])

test_front_door_of_a_role_whose_boundary_admits_the_read_is_denied if {
	every statements in [
		[{"Effect": "Allow", "Action": ["s3:GetObject", "logs:*"], "Resource": "*"}],
		[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other-bucket/*"}],
	] {
		some f in fx.findings(bounded_front_door(statements))
		contains(f.msg, "role 'worker' (it can read restricted data)")
	}
}

# The false alarm of issue 12: the boundary does not allow s3:GetObject, so the role reads nothing.
test_front_door_of_a_role_whose_boundary_blocks_the_read_is_allowed if {
	every statements in [
		[{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
		[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::data-bucket/*"}],
	] {
		count(fx.findings(bounded_front_door(statements))) == 0
	}
}

test_front_door_of_a_role_whose_boundary_cannot_be_read_is_denied if {
	unknown := object.union(boundary([]), {"properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "unknowns": ["policy"]})
	resources := [r | some r in bounded_front_door([]); r.name != "boundary"]
	count(fx.findings(array.concat(resources, [unknown]))) == 1
}

# Escalation and log reads are bounded too.
test_escalation_or_log_read_outside_the_boundary_is_allowed if {
	idle := object.union(fx.idle_role, {"properties": {"permissionsBoundary": "arn:aws:iam::111111111111:policy/boundary"}})
	pass := {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111111111111:role/reader"}
	count(fx.findings(array.concat(fx.base, [idle, boundary([{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]), escalation(pass)]))) == 0
	count(fx.findings(array.concat(fx.base, [idle, boundary([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]), escalation(pass)]))) == 1
	logs := "arn:aws:logs:eu-west-1:111111111111:log-group:capture:*"
	count(fx.findings(array.concat(fx.base, [log_group("restricted"), idle, boundary([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]), log_read(logs)]))) == 0
	count(fx.findings(array.concat(fx.base, [log_group("restricted"), idle, boundary([{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]), log_read(logs)]))) == 1
}

# --- Dotted bucket names and the GovCloud / China partitions (issue 12) ------------------------

worlds := [["aws", "keystrokes.corp.example"], ["aws-us-gov", "keystrokes.corp.example"], ["aws-us-gov", "data-bucket"], ["aws-cn", "data-bucket"]]

world_reader(world) := sprintf("arn:%s:iam::111111111111:role/reader", [world[0]])

# The locked-down base of fixtures_test, in the world's partition and with its bucket name.
world_base(world) := [
	object.union(fx.res("aws:s3/bucket:Bucket", "data", {"bucket": world[1], "arn": sprintf("arn:%s:s3:::%s", world), "tags": {"data-classification": "restricted"}}), {"id": world[1]}),
	fx.res("aws:s3/bucketPolicy:BucketPolicy", "data-policy", {"bucket": world[1], "policy": fx.doc([{
		"Effect": "Allow",
		"Principal": {"AWS": world_reader(world)},
		"Action": "s3:GetObject",
		"Resource": sprintf("arn:%s:s3:::%s/*", world),
	}])}),
]

world_findings(world, resources) := found if {
	found := data.lockdown.rules.access.read_path.deny with input as {"resources": array.concat(world_base(world), resources)}
		with data.lockdown.config as object.union(fx.cfg, {"allowedReaders": [world_reader(world)]})
}

world_replica(world, level) := object.union(fx.res("aws:s3/bucket:Bucket", "replica", {"bucket": concat("", ["replica.", world[1]]), "arn": sprintf("arn:%s:s3:::replica.%s", world), "tags": {"data-classification": level}}), {"id": concat("", ["replica.", world[1]])})

world_replication(world) := fx.res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-replication", {
	"bucket": world[1],
	"role": sprintf("arn:%s:iam::111111111111:role/replication", [world[0]]),
	"rules": [{"status": "Enabled", "destination": {"bucket": sprintf("arn:%s:s3:::replica.%s", world), "account": "111111111111"}}],
})

world_location(world) := fx.res("aws:s3control/accessGrantsLocation:AccessGrantsLocation", "data-location", {"accessGrantsLocationId": "loc-1", "locationScope": sprintf("s3://%s/*", [world[1]])})

world_distribution(world, cache) := fx.res("aws:cloudfront/distribution:Distribution", "cdn", {
	"origins": [{"originId": "data", "domainName": sprintf("%s.s3.us-gov-west-1.amazonaws.com", [world[1]]), "originAccessControlId": "E2OAC"}],
	"defaultCacheBehavior": object.union({"targetOriginId": "data", "viewerProtocolPolicy": "https-only"}, cache),
})

test_paths_to_a_dotted_or_partitioned_bucket_are_denied if {
	every world in worlds {
		some f in world_findings(world, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": sprintf("arn:%s:s3:::%s/*", world)}])])
		contains(f.msg, "can read bucket 'data' (restricted)")
		some g in world_findings(world, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])])
		contains(g.msg, "can read every bucket")
		some h in world_findings(world, [world_replica(world, "internal"), world_replication(world)])
		contains(h.msg, "replicates its objects into bucket 'replica', which is not locked down")
		some i in world_findings(world, [world_location(world), grant("arn:aws:iam::111111111111:role/analyst")])
		contains(i.msg, sprintf("gives READ on s3://%s/*", [world[1]]))
		some j in world_findings(world, [world_distribution(world, {})])
		contains(j.msg, "distribution 'cdn' reads bucket 'data'")
	}
}

test_locked_paths_to_a_dotted_or_partitioned_bucket_are_allowed if {
	every world in worlds {
		other := object.get({"aws": "aws-cn"}, world[0], "aws")
		count(world_findings(world, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": sprintf("arn:%s:s3:::%s/*", [other, world[1]])}])])) == 0
		count(world_findings(world, [permission_set, set_inline([{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}])])) == 0
		account_pab := fx.res("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account-pab", object.remove(replica_pab.properties, ["bucket"]))
		count(world_findings(world, [world_replica(world, "restricted"), account_pab, world_replication(world)])) == 0
		count(world_findings(world, [world_location(world), grant(world_reader(world))])) == 0
		count(world_findings(world, [world_distribution(world, {"trustedKeyGroups": ["kg-1"]})])) == 0
	}
}

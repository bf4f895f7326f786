package lockdown.lib.classification_test

import rego.v1

import data.lockdown.lib.classification

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

bucket(tags, unknowns) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b",
	"type": "aws:s3/bucket:Bucket",
	"name": "b",
	"properties": {"bucket": "b", "tags": tags},
	"unknowns": unknowns,
}

test_tagged_store_takes_its_tag if {
	classification.compute_level(bucket({"data-classification": "Public"}, [])) == "public"
}

test_untagged_store_is_restricted if {
	classification.compute_level(bucket({}, [])) == "restricted"
}

test_another_unknown_tag_does_not_hide_the_classification if {
	store := bucket({"data-classification": "internal", "owner": unknown}, ["tags.owner"])
	classification.compute_level(store) == "internal"
}

test_unknown_classification_tag_is_unknown if {
	store := bucket({"data-classification": unknown}, ["tags.data-classification"])
	classification.compute_level(store) == "unknown"
	classification.is_protected(store)
}

test_unknown_tag_map_is_unknown if {
	classification.compute_level(bucket(unknown, ["tags"])) == "unknown"
}

test_unrecognized_level_is_protected if {
	store := bucket({"data-classification": "secret-ish"}, [])
	classification.compute_level(store) == "unknown"
	classification.is_protected(store)
}

# The fast path (a record with no unknown value) and the general one agree.
test_a_known_level_is_read_the_same_with_or_without_unknowns if {
	classification.compute_level(bucket({"data-classification": " Confidential "}, [])) == "confidential"
	classification.compute_level(bucket({"data-classification": " Confidential "}, ["bucket"])) == "confidential"
}

test_a_secret_or_unknown_tag_value_is_never_a_level if {
	classification.compute_level(bucket({"data-classification": "[secret]"}, [])) == "unknown"
	classification.compute_level(bucket({"data-classification": unknown}, [])) == "unknown"
	classification.compute_level(bucket({"data-classification": 3}, [])) == "unknown"
}

# --- Buckets not seen ------------------------------------------------------------------------

bucket_policy(ref, deps) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::bp",
	"type": "aws:s3/bucketPolicy:BucketPolicy",
	"name": "bp",
	"properties": {"bucket": ref},
	"dependencies": deps,
	"unknowns": [],
}

test_policy_of_a_bucket_not_seen_names_it_and_is_protected if {
	p := bucket_policy("arn:aws:s3:::other-stack-bucket", [])
	classification.unseen_bucket(p) == "other-stack-bucket" with input as {"resources": [p]}
	classification.sub_is_protected(p) with input as {"resources": [p]}
	classification.unseen_bucket_reason("other-stack-bucket") == "bucket 'other-stack-bucket' was not seen in this deployment; judged as restricted"
}

test_policy_of_a_bucket_not_seen_with_an_unknown_name_is_unknown if {
	p := bucket_policy(unknown, [])
	name := classification.unseen_bucket(p) with input as {"resources": [p]}
	name == data.lockdown.lib.types.unknown
	classification.unseen_bucket_reason(name) == "its bucket is not known at plan time; judged as restricted"
}

test_policy_of_a_seen_bucket_has_no_unseen_bucket if {
	b := bucket({"data-classification": "public"}, [])
	p := bucket_policy("b", [])
	not classification.unseen_bucket(p) with input as {"resources": [b, p]}
	not classification.bucket_not_seen(p) with input as {"resources": [b, p]}
	not classification.sub_is_protected(p) with input as {"resources": [b, p]}
}

# --- The once-per-evaluation index ---------------------------------------------------------

test_level_label_of_unknown_classification if {
	b := {"urn": "u", "type": "aws:s3/bucket:Bucket", "name": "b", "properties": {"tags": unknown}, "unknowns": ["tags"]}
	classification.level_label(b) == "classification unknown, treated as restricted" with input as {"resources": [b]}
	classification.is_protected(b) with input as {"resources": [b]}
	"u" in data.lockdown.lib.classification.protected_urns with input as {"resources": [b]}
}

test_capture_and_training_kinds_are_indexed if {
	stream := {"urn": "s", "type": "aws:kinesis/stream:Stream", "name": "s", "properties": {"tags": {"data-classification": "internal"}}, "unknowns": []}
	job := {"urn": "j", "type": "aws:sagemaker/trainingJob:TrainingJob", "name": "j", "properties": {}, "unknowns": []}
	levels := data.lockdown.lib.classification.levels_by_urn with input as {"resources": [stream, job]}
	levels == {"s": "internal", "j": "restricted"}
	classification.level_label(stream) == "internal" with input as {"resources": [stream, job]}
	not classification.is_protected(stream) with input as {"resources": [stream, job]}
	classification.is_protected(job) with input as {"resources": [stream, job]}
}

test_a_record_outside_the_index_is_classified_on_the_spot if {
	key := {"urn": "k", "type": "aws:kms/key:Key", "name": "k", "properties": {"tags": {"data-classification": "public"}}, "unknowns": []}
	not classification.is_protected(key)
	classification.is_protected(json.patch(key, [{"op": "replace", "path": "/properties", "value": {}}]))
	classification.level_label(key) == "public"
}

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

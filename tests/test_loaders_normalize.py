"""The value walking every source shares (``lockdown.values``): unknowns, secrets, ``__defaults``, merging."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from lockdown import model
from lockdown.model import (
    ARCHIVE_SIG,
    ASSET_SIG,
    OUTPUT_SIG,
    REDACTED,
    RESOURCE_SIG,
    SECRET_SIG_KEY,
    SECRET_SIG_VALUE,
    UNKNOWN,
)
from lockdown.values import (
    decode_json_string,
    merge_inputs_outputs,
    normalize_properties,
    path_join,
    unknown_paths,
)


def secret(**fields: str) -> dict[str, str]:
    return {SECRET_SIG_KEY: SECRET_SIG_VALUE, **fields}


def test_unknown_paths_use_dots_and_indexes() -> None:
    raw = {
        "policy": UNKNOWN,
        "tags": {"owner": UNKNOWN, "team": "data"},
        "rules": [{"applyServerSideEncryptionByDefault": {"kmsMasterKeyId": UNKNOWN, "sseAlgorithm": "aws:kms"}}],
        "ids": ["a", UNKNOWN],
    }
    properties, unknowns = normalize_properties(raw)
    assert properties == raw, "unknown values stay in place as the sentinel"
    assert unknowns == ["policy", "tags.owner", "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId", "ids[1]"]


def test_keys_that_would_break_a_path_are_quoted() -> None:
    _, unknowns = normalize_properties({"tags": {"kubernetes.io/role": UNKNOWN, "": UNKNOWN}})
    assert unknowns == ['tags["kubernetes.io/role"]', 'tags[""]']
    assert path_join("", "a.b") == '["a.b"]' and path_join("x", "y") == "x.y"


def test_every_secret_envelope_is_redacted() -> None:
    raw = {
        "ciphertext": secret(ciphertext="v1:abc:def"),
        "plaintext": secret(plaintext='"hunter2"'),
        "value": secret(value="hunter2"),
        "blinded": "[secret]",
        "nested": [{"password": secret(plaintext='{"a": 1}')}],
    }
    properties, unknowns = normalize_properties(raw)
    assert properties == {
        "ciphertext": REDACTED,
        "plaintext": REDACTED,
        "value": REDACTED,
        "blinded": REDACTED,
        "nested": [{"password": REDACTED}],
    }
    assert unknowns == []
    assert "hunter2" not in json.dumps(properties) and "v1:abc" not in json.dumps(properties)


def test_defaults_are_dropped_at_every_level() -> None:
    raw = {"__defaults": ["name"], "name": "n", "rule": {"__defaults": [], "x": [{"__defaults": [], "y": 1}]}}
    properties, _ = normalize_properties(raw)
    assert properties == {"name": "n", "rule": {"x": [{"y": 1}]}}


def test_output_value_envelopes() -> None:
    raw = {
        "known": {SECRET_SIG_KEY: OUTPUT_SIG, "value": {"a": UNKNOWN}, "dependencies": ["urn:x"]},
        "unknown": {SECRET_SIG_KEY: OUTPUT_SIG, "dependencies": ["urn:x"]},
        "secret": {SECRET_SIG_KEY: OUTPUT_SIG, "value": "hunter2", "secret": True},
        "ref": {
            SECRET_SIG_KEY: RESOURCE_SIG,
            "urn": "urn:pulumi:s::p::aws:s3/bucket:Bucket::b",
            "id": "b-123",
        },
        "component": {SECRET_SIG_KEY: RESOURCE_SIG, "urn": "urn:pulumi:s::p::c:d:E::e"},
    }
    properties, unknowns = normalize_properties(raw)
    assert properties == {
        "known": {"a": UNKNOWN},
        "unknown": UNKNOWN,
        "secret": REDACTED,
        "ref": "b-123",
        "component": "urn:pulumi:s::p::c:d:E::e",
    }
    assert unknowns == ["known.a", "unknown"]


def test_missing_bag_is_empty() -> None:
    assert normalize_properties(None) == ({}, [])


def test_merge_outputs_win_where_known_inputs_fill_gaps() -> None:
    inputs = {"bucket": "b", "tags": {"owner": "me", "team": "x"}, "acl": "private", "policy": "{}"}
    outputs = {"bucket": UNKNOWN, "arn": "arn:aws:s3:::b", "tags": {"owner": "you"}, "acl": None, "policy": '{"a":1}'}
    assert merge_inputs_outputs(inputs, outputs) == {
        "bucket": "b",
        "arn": "arn:aws:s3:::b",
        "tags": {"owner": "you", "team": "x"},
        "acl": "private",
        "policy": '{"a":1}',
    }


def test_merge_drops_unknown_outputs_the_program_never_set() -> None:
    merged = merge_inputs_outputs({"bucket": "b", "tags": {"a": UNKNOWN}}, {"arn": UNKNOWN, "tags": {"a": UNKNOWN}})
    assert normalize_properties(merged) == ({"bucket": "b", "tags": {"a": UNKNOWN}}, ["tags.a"])


def test_merge_never_mixes_into_a_secret() -> None:
    merged = merge_inputs_outputs({"s": {"a": 1}}, {"s": secret(ciphertext="c")})
    assert normalize_properties(merged)[0] == {"s": REDACTED}


def test_merge_with_one_side_missing() -> None:
    assert merge_inputs_outputs(None, {"a": 1}) == {"a": 1}
    assert merge_inputs_outputs({"a": 1}, None) == {"a": 1}
    assert merge_inputs_outputs({}, {}) == {}


def test_merge_with_no_inputs_still_drops_unknown_outputs() -> None:
    # A v7 bucket created with no arguments: its preview step has ``inputs: {}`` and the
    # mirrored ``policy``/``acl`` outputs unknown. The program set neither, so neither is kept.
    outputs = {"policy": UNKNOWN, "acl": UNKNOWN, "bucket": "b-1234567", "tags": {"owner": UNKNOWN}}
    expected = {"bucket": "b-1234567", "tags": {"owner": UNKNOWN}}
    assert merge_inputs_outputs({}, outputs) == expected
    assert merge_inputs_outputs(None, outputs) == expected
    assert normalize_properties(merge_inputs_outputs({}, outputs))[1] == ["tags.owner"]


def test_signatures_are_pulumis_own() -> None:
    from pulumi.runtime import rpc

    ours = (model.SECRET_SIG_KEY, SECRET_SIG_VALUE, OUTPUT_SIG, RESOURCE_SIG, ASSET_SIG, ARCHIVE_SIG)
    pulumis = (
        rpc._special_sig_key,
        rpc._special_secret_sig,
        rpc._special_output_value_sig,
        rpc._special_resource_sig,
        rpc._special_asset_sig,
        rpc._special_archive_sig,
    )
    assert ours == pulumis
    assert model.UNKNOWN == rpc.UNKNOWN


def test_assets_and_archives_lose_their_signature_at_every_level() -> None:
    asset = {SECRET_SIG_KEY: ASSET_SIG, "text": "print(1)"}
    archive = {SECRET_SIG_KEY: ARCHIVE_SIG, "assets": {"index.py": asset, "lib": {SECRET_SIG_KEY: ARCHIVE_SIG}}}
    properties, unknowns = normalize_properties(
        {"code": archive, "source": {SECRET_SIG_KEY: ASSET_SIG, "path": UNKNOWN}}
    )
    assert properties == {
        "code": {"assets": {"index.py": {"text": "print(1)"}, "lib": {}}},
        "source": {"path": UNKNOWN},
    }
    assert unknowns == ["source.path"]


def test_an_unfamiliar_signature_fails_closed_as_unknown() -> None:
    properties, unknowns = normalize_properties({"x": {SECRET_SIG_KEY: "0" * 32, "value": "hunter2"}})
    assert properties == {"x": UNKNOWN} and unknowns == ["x"]


def test_unknown_paths_agree_with_normalize() -> None:
    raw = {
        "tags": {"kubernetes.io/role": UNKNOWN},
        "ids": [UNKNOWN],
        "ref": {SECRET_SIG_KEY: RESOURCE_SIG, "id": UNKNOWN},
    }
    assert unknown_paths(raw) == normalize_properties(raw)[1] == ['tags["kubernetes.io/role"]', "ids[0]", "ref"]
    assert unknown_paths(UNKNOWN) == [""] and unknown_paths("x") == []


def test_json_strings_are_decoded_only_when_they_hold_an_object_or_array() -> None:
    assert decode_json_string('{"tags": {"a": "1"}}') == {"tags": {"a": "1"}}
    assert decode_json_string(' ["111122223333"] ') == ["111122223333"]
    assert decode_json_string("{not json") == "{not json"
    assert decode_json_string("eu-west-1") == "eu-west-1"
    assert decode_json_string("42") == "42", "scalars stay strings: config values are strings"
    assert decode_json_string(None) is None


_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.just(UNKNOWN) | st.just(REDACTED)
_values = st.recursive(
    _scalars | st.builds(lambda p: secret(plaintext=p), st.text(min_size=6, max_size=8)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=4), _values, max_size=4))
def test_normalized_values_hold_no_envelope_and_every_unknown_is_listed(raw: dict) -> None:
    properties, unknowns = normalize_properties(raw)
    text = json.dumps(properties)
    assert SECRET_SIG_KEY not in text and "__defaults" not in text
    assert text.count(UNKNOWN) == len(unknowns)

"""aws.iam.get_policy_document is rendered as the AWS provider renders it.

The expected documents are the provider's own acceptance-test expectations
(terraform-provider-aws, policy_document_data_source_test.go), with ``"Sid": ""``
removed: since provider v5 (pulumi-aws v6+) an empty Sid is omitted.
"""

from __future__ import annotations

import json
import zlib

import pytest

from lockdown.planner.policydoc import PolicyDocumentError, render

BASIC_STATEMENTS = [
    {
        "sid": "1",
        "actions": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
        "resources": ["arn:aws:s3:::*"],
    },
    {
        "actions": ["s3:ListBucket"],
        "resources": ["arn:aws:s3:::foo"],
        "conditions": [
            {"test": "StringLike", "variable": "s3:prefix", "values": ["home/", "", "home/&{aws:username}/"]}
        ],
        "notPrincipals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}],
    },
    {
        "actions": ["s3:*"],
        "resources": ["arn:aws:s3:::foo/home/&{aws:username}", "arn:aws:s3:::foo/home/&{aws:username}/*"],
        "principals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}],
    },
    {"effect": "Deny", "notActions": ["s3:*"], "notResources": ["arn:aws:s3:::*"]},
    {"effect": "Allow", "actions": ["kinesis:*"], "principals": [{"type": "AWS", "identifiers": ["*"]}]},
    {"effect": "Allow", "actions": ["firehose:*"], "principals": [{"type": "*", "identifiers": ["*"]}]},
]

BASIC_EXPECTED = """{
  "Version": "2012-10-17",
  "Id": "policy_id",
  "Statement": [
    {
      "Sid": "1",
      "Effect": "Allow",
      "Action": [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation"
      ],
      "Resource": "arn:aws:s3:::*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::foo",
      "NotPrincipal": {
        "AWS": "arn:blahblah:example"
      },
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "home/",
            "",
            "home/${aws:username}/"
          ]
        }
      }
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::foo/home/${aws:username}/*",
        "arn:aws:s3:::foo/home/${aws:username}"
      ],
      "Principal": {
        "AWS": "arn:blahblah:example"
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "s3:*",
      "NotResource": "arn:aws:s3:::*"
    },
    {
      "Effect": "Allow",
      "Action": "kinesis:*",
      "Principal": {
        "AWS": "*"
      }
    },
    {
      "Effect": "Allow",
      "Action": "firehose:*",
      "Principal": "*"
    }
  ]
}"""


def doc(*statements: dict, **args) -> str:
    return render({"statements": list(statements), **args})["json"]


def test_basic_document_matches_the_provider() -> None:
    result = render({"policyId": "policy_id", "statements": BASIC_STATEMENTS})
    assert result["json"] == BASIC_EXPECTED
    assert result["minifiedJson"] == json.dumps(json.loads(BASIC_EXPECTED), separators=(",", ":"))
    assert result["id"] == str(zlib.crc32(BASIC_EXPECTED.encode()))


def test_principal_identifiers_string_and_slice() -> None:
    rendered = doc(
        {
            "sid": "StatementPrincipalIdentifiersStringAndSlice",
            "actions": ["*"],
            "resources": ["*"],
            "principals": [
                {"type": "AWS", "identifiers": ["arn:aws:iam::111111111111:root"]},
                {"type": "AWS", "identifiers": ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"]},
            ],
        }
    )
    assert json.loads(rendered)["Statement"][0]["Principal"] == {
        "AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:root"]
    }


def policy(*statements: dict) -> str:
    return doc(*statements)


POLICY_A = policy(
    {"sid": "", "effect": "Allow", "actions": ["foo:ActionOne"]},
    {"sid": "validSidOne", "effect": "Allow", "actions": ["bar:ActionOne"]},
)
POLICY_B = policy({"sid": "validSidTwo", "effect": "Deny", "actions": ["foo:ActionTwo"]})
POLICY_C = policy({"sid": "", "effect": "Allow", "actions": ["bar:ActionTwo"]})


def test_source_documents_are_merged_in_order() -> None:
    rendered = render({"version": "2012-10-17", "sourcePolicyDocuments": [POLICY_A, POLICY_B, POLICY_C]})["json"]
    assert (
        rendered
        == """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "foo:ActionOne"
    },
    {
      "Sid": "validSidOne",
      "Effect": "Allow",
      "Action": "bar:ActionOne"
    },
    {
      "Sid": "validSidTwo",
      "Effect": "Deny",
      "Action": "foo:ActionTwo"
    },
    {
      "Effect": "Allow",
      "Action": "bar:ActionTwo"
    }
  ]
}"""
    )


def test_duplicate_sid_across_source_documents_is_an_error() -> None:
    conflicting = policy({"sid": "validSidOne", "effect": "Allow", "actions": ["bar:ActionTwo"]})
    with pytest.raises(PolicyDocumentError, match=r"duplicate Sid \(validSidOne\)"):
        render({"sourcePolicyDocuments": [POLICY_A, conflicting]})


def test_override_documents_replace_statements_with_the_same_sid() -> None:
    override_c = policy({"sid": "validSidOne", "effect": "Deny", "actions": ["bar:ActionOne"]})
    rendered = json.loads(render({"overridePolicyDocuments": [POLICY_A, POLICY_B, override_c]})["json"])
    assert rendered["Statement"] == [
        {"Effect": "Allow", "Action": "foo:ActionOne"},
        {"Sid": "validSidOne", "Effect": "Deny", "Action": "bar:ActionOne"},
        {"Sid": "validSidTwo", "Effect": "Deny", "Action": "foo:ActionTwo"},
    ]


def test_source_then_statements_then_override() -> None:
    source = policy({"sid": "OverridePlaceholder", "actions": ["ec2:DescribeAccountAttributes"], "resources": ["*"]})
    override = policy({"sid": "OverridePlaceholder", "actions": ["s3:GetObject"], "resources": ["*"]})
    rendered = json.loads(render({"sourcePolicyDocuments": [source], "overridePolicyDocuments": [override]})["json"])
    assert rendered["Statement"] == [
        {"Sid": "OverridePlaceholder", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ]


def test_statements_override_source_sids() -> None:
    source = policy(
        {"actions": ["ec2:*"], "resources": ["*"]}, {"sid": "SidToOverride", "actions": ["s3:*"], "resources": ["*"]}
    )
    rendered = json.loads(
        render(
            {
                "sourcePolicyDocuments": [source],
                "statements": [
                    {
                        "sid": "SidToOverride",
                        "actions": ["s3:*"],
                        "resources": ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"],
                    }
                ],
            }
        )["json"]
    )
    assert rendered["Statement"] == [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {
            "Sid": "SidToOverride",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::somebucket/*", "arn:aws:s3:::somebucket"],
        },
    ]


def test_conditions_with_several_keys_and_values() -> None:
    rendered = json.loads(
        doc(
            {
                "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
                "resources": ["*"],
                "conditions": [
                    {"test": "ForAnyValue:StringEquals", "variable": "kms:EncryptionContext:service", "values": ["pi"]},
                    {
                        "test": "ForAnyValue:StringEquals",
                        "variable": "kms:EncryptionContext:aws:pi:service",
                        "values": ["rds"],
                    },
                    {
                        "test": "ForAnyValue:StringEquals",
                        "variable": "kms:EncryptionContext:aws:rds:db-id",
                        "values": ["db-AAAAABBBBBCCCCCDDDDDEEEEE", "db-EEEEEDDDDDCCCCCBBBBBAAAAA"],
                    },
                ],
            }
        )
    )
    assert rendered["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            "ForAnyValue:StringEquals": {
                "kms:EncryptionContext:aws:pi:service": "rds",
                "kms:EncryptionContext:aws:rds:db-id": ["db-AAAAABBBBBCCCCCDDDDDEEEEE", "db-EEEEEDDDDDCCCCCBBBBBAAAAA"],
                "kms:EncryptionContext:service": "pi",
            }
        },
    }


def test_source_document_conditions_principals_and_not_actions_survive_the_round_trip() -> None:
    source = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Org",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]},
                    "NotAction": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:PrincipalOrgID": ["o-abc"]},
                        "Bool": {"aws:SecureTransport": True},
                    },
                }
            ],
        }
    )
    statement = json.loads(render({"sourcePolicyDocuments": [source]})["json"])["Statement"][0]
    assert statement == {
        "Sid": "Org",
        "Effect": "Allow",
        "NotAction": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": "*",
        "Principal": {"AWS": ["arn:aws:iam::2:root", "arn:aws:iam::1:root"]},
        "Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
    }


def test_snake_case_statement_keys_are_not_lost() -> None:
    statement = json.loads(doc({"sid": "X", "not_actions": ["s3:GetObject"], "not_resources": ["arn:aws:s3:::o"]}))[
        "Statement"
    ][0]
    assert statement["NotAction"] == "s3:GetObject" and statement["NotResource"] == "arn:aws:s3:::o"


def test_version_2008_rejects_policy_variables() -> None:
    with pytest.raises(PolicyDocumentError, match="not supported in document version 2008-10-17"):
        render(
            {
                "version": "2008-10-17",
                "statements": [{"actions": ["*"], "resources": ["arn:aws:s3:::foo/&{aws:username}"]}],
            }
        )


def test_duplicate_sid_in_statements_is_an_error() -> None:
    with pytest.raises(PolicyDocumentError, match=r"duplicate Sid \(1\)"):
        render({"statements": [{"sid": "1", "actions": ["a:B"]}, {"sid": "1", "actions": ["a:C"]}]})


def test_html_characters_are_escaped_as_go_does() -> None:
    rendered = doc({"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::a&b<c>"]})
    assert "arn:aws:s3:::a\\u0026b\\u003cc\\u003e" in rendered
    assert json.loads(rendered)["Statement"][0]["Resource"] == "arn:aws:s3:::a&b<c>"

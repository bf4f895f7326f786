# METADATA
# title: Key policy lets a non-reader decrypt
# description: >-
#   A KMS key policy (the key's policy or a KeyPolicy resource) lets a principal beyond the
#   allowlist use kms:Decrypt, kms:ReEncrypt* or kms:CreateGrant: anyone, another account, the
#   whole organization, the account root (":root" delegation hands the key to every IAM policy
#   of the account) or a named principal that is not an allowed reader. Key administrators may
#   administer the key but not decrypt with it. AWS services pinned to the account by
#   aws:SourceAccount / kms:ViaService / kms:EncryptionContext conditions are not readers.
# custom:
#   id: LD-KMS-001
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [kms_key, kms_key_policy]
#   remediation: >-
#     Grant kms:Decrypt only to lockdown:allowedReaders (and services with kms:ViaService or
#     aws:SourceAccount conditions); give lockdown:keyAdministrators administrative actions only;
#     remove the "Enable IAM User Permissions" statement for the account root.
#   frameworks:
#     - "CIS AWS Foundations 3.7"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.kms.key_policy_decrypt

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.config
import data.lockdown.lib.policy
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_own_key_policy := data.lockdown.lib.reads.own_key_policy

# The key policy documents a resource carries itself. A key's own tags decide whether it is
# protected; a KeyPolicy resource is always treated as protecting restricted data (its key's
# classification is not decidable from the resource alone).
documents(r) := [{"urn": r.urn, "via": "key policy", "parsed": parsed}] if {
	types.kind(r) == "kms_key"
	classification.is_protected(r)
	parsed := _own_key_policy[r.urn]
}

documents(r) := [{"urn": r.urn, "via": "key policy", "parsed": _own_key_policy[r.urn]}] if {
	types.kind(r) == "kms_key_policy"
}

deny contains violation if {
	some k in {"kms_key", "kms_key_policy"}
	some r in types.resources_of(k)
	some d in documents(r)
	some e in data.lockdown.lib.reads.key_policy_decrypts(d)
	reason := _problem(e)
	violation := {
		"urn": r.urn,
		"msg": sprintf("key policy of '%s' lets %s (%s) use %s%s", [r.name, e.principal, e.class, actions.display_list(e.actions), reason]),
		"principal": e.principal,
	}
}

deny contains violation if {
	some k in {"kms_key", "kms_key_policy"}
	some r in types.resources_of(k)
	some d in documents(r)
	policy.unreadable(d.parsed)
	violation := types.undecided_when(policy.undecided(d.parsed), {
		"urn": r.urn,
		"msg": sprintf("key policy of '%s' %s, so who can decrypt cannot be checked", [r.name, policy.reason(d.parsed)]),
	})
}

# Why an entry is a finding ("" for an ordinary non-reader); undefined when it is fine.
_problem(e) := " (key administrators may administer the key, not decrypt)" if {
	not e.allowed
	config.is_key_administrator(e.principal)
	count(e.actions & data.lockdown.lib.actions.kms_decrypt_direct) > 0
} else := "" if {
	e.violation
	not config.is_key_administrator(e.principal)
}

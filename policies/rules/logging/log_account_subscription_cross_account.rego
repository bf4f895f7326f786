# METADATA
# title: Account-wide log subscription ships logs to another account
# description: >-
#   A CloudWatch Logs account policy of type SUBSCRIPTION_FILTER_POLICY subscribes every log
#   group of the account (restricted ones included) to its DestinationArn. A destination in an
#   account that is not one of accountIds makes that account a reader of all the account's logs.
#   A policy document that cannot be read (unknown at plan time, secret, invalid) is reported.
# custom:
#   id: LD-LOG-012
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [log_account_policy]
#   remediation: Point the account policy's DestinationArn at a stream or function in one of the accounts listed in lockdown:accountIds, or remove the account-wide subscription.
#   frameworks:
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.5.14"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 32"
package lockdown.rules.logging.log_account_subscription_cross_account

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some account_policy in services.resources_of_extra("log_account_policy")
	is_subscription(account_policy)
	problem := destination_problem(types.prop(account_policy, "policyDocument", null))
	violation := types.undecided_when(undecided(account_policy), {
		"urn": account_policy.urn,
		"msg": sprintf("log account policy '%s' subscribes every log group of the account and %s", [account_policy.name, problem]),
	})
}

# The verdict rests on a value unknown at plan time: the policy type, the document or its destination.
default undecided(_) := false

undecided(account_policy) if types.is_unknown(types.prop(account_policy, "policyType", ""))

undecided(account_policy) if types.is_unknown(types.prop(account_policy, "policyDocument", null))

undecided(account_policy) if {
	doc := types.prop(account_policy, "policyDocument", null)
	services.usable(doc)
	json.is_valid(doc)
	types.is_unknown(object.get(json.unmarshal(doc), "DestinationArn", null))
}

# A policy type unknown at plan time could be a subscription: fail closed.
is_subscription(account_policy) if types.prop(account_policy, "policyType", "") == "SUBSCRIPTION_FILTER_POLICY"

is_subscription(account_policy) if types.is_unknown(types.prop(account_policy, "policyType", ""))

destination_problem(doc) := "its policy document is not known at plan time or is a secret, so the receiving account cannot be verified" if {
	not services.usable(doc)
} else := "its policy document is not valid JSON" if {
	not json.is_valid(doc)
} else := problem if {
	problem := arn_problem(object.get(json.unmarshal(doc), "DestinationArn", null))
}

arn_problem(arn) := "its DestinationArn is missing or unknown at plan time, so the receiving account cannot be verified" if {
	not services.usable(arn)
} else := sprintf("ships them to %s, which names no account", [arn]) if {
	not services.arn_account(arn)
} else := sprintf("ships them to account %s (%s), which is not in accountIds", [acct, arn]) if {
	acct := services.arn_account(arn)
	not config.is_own_account(acct)
}

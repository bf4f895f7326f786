package lockdown.rules.settings.cross_account_reader_test

import rego.v1

import data.lockdown.rules.settings.cross_account_reader

test_reader_of_another_account_is_denied if {
	findings := cross_account_reader.deny with input as {"resources": []}
		with data.lockdown.config as {
			"accountIds": ["111111111111"],
			"allowedReaders": ["arn:aws:iam::999999999999:role/analyst"],
		}
	count(findings) == 1
	some f in findings
	f.urn == "lockdown:settings:allowedReaders"
	contains(f.msg, "999999999999")
}

test_key_administrator_of_another_account_is_denied if {
	findings := cross_account_reader.deny with input as {"resources": []}
		with data.lockdown.config as {
			"accountIds": ["111111111111"],
			"keyAdministrators": ["arn:aws:iam::999999999999:role/admin"],
		}
	count(findings) == 1
}

test_reader_with_no_account_ids_is_denied if {
	findings := cross_account_reader.deny with input as {"resources": []}
		with data.lockdown.config as {"allowedReaders": ["arn:aws:iam::111111111111:role/analyst"]}
	count(findings) == 1
}

test_readers_of_own_accounts_are_allowed if {
	findings := cross_account_reader.deny with input as {"resources": []}
		with data.lockdown.config as {
			"accountIds": ["111111111111", "222222222222"],
			"allowedReaders": ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::222222222222:role/b"],
			"keyAdministrators": ["arn:aws:iam::111111111111:role/admin"],
		}
	count(findings) == 0
}

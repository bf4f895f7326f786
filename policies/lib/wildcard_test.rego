package lockdown.lib.wildcard_test

import rego.v1

import data.lockdown.lib.wildcard

test_star_crosses_dots_colons_and_slashes if {
	wildcard.match("*", "arn:aws:s3:::keystrokes.corp.example/a/b.json")
	wildcard.match("arn:aws:s3:::keystrokes*", "arn:aws:s3:::keystrokes.corp.example/x")
	wildcard.match("arn:*:s3:::k*/*", "arn:aws-us-gov:s3:::k.corp/x")
	wildcard.match("s3:get*", "s3:get.object")
}

test_question_mark_is_one_character_of_any_kind if {
	wildcard.match("a?b", "a.b")
	wildcard.match("a?b", "a:b")
	not wildcard.match("a?b", "ab")
	not wildcard.match("a?b", "a..b")
}

test_other_characters_are_literal if {
	wildcard.match("a[bc]*", "a[bc]d")
	not wildcard.match("a[bc]*", "ab")
	wildcard.match("a{x,y}*", "a{x,y}z")
	not wildcard.match("a{x,y}*", "ax")
	wildcard.match("a\\b*", "a\\bc")
	wildcard.match("a!*", "a!b")
	wildcard.match("a.b", "a.b")
	not wildcard.match("a.b", "axb")
}

test_case_sensitive_unless_asked if {
	not wildcard.match("arn:aws:s3:::Data*", "arn:aws:s3:::data")
	wildcard.match_ci("S3:GetObject*", "s3:getobjectversion")
}

test_whole_value_only if {
	not wildcard.match("arn:aws:s3:::b", "arn:aws:s3:::b/x")
	not wildcard.match("*b", "bc")
}

test_some_extension_of_a_prefix if {
	wildcard.matches_some_extension("arn:aws:s3:::b/private/*", "arn:aws:s3:::b/")
	wildcard.matches_some_extension("arn:aws:s3:::k*", "arn:aws:s3:::k.corp.example/")
	wildcard.matches_some_extension("arn:aws:s3:::*.example/logs/*", "arn:aws:s3:::k.corp.example/")
	wildcard.matches_some_extension("*", "arn:aws:s3:::b/")
	wildcard.matches_some_extension("arn:aws:s3:::b?x", "arn:aws:s3:::b/")
	not wildcard.matches_some_extension("arn:aws:s3:::b", "arn:aws:s3:::b/")
	not wildcard.matches_some_extension("arn:aws:s3:::other/*", "arn:aws:s3:::b/")
	not wildcard.matches_some_extension("arn:aws:s3:::b-*/*", "arn:aws:s3:::b/")
}

test_every_extension_of_a_prefix if {
	wildcard.matches_every_extension("arn:aws:s3:::b/*", "arn:aws:s3:::b/")
	wildcard.matches_every_extension("*", "arn:aws:s3:::b/")
	wildcard.matches_every_extension("arn:*:s3:::k.*", "arn:aws-cn:s3:::k.corp/")
	not wildcard.matches_every_extension("arn:aws:s3:::b/private/*", "arn:aws:s3:::b/")
	not wildcard.matches_every_extension("arn:aws:s3:::b/?", "arn:aws:s3:::b/")
	not wildcard.matches_every_extension("arn:aws-us-gov:s3:::b/*", "arn:aws:s3:::b/")
}

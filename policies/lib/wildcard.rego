# IAM wildcard matching, the one implementation every helper uses.
#
# In IAM a `*` matches any run of characters and a `?` any single character, across every
# character: ".", ":" and "/" included (a bucket named keystrokes.corp.example is matched by
# "*" and by "arn:aws:s3:::keystrokes*"). Every other character is literal. Resource ARNs and
# principal ARNs are case-sensitive; action names are not (match_ci).
#
# glob.match with `null` delimiters has exactly these semantics once the characters glob itself
# interprets ([ ] { } \ and !) are escaped. `glob.match(p, [], v)` would treat "." as a
# delimiter that "*" does not cross: never call glob.match outside this package.
package lockdown.lib.wildcard

import rego.v1

# True when the IAM pattern matches the value, case-sensitively. A pattern without wildcards is
# compared directly (glob.match costs about 15 µs a call in regorus).
default match(_, _) := false

match(pattern, value) if {
	is_string(pattern)
	is_string(value)
	strings.replace_n(_wildcards, pattern) == pattern
	pattern == value
}

match(pattern, value) if {
	is_string(pattern)
	is_string(value)
	strings.replace_n(_wildcards, pattern) != pattern
	glob.match(escape(pattern), null, value)
}

# True when the pattern matches some string that starts with `prefix` (some object of a bucket:
# prefix "arn:aws:s3:::b/"). The character of the pattern that matches the prefix's last
# character is a copy of it, a "?" or a "*" (which may go on into the rest): the pattern cut
# just after one of those must match the prefix, and whatever follows the cut matches something.
default matches_some_extension(_, _) := false

matches_some_extension(pattern, prefix) if {
	is_string(pattern)
	startswith(pattern, prefix)
}

matches_some_extension(pattern, prefix) if {
	is_string(pattern)
	not startswith(pattern, prefix)
	has_wildcard(pattern)
	last := substring(prefix, count(prefix) - 1, 1)
	some i, c in split(pattern, "")
	c in {last, "?", "*"}
	match(substring(pattern, 0, i + 1), prefix)
}

# True when the pattern matches every non-empty string after `prefix` (every object of a
# bucket): it ends with "*" and, without its trailing "*"s, matches the prefix or a prefix of it.
default matches_every_extension(_, _) := false

matches_every_extension(pattern, prefix) if {
	is_string(pattern)
	endswith(pattern, "*")
	head := trim_right(pattern, "*")
	not has_wildcard(head)
	startswith(prefix, head)
}

matches_every_extension(pattern, prefix) if {
	is_string(pattern)
	endswith(pattern, "*")
	head := trim_right(pattern, "*")
	has_wildcard(head)
	some i in numbers.range(0, count(prefix))
	match(head, substring(prefix, 0, i))
}

# Case-insensitive match (actions, condition operators ...IgnoreCase).
match_ci(pattern, value) if match(lower(pattern), lower(value))

# True when the pattern holds a wildcard.
has_wildcard(pattern) if strings.replace_n(_wildcards, pattern) != pattern

# The pattern with every character glob interprets, other than * and ?, escaped.
escape(pattern) := pattern if {
	strings.replace_n(_glob_specials, pattern) == pattern
} else := concat("", [_escape_char(c) | some c in split(pattern, "")])

_escape_char(c) := concat("", ["\\", c]) if {
	c in _glob_special_set
} else := c

_wildcards := {"*": "", "?": ""}

_glob_specials := {"[": "", "]": "", "{": "", "}": "", "\\": "", "!": ""}

_glob_special_set := {"[", "]", "{", "}", "\\", "!"}

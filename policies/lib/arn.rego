# ARNs of the stack's own resources, in the stack's partition.
#
# AWS has several partitions (aws, aws-us-gov, aws-cn, ...) and an ARN names its partition:
# a bucket in GovCloud is arn:aws-us-gov:s3:::name. Matching a policy's Resource against an ARN
# built for the wrong partition breaks both ways (an Allow missed, a Deny ignored), so every ARN
# the library builds for matching comes from here.
package lockdown.lib.arn

import rego.v1

# The partition of a region name (regions of the ISO partitions included).
region_partition(region) := "aws-us-gov" if {
	startswith(region, "us-gov-")
} else := "aws-cn" if {
	startswith(region, "cn-")
} else := "aws-iso-b" if {
	startswith(region, "us-isob-")
} else := "aws-iso-e" if {
	startswith(region, "eu-isoe-")
} else := "aws-iso-f" if {
	startswith(region, "us-isof-")
} else := "aws-iso" if {
	startswith(region, "us-iso-")
} else := "aws"

# The partition of an ARN, undefined for anything else.
partition_of(arn) := parts[1] if {
	is_string(arn)
	startswith(arn, "arn:")
	parts := split(arn, ":")
	count(parts) >= 6
	parts[1] != ""
}

# The stack's partition: the region of its AWS providers, else the partition most of its known
# bucket ARNs name (buckets are what resource patterns are matched against), else most of its
# other known ARNs, else "aws".
default partition := "aws"

partition := p if {
	count(_provider_partitions) == 1
	some p in _provider_partitions
} else := _most_common(_bucket_partitions) if {
	count(_bucket_partitions) > 0
} else := _most_common(_arn_partitions) if {
	count(_arn_partitions) > 0
}

# The most common value of a non-empty list (the first in sort order on a tie).
_most_common(list) := p if {
	counts := {q: n |
		some q in {x | some x in list}
		n := count([1 | some x in list; x == q])
	}
	top := max({n | some _, n in counts})
	p := min({q | some q, n in counts; n == top})
}

_bucket_partitions := [p |
	some b in data.lockdown.lib.types.resources_of("bucket")
	p := partition_of(object.get(object.get(b, "properties", {}), "arn", null))
]

_provider_partitions := {region_partition(region) |
	some r in input.resources
	startswith(r.type, "pulumi:providers:aws")
	region := object.get(object.get(r, "properties", {}), "region", null)
	is_string(region)
	region != ""
	region != data.lockdown.lib.types.unknown
}

_arn_partitions := [p |
	some r in input.resources
	p := partition_of(object.get(object.get(r, "properties", {}), "arn", null))
]

# "arn:<partition>:s3" (what precedes ":::" in every bucket and object ARN).
s3_prefix := concat("", ["arn:", partition, ":s3"])

# A bucket's ARN and the ARN pattern of all its objects.
bucket(name) := concat("", [s3_prefix, ":::", name])

objects(name) := concat("", [s3_prefix, ":::", name, "/*"])

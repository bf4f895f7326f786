package lockdown.rules.training.domain_vpc_only_test

import rego.v1

import data.lockdown.rules.training.domain_vpc_only

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

domain(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
	"type": "aws:sagemaker/domain:Domain",
	"name": "studio",
	"properties": object.union({"authMode": "IAM", "vpcId": "vpc-1", "subnetIds": ["subnet-1"]}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := domain_vpc_only.deny with input as {"resources": [domain(props)]}
		with data.lockdown.config as {}
}

test_default_public_internet_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
		"type": "aws:sagemaker/domain:Domain",
		"name": "studio",
		"properties": {"authMode": "IAM", "vpcId": "vpc-1", "subnetIds": ["subnet-1"]},
		"unknowns": [],
	}
	findings := domain_vpc_only.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'studio' lets apps reach the internet outside the VPC (appNetworkAccessType PublicInternetOnly)")
}

test_vpc_only_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
		"type": "aws:sagemaker/domain:Domain",
		"name": "studio",
		"properties": {"authMode": "IAM", "vpcId": "vpc-1", "subnetIds": ["subnet-1"], "appNetworkAccessType": "VpcOnly"},
		"unknowns": [],
	}
	findings := domain_vpc_only.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_unknown_access_type_is_denied if {
	some f in findings_for({"appNetworkAccessType": unknown})
	contains(f.msg, "unknown at plan time")
}

test_public_domain_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}

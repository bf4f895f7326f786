# A Firehose stream that delivers to an HTTP endpoint outside AWS copies every record to
# whoever operates that endpoint: the copy's readers are readers of the data.
package lockdown.lib.access.edges.firehose_http_endpoint

import rego.v1

import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_protected_urns := data.lockdown.lib.classification.protected_urns

edges contains e if {
	some stream in types.resources_of("firehose_delivery_stream")
	stream.urn in _protected_urns
	types.prop(stream, "destination", "") == "http_endpoint"
	config := types.prop(stream, "httpEndpointConfiguration", {})
	url := object.get(config, "url", data.lockdown.lib.types.unknown)
	not _inside_aws(url)
	e := {
		"kind": "firehose_http_endpoint",
		"urn": stream.urn,
		"principal": sprintf("whoever operates %v", [_label(url)]),
		"allowed": false,
		"store": sprintf("the records of Firehose stream '%v'", [stream.name]),
		"path": [sprintf("Firehose stream '%v' delivers its records to the HTTP endpoint %v", [stream.name, _label(url)])],
	}
}

# An endpoint of an AWS service (https://<...>.amazonaws.com[.cn]/...).
_inside_aws(url) if {
	is_string(url)
	host := split(split(trim_prefix(url, "https://"), "/")[0], ":")[0]
	some suffix in {".amazonaws.com", ".amazonaws.com.cn"}
	endswith(host, suffix)
}

_label(url) := "an endpoint not known at plan time" if {
	not is_string(url)
} else := "an endpoint not known at plan time" if {
	types.is_unknown(url)
} else := url

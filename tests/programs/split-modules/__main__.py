"""A program split across modules: its own package and a helper module."""

import naming
import pulumi
from storage import make_store

store = make_store(naming.prefixed("raw"))
pulumi.export("bucket", store.bucket)

"""The offline planner: run a Pulumi Python program under the SDK's mock runtime.

``project`` reads Pulumi.yaml and the stack's config, ``monitor`` records every
registration the way the engine would, ``outputs`` synthesizes realistic resource
outputs, ``invokes`` renders pure-data invokes, and ``runner`` is the subprocess
entry point that ties them together (one fresh process per plan, because the
Pulumi runtime is process-global). ``lockdown.loaders.program`` is the caller.
"""

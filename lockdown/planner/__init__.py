"""The offline planner: run a Pulumi program (Python, Node.js or YAML) without the engine.

``project`` reads Pulumi.yaml and the stack's config, ``monitor`` records every
registration the way the engine would, ``outputs`` synthesizes realistic resource
outputs, ``invokes`` renders pure-data invokes, and ``runner`` is the subprocess
entry point that ties them together (one fresh process per plan, because the
Pulumi runtime is process-global). One module per other language runtime talks to
the same monitor: ``node`` (TypeScript and JavaScript, through ``js/harness.js``) and
``yamlprog`` (Pulumi YAML). ``lockdown.loaders.program`` is the caller.
"""

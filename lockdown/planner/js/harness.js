// Lockdown's Node.js planning harness: runs a Pulumi Node.js program under the SDK's mock
// runtime and forwards every resource-monitor call to the Python parent, which answers it
// with the same recording monitor, synthesized outputs and invokes as for Python programs.
//
// Protocol (one JSON object per line): the first line on stdin is the spec; requests go out on
// the descriptor named in argv as {id, method, request: base64 protobuf}; answers come back on
// stdin as {id, response: base64 protobuf} or {id, error}. Other messages: {method: "location"},
// {method: "log"}, {method: "warning"}, and last {method: "done", error}. Everything the program
// prints goes to stdout/stderr, which the parent keeps apart from the protocol.
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { pathToFileURL } = require("url");

// The protocol pipe: the descriptor the parent passed (argv), 3 when run by hand.
const OUT_FD = Number(process.argv[2] || 3);
const pending = new Map();
let nextId = 0;
let finished = false;

function send(message) {
    const data = Buffer.from(JSON.stringify(message) + "\n", "utf8");
    let written = 0;
    while (written < data.length) {
        written += fs.writeSync(OUT_FD, data, written, data.length - written);
    }
}

function describe(err) {
    if (err === null || typeof err !== "object") {
        return { name: "Error", message: String(err), stack: "" };
    }
    return {
        name: (err.constructor && err.constructor.name) || err.name || "Error",
        message: String(err.message === undefined ? err : err.message),
        stack: String(err.stack || ""),
        key: typeof err.key === "string" ? err.key : undefined,
        code: typeof err.code === "string" ? err.code : undefined,
    };
}

function finish(error) {
    if (finished) {
        return;
    }
    finished = true;
    send({ method: "done", error: error ? describe(error) : null });
    process.exit(0);
}

process.on("uncaughtException", finish);
process.on("unhandledRejection", finish);
// Only an answer the parent still owes keeps the process alive (as the engine's gRPC calls do):
// a program whose promises can never settle ends, as under the Pulumi host, and is an error.
process.on("beforeExit", () =>
    finish(new Error("the program ended before its resources were registered: a promise it awaits never settles")),
);
process.stdin.on("close", () => process.exit(1));

function holdInput() {
    if (pending.size > 0) {
        process.stdin.ref();
    } else {
        process.stdin.unref();
    }
}

/** The frame that declares a resource: the innermost one in the program's own files. */
function declaration(programRoot) {
    const lines = String(new Error().stack || "").split("\n");
    for (const line of lines) {
        const match = /\((.*):(\d+):\d+\)$/.exec(line) || /at (.*):(\d+):\d+$/.exec(line);
        if (!match) {
            continue;
        }
        const file = match[1].startsWith("file://") ? new URL(match[1]).pathname : match[1];
        if (file.startsWith(programRoot) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
            return { file, line: Number(match[2]) };
        }
    }
    return undefined;
}

function registerTypeScript(programDir, resolve) {
    let tsNode;
    try {
        tsNode = resolve("ts-node");
    } catch (_err) {
        tsNode = undefined;
    }
    if (tsNode) {
        const hasProject = fs.existsSync(path.join(programDir, "tsconfig.json"));
        // As the Pulumi Node.js host does without a tsconfig.json; type errors do not change the plan.
        require(tsNode).register({
            transpileOnly: true,
            dir: programDir,
            skipProject: !hasProject,
            compilerOptions: hasProject
                ? { module: "commonjs" }
                : { target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true },
        });
        return;
    }
    require(resolve("tsx/cjs/api")).register();
}

async function run(spec) {
    const programDir = spec.programDir;
    const programRoot = path.resolve(programDir) + path.sep;
    const resolve = (name) => require.resolve(name, { paths: [programDir] });
    const load = (name) => require(resolve(name));
    Error.stackTraceLimit = 64;
    process.chdir(programDir);
    process.argv = [process.argv[0], spec.main];

    const pulumi = load("@pulumi/pulumi");
    const resproto = load("@pulumi/pulumi/proto/resource_pb");
    const state = load("@pulumi/pulumi/runtime/state");
    const settings = load("@pulumi/pulumi/runtime/settings");
    const stack = load("@pulumi/pulumi/runtime/stack");
    const resource = load("@pulumi/pulumi/runtime/resource");
    const log = load("@pulumi/pulumi/log");

    await pulumi.runtime.setMocks(
        { newResource: () => ({ id: "", state: {} }), call: () => ({}) },
        spec.project,
        spec.stack,
        true,
        "organization",
    );
    pulumi.runtime.setAllConfig(spec.config, spec.secretKeys);

    const monitor = state.getStore().settings.monitor;
    const forward = (method, responseType) => (request, callback) => {
        const id = nextId++;
        pending.set(id, { callback, responseType });
        holdInput();
        send({ id, method, request: Buffer.from(request.serializeBinary()).toString("base64") });
    };
    monitor.registerResource = forward("RegisterResource", resproto.RegisterResourceResponse);
    monitor.readResource = forward("ReadResource", resproto.ReadResourceResponse);
    monitor.invoke = forward("Invoke", resproto.ResourceInvokeResponse);
    // Stack and component outputs are not part of the plan (the Python runtime drops them too).
    monitor.registerResourceOutputs = (_request, callback) => callback(null, {});

    for (const name of ["registerResource", "readResource"]) {
        const original = resource[name];
        resource[name] = function (res, parent, type, resName, ...rest) {
            const where = declaration(programRoot);
            if (where) {
                send({ method: "location", type, name: resName, file: where.file, line: where.line });
            }
            return original.call(this, res, parent, type, resName, ...rest);
        };
    }
    for (const level of ["warn", "error"]) {
        log[level] = (message) => {
            if (level === "error") {
                state.getStore().logErrorCount++;
            }
            send({ method: "log", level, message: String(message) });
            return Promise.resolve();
        };
    }

    // As for Python programs: an output of a stack reference that is not given is empty, with a
    // warning naming the config key that gives it (never a failure, never silently).
    const given = new Set(spec.stackrefs);
    const getOutput = pulumi.StackReference.prototype.getOutput;
    pulumi.StackReference.prototype.getOutput = function (name) {
        pulumi.all([this.name, name, this.outputs]).apply(([stack, key, outputs]) => {
            if (given.has(stack) && !Object.prototype.hasOwnProperty.call(outputs || {}, key)) {
                const message =
                    `stack reference '${stack}': output '${key}' not given, it is empty ` +
                    `(pass --config stackref:${stack}:${key}=VALUE)`;
                send({ method: "warning", message });
            }
        });
        return getOutput.call(this, name);
    };
    pulumi.StackReference.prototype.requireOutput = pulumi.StackReference.prototype.getOutput;

    if (spec.typescript) {
        registerTypeScript(programDir, resolve);
    }
    await stack.runInPulumiStack(async () => {
        let exported;
        if (spec.module) {
            exported = await import(pathToFileURL(spec.main).href);
        } else {
            exported = require(spec.main);
        }
        if (exported && exported.__esModule && exported.default !== undefined) {
            exported = exported.default;
        }
        // As the Pulumi host does: a program may export a function that returns the stack outputs.
        return typeof exported === "function" ? await exported() : exported;
    });
    // The SDK's own end of a run: wait until every outstanding resource operation has settled.
    await settings.waitForRPCs();
    finish(null);
}

function answer(message) {
    const entry = pending.get(message.id);
    if (!entry) {
        return;
    }
    pending.delete(message.id);
    holdInput();
    if (message.error !== undefined) {
        entry.callback(new Error(message.error), undefined);
    } else {
        entry.callback(null, entry.responseType.deserializeBinary(Buffer.from(message.response, "base64")));
    }
}

let started = false;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
    if (!started) {
        started = true;
        holdInput();
        run(JSON.parse(line)).catch(finish);
        return;
    }
    answer(JSON.parse(line));
});

import assert from "node:assert/strict";
import { attachProblems } from "../../src/config/attach_checks.ts";
import { formatHostPort, isLoopback, parseHostPort } from "../../src/config/host_port.ts";
import { resolveConfig } from "../../src/config/resolve.ts";

const config = (flags: Record<string, string>) => resolveConfig({ seed: "1", ...flags }, {});

Deno.test("parseHostPort() reads names, IPv4 and bracketed IPv6, and refuses the rest", () => {
  assert.deepEqual(parseHostPort("hyperd:7483"), { host: "hyperd", port: 7483 });
  assert.deepEqual(parseHostPort("127.0.0.1:1"), { host: "127.0.0.1", port: 1 });
  assert.deepEqual(parseHostPort("[::1]:7483"), { host: "::1", port: 7483 });
  for (const bad of ["hyperd", "hyperd:", ":7483", "hyperd:0", "hyperd:65536", "a b:1", "::1:7"]) {
    assert.equal(parseHostPort(bad), null, bad);
  }
  assert.equal(formatHostPort({ host: "::1", port: 7 }), "[::1]:7");
  assert.ok(isLoopback("localhost") && isLoopback("127.0.0.2") && isLoopback("::1"));
  assert.ok(!isLoopback("hyperd"));
});

Deno.test("--endpoint is checked as HOST:PORT when the config is resolved", () => {
  assert.throws(() => config({ endpoint: "hyperd" }), /--endpoint: expected HOST:PORT/);
  assert.equal(config({ endpoint: "hyperd:7483" }).endpoint, "hyperd:7483");
});

Deno.test("attachProblems() accepts an attached run and segments with a shared database dir", () => {
  assert.deepEqual(attachProblems(config({ endpoint: "127.0.0.1:7483" })), []);
  assert.deepEqual(
    attachProblems(
      config({ endpoint: "hyperd:7483", segment: "1/3", databaseDir: "/data", hyperdLog: "/l" }),
    ),
    [],
  );
  assert.deepEqual(
    attachProblems(
      config({ endpoint: "localhost:7483", transport: "grpc", grpcEndpoint: "127.0.0.1:7484" }),
    ),
    [],
  );
});

Deno.test("attachProblems() refuses segments without --endpoint, naming each as it was given", () => {
  const problems = attachProblems(config({ segment: "0/2" }));
  assert.equal(problems.length, 1);
  // --segment was given as a flag; --endpoint not at all, so both its names are offered.
  assert.match(problems[0], /^--segment: expected --endpoint \(STRESS_ENDPOINT\)/);
  const fromEnv = attachProblems(resolveConfig({ seed: "1" }, { STRESS_SEGMENT: "0/2" }));
  assert.match(fromEnv[0], /^STRESS_SEGMENT: expected --endpoint \(STRESS_ENDPOINT\)/);
});

Deno.test("attachProblems() names each setting that makes no sense as given", () => {
  const problems = attachProblems(config({ databaseDir: "data", hyperdLog: "/x/hyperd.log" }));
  assert.deepEqual(problems.map((p) => p.split(":")[0]), [
    "--database-dir",
    "--hyperd-log",
    "--database-dir",
  ]);
  assert.match(problems[2], /expected an absolute path/);
  const grpc = attachProblems(config({ endpoint: "a:1", transport: "grpc" }));
  assert.match(grpc[0], /--grpc-endpoint \(STRESS_GRPC_ENDPOINT\): expected the server's gRPC/);
  const elsewhere = attachProblems(
    config({ endpoint: "a:1", transport: "grpc", grpcEndpoint: "b:2" }),
  );
  assert.match(elsewhere[0], /expected the host of --endpoint \(a\), got b/);
  const noDir = attachProblems(config({ endpoint: "a:1", segment: "0/2" }));
  assert.match(noDir[0], /expected --database-dir \(STRESS_DATABASE_DIR\) with segments/);
});

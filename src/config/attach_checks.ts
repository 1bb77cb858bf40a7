/**
 * The checks between the settings of attaching to a running hyperd and of segments, made before
 * anything starts. Pure.
 */
import { isAbsolute } from "node:path";
import { parseHostPort, sameHost } from "./host_port.ts";
import { settingName } from "./origin.ts";
import type { Config, ORIGINS } from "./settings.ts";

/**
 * What is wrong between the settings of attaching and of segments, one line each (empty when
 * nothing is): segments need a shared server and database dir; the attach-only settings need
 * --endpoint; gRPC reads of an attached server need its gRPC endpoint on the same host.
 */
export function attachProblems(
  config: Pick<
    Config,
    | "endpoint"
    | "grpcEndpoint"
    | "databaseDir"
    | "hyperdLog"
    | "segment"
    | "transport"
    | typeof ORIGINS
  >,
): string[] {
  const problems: string[] = [];
  if (config.segment && !config.endpoint) {
    problems.push(
      `${settingName(config, "segment")}: expected ${
        settingName(config, "endpoint")
      } with segments, got none: the ` +
        "segments of a run load one hyperd that runs on its own",
    );
  }
  if (config.segment && config.endpoint && !config.databaseDir) {
    problems.push(
      `${settingName(config, "segment")}: expected ${
        settingName(config, "databaseDir")
      } with segments, got none: every ` +
        "segment must find the databases segment 0 creates",
    );
  }
  for (const key of ["grpcEndpoint", "databaseDir", "hyperdLog"] as const) {
    if (config[key] && !config.endpoint) {
      problems.push(
        `${settingName(config, key)}: expected ${
          settingName(config, "endpoint")
        } with it, got none: a hyperd that ` +
          "hyperstress starts keeps its databases and log in the output dir",
      );
    }
  }
  if (config.databaseDir && !isAbsolute(config.databaseDir)) {
    problems.push(
      `${
        settingName(config, "databaseDir")
      }: expected an absolute path as the server sees it, got ` +
        JSON.stringify(config.databaseDir),
    );
  }
  const endpoint = config.endpoint ? parseHostPort(config.endpoint) : null;
  if (endpoint && config.transport === "grpc" && !config.grpcEndpoint) {
    problems.push(
      `${
        settingName(config, "grpcEndpoint")
      }: expected the server's gRPC HOST:PORT with --transport grpc ` +
        "and --endpoint, got none",
    );
  }
  const grpc = config.grpcEndpoint ? parseHostPort(config.grpcEndpoint) : null;
  if (endpoint && grpc && !sameHost(endpoint.host, grpc.host)) {
    problems.push(
      `${
        settingName(config, "grpcEndpoint")
      }: expected the host of --endpoint (${endpoint.host}), got ` +
        `${grpc.host}: both are the one hyperd's`,
    );
  }
  return problems;
}

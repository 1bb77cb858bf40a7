/** Errors that end a run, each with a stable code and the process exit code it maps to. */
import { EXIT } from "./verdict_policy.ts";

/** Base class: `code` is stable for branching, `exitCode` is what the process returns. */
export class HyperstressError extends Error {
  /** Stable identifier of the failure, e.g. `CONFIG_INVALID`. */
  readonly code: string;
  /** Exit code the process ends with when this error reaches main. */
  readonly exitCode: number;

  constructor(
    code: string,
    exitCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad settings or usage: nothing was started (EXIT.usage). */
export class ConfigError extends HyperstressError {
  constructor(message: string, options?: ErrorOptions) {
    super("CONFIG_INVALID", EXIT.usage, message, options);
  }
}

/** hyperd could not be found, installed, started, reached or stopped (EXIT.environment). */
export class HyperdError extends HyperstressError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, EXIT.environment, message, options);
  }
}

/**
 * A database could not be created, reached or found ready outside of the measured workload
 * (EXIT.environment).
 */
export class DatabaseError extends HyperstressError {
  constructor(message: string, options?: ErrorOptions) {
    super("DATABASE_FAILED", EXIT.environment, message, options);
  }
}

/** The server rejected a COPY; carries the server's SQLSTATE and message. */
export class CopyRejectedError extends Error {
  /** SQLSTATE the server sent, e.g. `22P04`. */
  readonly sqlState: string;

  constructor(sqlState: string, message: string) {
    super(message);
    this.name = "CopyRejectedError";
    this.sqlState = sqlState;
  }
}

import assert from "node:assert/strict";
import { binaryPath, flagValue, notHyperstress } from "../../tools/compile.ts";

Deno.test("compile's flagValue() reads --flag VALUE and --flag=VALUE, the first given", () => {
  const args = ["--allow-read", "--target", "aarch64-apple-darwin", "--output=dist/h"];
  assert.equal(flagValue(args, "--target"), "aarch64-apple-darwin");
  assert.equal(flagValue(args, "--output", "-o"), "dist/h");
  assert.equal(flagValue(["-o", "x"], "--output", "-o"), "x");
  assert.equal(flagValue(args, "--include"), undefined);
});

Deno.test("compile's binaryPath() adds .exe for a Windows target only", () => {
  assert.equal(binaryPath("dist/h", "x86_64-pc-windows-msvc"), "dist/h.exe");
  assert.equal(binaryPath("dist/h.exe", "x86_64-pc-windows-msvc"), "dist/h.exe");
  assert.equal(binaryPath("dist/h", "x86_64-unknown-linux-gnu"), "dist/h");
});

Deno.test("compile's notHyperstress() accepts only 'hyperstress <version>' as the first line", () => {
  assert.equal(notHyperstress("hyperstress 0.1.0", "0.1.0"), null);
  assert.equal(
    notHyperstress("deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)", "0.1.0"),
    'printed "deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)" instead of ' +
      '"hyperstress 0.1.0"',
  );
  assert.notEqual(notHyperstress("hyperstress 0.0.9", "0.1.0"), null);
});

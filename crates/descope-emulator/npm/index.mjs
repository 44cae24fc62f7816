// Starts and stops the descope-emulator binary from Node (test set-up, scripts), on a free
// loopback port, and talks to its control API. No dependencies; Node >= 20 (global fetch).
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { createInterface } from "node:readline";

/** The project id the emulator accepts unless told otherwise (`--project-id`). */
export const DEFAULT_PROJECT_ID = "P2emu0000000000000000000000";

/** How to get the binary, named in the error when it cannot be found. */
export const INSTALL_HINT =
  "install it with `cargo install --locked --path crates/descope-emulator` from a clone of " +
  "descope-wasm (puts descope-emulator in ~/.cargo/bin), or pass { bin } / set DESCOPE_EMULATOR_BIN";

const EXE = process.platform === "win32" ? "descope-emulator.exe" : "descope-emulator";

async function isExecutable(path) {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The emulator binary: `bin`, else $DESCOPE_EMULATOR_BIN, else `descope-emulator` on PATH, else
 * $CARGO_HOME/bin (default ~/.cargo/bin). Throws an Error naming the install command when none is found.
 */
export async function findEmulator(bin) {
  const explicit = bin ?? process.env.DESCOPE_EMULATOR_BIN;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new Error(`descope-emulator: ${explicit} is not an executable file; ${INSTALL_HINT}`);
  }
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((d) => d && isAbsolute(d));
  dirs.push(join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "bin"));
  for (const dir of dirs) {
    const candidate = join(dir, EXE);
    if (await isExecutable(candidate)) return candidate;
  }
  throw new Error(`descope-emulator: binary not found on PATH or in ~/.cargo/bin; ${INSTALL_HINT}`);
}

/**
 * Spawns the emulator with `--addr 127.0.0.1:0 --quiet` (then `--project-id` and `args`), waits for
 * its `listening on http://ADDR` line, and resolves to a handle on it.
 */
export async function startEmulator({ bin, args = [], projectId = DEFAULT_PROJECT_ID, quiet = true, timeoutMs = 60_000 } = {}) {
  const file = await findEmulator(bin);
  const argv = ["--addr", "127.0.0.1:0", ...(quiet ? ["--quiet"] : []), "--project-id", projectId, ...args];
  const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
  // The last lines of output, for error messages; the pipes are always drained so the child never blocks.
  const log = [];
  const keep = (line) => {
    log.push(line);
    if (log.length > 200) log.shift();
  };
  createInterface({ input: child.stderr }).on("line", keep);
  const stdout = createInterface({ input: child.stdout });
  // A test runner that exits without stop() must not leave the server running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let url;
  let timer;
  let onExit;
  try {
    url = await new Promise((resolve, reject) => {
      const tail = () => (log.length ? `; its last output:\n${log.slice(-20).join("\n")}` : "");
      if (timeoutMs > 0) {
        timer = setTimeout(() => reject(new Error(`descope-emulator did not start within ${timeoutMs} ms${tail()}`)), timeoutMs);
      }
      // "close" (not "exit"): its output has been read by then, so the message can quote it.
      onExit = (code, signal) =>
        reject(new Error(`descope-emulator exited before listening (code ${code}, signal ${signal})${tail()}`));
      child.once("close", onExit);
      child.once("error", reject);
      stdout.on("line", (line) => {
        keep(line);
        const m = /^listening on (http:\/\/\S+)$/.exec(line.trim());
        if (m) resolve(m[1].replace(/\/+$/, ""));
      });
    });
  } catch (err) {
    child.kill("SIGKILL");
    process.off("exit", killOnExit);
    throw err;
  } finally {
    clearTimeout(timer);
    child.off("close", onExit);
  }

  async function control(method, path, body) {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const code = json && json.errorCode ? ` ${json.errorCode}` : "";
      throw new Error(`descope-emulator: ${method} ${path} answered ${res.status}${code}`);
    }
    return json;
  }

  let stopped;
  return {
    url,
    projectId,
    process: child,
    log,
    control,
    async outbox(loginId) {
      const query = loginId === undefined ? "" : `?loginId=${encodeURIComponent(loginId)}`;
      return (await control("GET", `/emulator/outbox${query}`)).messages ?? [];
    },
    config(settings) {
      return settings === undefined ? control("GET", "/emulator/config") : control("POST", "/emulator/config", settings);
    },
    createUser: (user) => control("POST", "/emulator/users", user),
    createAccessKey: (key) => control("POST", "/emulator/accesskeys", key),
    async reset() {
      await control("POST", "/emulator/reset", {});
    },
    stop() {
      stopped ??= new Promise((resolve) => {
        process.off("exit", killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      return stopped;
    },
  };
}

import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";

const root = new URL("../../..", import.meta.url).pathname;

export interface HeldLock {
  /** Lets go of the lock; resolves when the other process has exited. */
  release(): Promise<void>;
}

/**
 * Another process (like an operator's sqlite3 shell or a backup tool) takes the SQLite write
 * lock with BEGIN EXCLUSIVE and holds it until `release()` (or 60 s). Resolves once it is held.
 */
export async function holdWriteLock(file: string): Promise<HeldLock> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)});
    db.pragma("busy_timeout = 10000");
    db.exec("BEGIN EXCLUSIVE");
    process.stdout.write("locked\\n");
    const letGo = () => { db.exec("ROLLBACK"); db.close(); process.exit(0); };
    process.stdin.on("data", letGo);
    setTimeout(letGo, 60000);
  `;
  const child = spawn(process.execPath, ["-e", script], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited with ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => {
      if (data.toString().includes("locked")) resolve();
    });
    exited.catch(reject);
  });
  return {
    release() {
      child.stdin.end("release\n");
      return exited;
    },
  };
}

/** `PRAGMA integrity_check` from a separate connection: "ok" when the file is sound. */
export function integrityCheck(file: string): string {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

export interface SmallDisk {
  /** A fresh folder on the small file system. */
  dir: string;
  /** Writes a filler file until the file system is full; returns the bytes written. */
  fill(): number;
  /** Deletes the filler: space returns. */
  free(): void;
  unmount(): void;
}

/** A real full disk: a small tmpfs (needs root and a mount that works, as in CI); null otherwise. */
export function mountSmallDisk(sizeMb: number): SmallDisk | null {
  const mountPoint = mkdtempSync(join(tmpdir(), "aps-disk-"));
  const result = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", mountPoint], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    rmSync(mountPoint, { recursive: true, force: true });
    return null;
  }
  const dir = join(mountPoint, "data");
  mkdirSync(dir);
  const filler = join(mountPoint, "filler");
  return {
    dir,
    fill() {
      const fd = openSync(filler, "a");
      const block = Buffer.alloc(64 * 1024, 1);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
      } finally {
        closeSync(fd);
      }
      // The last partial block may still fit in smaller pieces.
      const small = openSync(filler, "a");
      try {
        for (;;) written += writeSync(small, Buffer.alloc(512, 1));
      } catch {
        // full
      } finally {
        closeSync(small);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      spawnSync("umount", ["-l", mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}

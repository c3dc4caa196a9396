import { randomBytes } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { link, lstat, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { WalletError, WalletErrorCode } from './errors.js'

/** A key file to write. */
export interface KeyfileWrite {
  path: string
  data: Uint8Array
}

const isCode = (error: unknown, code: string): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === code

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false
    throw readError(path, error)
  }
}

function existsError(paths: string[]): WalletError {
  return new WalletError(
    WalletErrorCode.Exists,
    `${paths.join(', ')} already exist${paths.length === 1 ? 's' : ''}; nothing was written (overwrite: true, or --overwrite, replaces ${paths.length === 1 ? 'it' : 'them'})`,
  )
}

/** Fails with WALLET_EXISTS, naming them, when any of `paths` exists. */
export async function ensureAbsent(paths: string[]): Promise<void> {
  const present: string[] = []
  for (const path of paths) if (await exists(path)) present.push(path)
  if (present.length > 0) throw existsError(present)
}

/** Writes `data` to a new file beside `path`, mode 0600, flushed to disk. */
async function writeTemporary(path: string, data: Uint8Array): Promise<string> {
  // Short: the name of a key file near the system's limit must still leave room for it.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}`)
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.writeFile(data)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(temporary).catch(() => {})
    throw error
  }
  await handle.close()
  return temporary
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes key files all or none, each either entirely old or entirely new, with mode 0600
 * in folders of mode 0700. Every file is written (and flushed) beside its place first, and
 * only then are they moved into place, so a failure while writing (a full disk, a name too
 * long) leaves nothing behind. Without `overwrite`, nothing is written if any target
 * exists, and a file that appears meanwhile is not replaced (each new file is hard-linked
 * into place, which fails rather than clobbering, and the ones linked before are removed).
 */
export async function writeKeyfiles(files: KeyfileWrite[], overwrite: boolean): Promise<void> {
  if (!overwrite) await ensureAbsent(files.map((file) => file.path))
  const written: { path: string; temporary: string }[] = []
  const discard = () =>
    Promise.all(written.map(({ temporary }) => unlink(temporary).catch(() => {})))
  for (const { path, data } of files) {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      written.push({ path, temporary: await writeTemporary(path, data) })
    } catch (error) {
      await discard()
      throw writeError(path, error)
    }
  }
  const placed: string[] = []
  for (const { path, temporary } of written) {
    try {
      if (overwrite) {
        await rename(temporary, path)
      } else {
        await link(temporary, path)
        await unlink(temporary)
      }
      placed.push(path)
    } catch (error) {
      if (!overwrite) await Promise.all(placed.map((p) => unlink(p).catch(() => {})))
      await discard()
      if (isCode(error, 'EEXIST')) throw existsError([path])
      throw writeError(path, error)
    }
  }
  for (const folder of new Set(files.map(({ path }) => dirname(path)))) {
    await syncDirectory(folder)
  }
}

/** Why the system refuses a key file, by error code. */
const REFUSALS: Record<string, string> = {
  EACCES: 'permission denied (a wallet made with sudo?)',
  EPERM: 'permission denied',
  ENOTDIR: 'a file stands where a folder on this path should be (check --wallet.path)',
  ENAMETOOLONG: 'the path is too long (a wallet or hotkey name that long?)',
  ELOOP: 'symbolic links on this path loop',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
}

/** The system's refusal to read or write `path`, as a WalletError; other errors as they are. */
function refusal(doing: 'read' | 'write', path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const folder =
    doing === 'read' ? 'it is a folder, not a key file' : 'a folder stands in its place'
  const reason = code === 'EISDIR' ? folder : code === undefined ? undefined : REFUSALS[code]
  if (reason === undefined) return error
  return doing === 'read'
    ? new WalletError(WalletErrorCode.Unreadable, `${path}: cannot read it: ${reason}`, {
        cause: error,
      })
    : new WalletError(
        WalletErrorCode.Unwritable,
        `${path}: cannot write it: ${reason}; nothing was written`,
        { cause: error },
      )
}

const readError = (path: string, error: unknown) => refusal('read', path, error)
const writeError = (path: string, error: unknown) => refusal('write', path, error)

/** Whether `path` is a folder, or a link to one. */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** The entries of the folder at `path`; none when there is no such folder. */
export async function readFolder(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true })
  } catch (error) {
    if (isCode(error, 'ENOENT')) return []
    throw readError(path, error)
  }
}

/** The bytes of the key file at `path`. */
export async function readKeyfileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (error) {
    if (isCode(error, 'ENOENT')) {
      throw new WalletError(WalletErrorCode.NotFound, `${path}: no such key file`)
    }
    throw readError(path, error)
  }
}

/** The bytes of the key file at `path`, or undefined when there is none. */
export async function readKeyfileIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined
    throw readError(path, error)
  }
}

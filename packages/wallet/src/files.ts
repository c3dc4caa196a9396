import { randomUUID } from 'node:crypto'
import { link, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
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
    throw error
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
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
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
 * Writes key files so that each is either entirely old or entirely new, with mode 0600 in
 * folders of mode 0700. Without `overwrite`, nothing is written if any target exists, and
 * a file that appears meanwhile is not replaced (the new file is hard-linked into place,
 * which fails rather than clobbering).
 */
export async function writeKeyfiles(files: KeyfileWrite[], overwrite: boolean): Promise<void> {
  if (!overwrite) await ensureAbsent(files.map((file) => file.path))
  for (const { path, data } of files) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    const temporary = await writeTemporary(path, data)
    try {
      if (overwrite) {
        await rename(temporary, path)
      } else {
        await link(temporary, path).catch((error: unknown) => {
          throw isCode(error, 'EEXIST') ? existsError([path]) : error
        })
        await unlink(temporary)
      }
    } catch (error) {
      await unlink(temporary).catch(() => {})
      throw error
    }
    await syncDirectory(dirname(path))
  }
}

const UNREADABLE: Record<string, string> = {
  EACCES: 'permission denied (a wallet made with sudo?)',
  EPERM: 'permission denied',
  ENOTDIR: 'a file stands where a folder on this path should be (check --wallet.path)',
  EISDIR: 'it is a folder, not a key file',
  ENAMETOOLONG: 'the path is too long (a wallet or hotkey name that long?)',
  ELOOP: 'symbolic links on this path loop',
}

/** The system's refusal to read `path`, as a WalletError; other errors as they are. */
function readError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const reason = code === undefined ? undefined : UNREADABLE[code]
  if (reason === undefined) return error
  return new WalletError(WalletErrorCode.Unreadable, `${path}: cannot read it: ${reason}`, {
    cause: error,
  })
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

import { randomBytes } from 'node:crypto'
import { constants, type Dirent } from 'node:fs'
import { link, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises'
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
    `${paths.join(', ')} already exist${paths.length === 1 ? 's' : ''}; nothing was written`,
  )
}

/** Fails with WALLET_EXISTS, naming them, when any of `paths` exists. */
export async function ensureAbsent(paths: string[]): Promise<void> {
  const present: string[] = []
  for (const path of paths) if (await exists(path)) present.push(path)
  if (present.length > 0) throw existsError(present)
}

const MAX_NAME_BYTES = 255

/** A file written beside its place, and its inode (to know it is still ours later). */
interface Temporary {
  path: string
  temporary: string
  ino: number
}

/** Writes `data` to a new file beside `path`, mode 0600, flushed to disk. */
async function writeTemporary(path: string, data: Uint8Array): Promise<Temporary> {
  // Not derived from the key file's name: any name the file system takes leaves room for it.
  const temporary = join(dirname(path), `.taokit-${randomBytes(4).toString('hex')}`)
  const handle = await open(temporary, 'wx', 0o600)
  let ino: number
  try {
    await handle.chmod(0o600)
    await handle.writeFile(data)
    await handle.sync()
    ino = (await handle.stat()).ino
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(temporary).catch(() => {})
    throw error
  }
  await handle.close()
  return { path, temporary, ino }
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
 * in folders it creates with mode 0700. Every file is written (and flushed) beside its
 * place first, and only then are they moved into place, so a failure while writing (a
 * full disk, no permission) leaves nothing behind. Without `overwrite`, nothing is written
 * if any target exists, and a file that appears meanwhile is not replaced (each new file is
 * hard-linked into place, which fails rather than clobbering, and the ones linked before
 * are removed if they are still ours).
 */
export async function writeKeyfiles(files: KeyfileWrite[], overwrite: boolean): Promise<void> {
  if (!overwrite) await ensureAbsent(files.map((file) => file.path))
  // What would fail a move after others were replaced: a folder where a key file should go,
  // or a name longer than file systems take (255 bytes).
  for (const { path } of files) {
    const refused = (code: string) => writeError(path, Object.assign(new Error(code), { code }))
    if (Buffer.byteLength(basename(path)) > MAX_NAME_BYTES) throw refused('ENAMETOOLONG')
    if (await isFolder(path)) throw refused('EISDIR')
  }
  const written: Temporary[] = []
  const created: string[] = []
  const discard = async () => {
    await Promise.all(written.map(({ temporary }) => unlink(temporary).catch(() => {})))
    // Folders made for these files, now empty again (rmdir removes no other kind).
    for (const folder of created.reverse()) await rmdir(folder).catch(() => {})
  }
  for (const { path, data } of files) {
    try {
      const made = await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      if (made !== undefined) created.push(...foldersMade(made, dirname(path)))
      written.push(await writeTemporary(path, data))
    } catch (error) {
      await discard()
      throw writeError(path, error)
    }
  }
  const placed: Temporary[] = []
  for (const file of written) {
    try {
      if (overwrite) {
        await rename(file.temporary, file.path)
      } else {
        await link(file.temporary, file.path)
        await unlink(file.temporary)
      }
      placed.push(file)
    } catch (error) {
      if (!overwrite) await Promise.all(placed.map(unlinkIfOurs))
      await discard()
      if (isCode(error, 'EEXIST')) throw existsError([file.path])
      if (overwrite && placed.length > 0) {
        throw new WalletError(
          WalletErrorCode.Unwritable,
          `${file.path}: cannot write it (${(error as Error).message}); already replaced: ${placed.map((f) => f.path).join(', ')}`,
          { cause: error },
        )
      }
      throw writeError(file.path, error)
    }
  }
  for (const folder of new Set(files.map(({ path }) => dirname(path)))) {
    await syncDirectory(folder)
  }
}

/** The folders `mkdir -p` made: from `first` (the first it made) down to `last`. */
function foldersMade(first: string, last: string): string[] {
  const folders = [first]
  for (let folder = last; folder !== first && folder.startsWith(first); folder = dirname(folder)) {
    folders.splice(1, 0, folder)
  }
  return folders
}

/** Removes a file this call linked into place, unless another writer has replaced it since. */
async function unlinkIfOurs(file: Temporary): Promise<void> {
  try {
    if ((await lstat(file.path)).ino === file.ino) await unlink(file.path)
  } catch {
    // Gone already: nothing of ours to remove.
  }
}

/** Why the system refuses a key file, by error code. */
const REFUSALS: Record<string, string> = {
  EACCES: 'permission denied (a wallet made with sudo?)',
  EPERM: 'permission denied',
  ENOTDIR: 'a file stands where a folder on this path should be (check --wallet.path)',
  // From making a key's folder where a file of that name is.
  EEXIST: 'a file stands where a folder on this path should be (check --wallet.path)',
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

/** Far more than any key file holds (a few hundred bytes), far less than a stray file may. */
const MAX_KEYFILE_BYTES = 64 * 1024

/**
 * A key file's bytes, refusing what is no key file: a FIFO would block the read until some
 * writer came (so it is opened without waiting), a device such as /dev/zero never ends.
 */
async function readSmallFile(path: string): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    const problem = info.isDirectory()
      ? undefined
      : !info.isFile()
        ? 'it is not a regular file'
        : info.size > MAX_KEYFILE_BYTES
          ? `${info.size} bytes is too large for a key file`
          : undefined
    if (problem !== undefined) {
      throw new WalletError(WalletErrorCode.Unreadable, `${path}: cannot read it: ${problem}`)
    }
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

/** The bytes of the key file at `path`. */
export async function readKeyfileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readSmallFile(path)
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
    return await readSmallFile(path)
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined
    throw readError(path, error)
  }
}

/**
 * Figures imported from the Python peers (NumPy, PyTorch, scikit-learn, PyKeOps, ...), measured by
 * `python/peers.py` or transcribed from the project's reference measurements. They were taken on
 * another machine and at another time, so every report labels them "imported" with that machine.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@symtensor/core-ir';

export interface ImportedRow {
  /** The suite id of this app the row compares with. */
  readonly suite: string;
  readonly library: string;
  /** The size as the peer wrote it, e.g. "N=1000, M=1000, D=3, Dv=1". */
  readonly size: string;
  readonly n: number;
  /** Seconds; null when the row was skipped or records a value only. */
  readonly medianS: number | null;
  readonly minS: number | null;
  readonly maxS: number | null;
  readonly runs: string | null;
  readonly status: 'measured' | 'skipped' | 'value only';
  /** Result values, checksums, or the reason for a skip. */
  readonly note: string;
}

export interface ImportedPeers {
  readonly label: 'imported';
  /** Where and when they were measured. */
  readonly machine: string;
  readonly source: string;
  readonly settings: string;
  readonly libraries: string;
  readonly rows: readonly ImportedRow[];
}

/** The committed file written by python/peers.py. */
const IMPORTED_PEERS_PATH = fileURLToPath(new URL('../../imported/python-peers.json', import.meta.url));

/** Reads and shape-checks an imported-peers file; a malformed file is a ValueError naming the field. */
export async function loadImportedPeers(path = IMPORTED_PEERS_PATH): Promise<ImportedPeers> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<ImportedPeers>;
  if (doc.label !== 'imported') throw new ValueError(`${path}: "label" must be "imported"`);
  if (typeof doc.machine !== 'string' || doc.machine === '')
    throw new ValueError(`${path}: "machine" must say where the figures were measured`);
  if (!Array.isArray(doc.rows)) throw new ValueError(`${path}: "rows" must be an array`);
  doc.rows.forEach((r, k) => {
    if (typeof r.suite !== 'string' || typeof r.library !== 'string' || !Number.isFinite(r.n))
      throw new ValueError(`${path}: rows[${k}] needs a suite, a library and a numeric n`);
  });
  return doc as ImportedPeers;
}

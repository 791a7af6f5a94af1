/**
 * The file names tried for the CUDA driver and for NVRTC. The driver is `libcuda.so.1`, found
 * the dynamic linker's way (it is installed with the kernel driver, never bundled). NVRTC ships
 * with the CUDA toolkit or as a Python wheel (`nvidia-cuda-nvrtc`, which PyTorch depends on), so
 * it is probed in order: an explicit override, the toolkit's versioned names through the dynamic
 * linker, the same names in each LD_LIBRARY_PATH folder (read now: the dynamic linker only reads
 * it at process start), the toolkit folder, and the wheel's folder in every Python site folder.
 */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DRIVER_LIBRARY = 'libcuda.so.1';

/** NVRTC's names, newest first (CUDA 13, 12, then the unversioned development link). */
export const NVRTC_NAMES = ['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so'] as const;

/** Folders of the NVRTC wheel inside a site-packages folder (CUDA 12 wheels, then CUDA 13's). */
const WHEEL_DIRS = ['nvidia/cuda_nvrtc/lib', 'nvidia/cu13/lib'];

export async function nvrtcCandidates(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  if (env.SYMTENSOR_NVRTC) return [env.SYMTENSOR_NVRTC];
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''),
    join(env.CUDA_HOME ?? '/usr/local/cuda', 'lib64'),
    ...(await sitePackages(env)).flatMap((site) => WHEEL_DIRS.map((w) => join(site, w))),
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of [...NVRTC_NAMES, ...dirs.flatMap((d) => NVRTC_NAMES.map((n) => join(d, n)))])
    if (!seen.has(path)) {
      seen.add(path);
      out.push(path);
    }
  return out;
}

/**
 * Python site folders, found by listing `lib/python3.*` under the usual prefixes (an active
 * virtualenv or conda environment, the system's, the user's): cheaper and more predictable than
 * starting a Python interpreter to ask.
 */
async function sitePackages(env: NodeJS.ProcessEnv): Promise<string[]> {
  const prefixes = [
    env.VIRTUAL_ENV,
    env.CONDA_PREFIX,
    '/usr/local',
    '/usr',
    join(homedir(), '.local'),
    '/opt/conda',
  ];
  const out: string[] = [];
  for (const prefix of prefixes) {
    if (!prefix) continue;
    let names: string[];
    try {
      names = await readdir(join(prefix, 'lib'));
    } catch {
      continue;
    }
    for (const name of names
      .filter((n) => /^python3(\.\d+)?$/.test(n))
      .sort()
      .reverse())
      for (const kind of ['site-packages', 'dist-packages']) out.push(join(prefix, 'lib', name, kind));
  }
  return out;
}

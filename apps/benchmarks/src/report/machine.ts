/** The machine a run was measured on: figures from different machines must never be compared unlabelled. */
import os from 'node:os';

export interface MachineInfo {
  readonly hostname: string;
  readonly cpu: string;
  /** Logical cores available to this process. */
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  /** One line: "<cpu>, <cores> cores, <memory> GiB, <platform>, Node <version>". */
  readonly description: string;
}

export function describeMachine(): MachineInfo {
  const cpu = os.cpus()[0]?.model.trim() || 'unknown CPU';
  const cores = os.availableParallelism();
  const memoryGiB = Math.round((os.totalmem() / 2 ** 30) * 10) / 10;
  const platform = `${os.platform()} ${os.arch()}`;
  return {
    hostname: os.hostname(),
    cpu,
    cores,
    memoryGiB,
    platform,
    node: process.version,
    description: `${cpu}, ${cores} cores, ${memoryGiB} GiB, ${platform}, Node ${process.version}`,
  };
}

/** The machine part of a results file name: the host name reduced to [a-z0-9-]. */
export function machineSlug(m: MachineInfo): string {
  return (
    m.hostname
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'machine'
  );
}

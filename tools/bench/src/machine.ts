// The machine a run happened on, stored next to its figures.
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  nodeVersion: string;
  v8Version: string;
  platform: string;
  arch: string;
  totalMemoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine skews absolute figures (ratios less so). */
  loadAverageAtStart: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

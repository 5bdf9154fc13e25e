/** Kubernetes resource quantities as numbers: CPU in millicores, memory in MiB. */

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** "500m" -> 500, "2" -> 2000, 1.5 -> 1500; undefined or unparsable -> 0. */
export function cpuMilli(q: unknown): number {
  if (typeof q === "number") return Math.round(q * 1000);
  if (typeof q !== "string") return 0;
  const m = /^([0-9.]+)(m?)$/.exec(q.trim());
  if (!m) return 0;
  return m[2] === "m" ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** "256Mi" -> 256, "4Gi" -> 4096, "1G" -> 953.67, plain bytes -> MiB; undefined or unparsable -> 0. */
export function memoryMiB(q: unknown): number {
  if (typeof q === "number") return q / 1024 / 1024;
  if (typeof q !== "string") return 0;
  const m = /^([0-9.]+)([KMGT]i|[kMGT])?$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  if (!m[2]) return n / 1024 / 1024;
  if (m[2] in BINARY) return n * BINARY[m[2]];
  return (n * DECIMAL[m[2]]) / 1024 / 1024;
}

export const formatCpu = (milli: number) => (milli % 1000 === 0 ? `${milli / 1000}` : `${Math.round(milli)}m`);
export const formatMemory = (mib: number) => (mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024}Gi` : `${Math.round(mib)}Mi`);

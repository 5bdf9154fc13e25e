/**
 * Config checked for meaning, not only form: pure functions over already-typed values, each returning problems
 * as [path, value, what is allowed] so infra/config.ts words them like every other config problem.
 * CIDRs are network addresses inside private ranges (with every replica VPC the program derives from them),
 * availability zones are distinct zones of the primary region, and Ollama models are pinned like image tags.
 */
import { siblingCidr } from "../components/network/sibling-cidr";

export type Problem = [path: string[], value: unknown, allowed: string];

/** RFC 1918 private IPv4 ranges: a VPC outside them overlaps public addresses it can then never reach. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** Prefix lengths a VPC may have here: /16 (AWS's largest) to /20 (room for 6 subnets of /23 over 3 AZs). */
export const VPC_PREFIX = { min: 16, max: 20 } as const;

/** At most this many Ollama models: each is pulled onto every replica's volume and listed in its pod spec. */
export const MAX_OLLAMA_MODELS = 20;

export interface Cidr {
  /** The address as a 32-bit unsigned number. */
  address: number;
  prefix: number;
}

/** Parse `a.b.c.d/p` strictly (four numbers 0-255 without leading zeros, prefix 0-32); undefined if it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (m.slice(1, 6).some((s) => s.length > 1 && s.startsWith("0")) || octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { address: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

const blockSize = (prefix: number) => 2 ** (32 - prefix);
const formatAddress = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** The network address of a CIDR (host bits cleared): `10.0.0.1/16` -> `10.0.0.0/16`. */
export function networkOf(c: Cidr): string {
  return `${formatAddress(c.address - (c.address % blockSize(c.prefix)))}/${c.prefix}`;
}

export function hasHostBits(c: Cidr): boolean {
  return c.address % blockSize(c.prefix) !== 0;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  const start = outer.address - (outer.address % blockSize(outer.prefix));
  return inner.prefix >= outer.prefix && inner.address >= start && inner.address + blockSize(inner.prefix) <= start + blockSize(outer.prefix);
}

export function isPrivateCidr(c: Cidr): boolean {
  return PRIVATE_RANGES.some((r) => cidrWithin(c, parseCidr(r)!));
}

const PRIVATE_WORDS = `inside a private range (RFC 1918: ${PRIVATE_RANGES.join(", ")})`;

/**
 * The VPC CIDR: a network address of /16 to /20 inside a private range, and so is the replica VPC each
 * cross-region database replica gets (infra/data.ts numbers them siblingCidr(vpcCidr, 1..n)).
 */
export function vpcCidrProblems(vpcCidr: string, replicaRegions: readonly string[]): Problem[] {
  const path = ["vpcCidr"];
  const c = parseCidr(vpcCidr);
  if (!c || c.prefix < VPC_PREFIX.min || c.prefix > VPC_PREFIX.max) {
    return [[path, vpcCidr, `an IPv4 CIDR such as 10.0.0.0/16: four numbers 0-255 and a prefix from /${VPC_PREFIX.min} to /${VPC_PREFIX.max}`]];
  }
  if (hasHostBits(c)) return [[path, vpcCidr, `a network address without host bits, such as ${networkOf(c)}`]];
  if (!isPrivateCidr(c)) return [[path, vpcCidr, `a CIDR ${PRIVATE_WORDS}`]];
  const problems: Problem[] = [];
  replicaRegions.forEach((region, i) => {
    let sibling: string | undefined;
    try {
      sibling = siblingCidr(vpcCidr, i + 1);
    } catch {
      sibling = undefined; // past the end of the IPv4 space: reported below like any non-private block
    }
    const parsed = sibling === undefined ? undefined : parseCidr(sibling);
    if (!parsed || !isPrivateCidr(parsed)) {
      const n = replicaRegions.length;
      problems.push([path, vpcCidr, `a CIDR with room after it, ${PRIVATE_WORDS}, for ${n} more block${n === 1 ? "" : "s"} of its size: one replica VPC per database.replicaRegions entry (the one for ${region} would be ${sibling ?? "past 255.255.255.255"})`]);
    }
  });
  return problems.slice(0, 1);
}

/** Public access CIDRs of the cluster endpoint: network addresses (the EKS API refuses host bits), never /0. */
export function publicAccessCidrProblems(cidrs: readonly string[]): Problem[] {
  return cidrs.flatMap((text, i): Problem[] => {
    const c = parseCidr(text);
    const path = ["clusterPublicAccessCidrs", String(i)];
    if (!c) return [[path, text, "an IPv4 CIDR such as 203.0.113.0/24"]];
    if (c.prefix === 0) return [[path, text, "a CIDR narrower than /0 (the whole internet)"]];
    if (hasHostBits(c)) return [[path, text, `a network address without host bits, such as ${networkOf(c)}`]];
    return [];
  });
}

/** Availability zones: each a zone of the primary region (`<region><letter>`), each once. */
export function availabilityZoneProblems(zones: readonly string[], primaryRegion: string): Problem[] {
  return zones.flatMap((az, i): Problem[] => {
    const path = ["availabilityZones", String(i)];
    if (!new RegExp(`^${primaryRegion}[a-z]$`).test(az)) return [[path, az, `an AZ of the primary region ${primaryRegion} (${primaryRegion}a, ${primaryRegion}b, ...)`]];
    if (zones.indexOf(az) !== i) return [[path, az, "each AZ once (three distinct AZs)"]];
    return [];
  });
}

/** Each model once. (Form and pinning are in the schema: `name:tag`, never `latest`.) */
export function ollamaModelProblems(models: readonly string[]): Problem[] {
  return models.flatMap((m, i): Problem[] => (models.indexOf(m) !== i ? [[["ollamaModels", String(i)], m, "each model once"]] : []));
}

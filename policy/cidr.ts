/**
 * CIDR arithmetic for "open to the internet" checks, judged by the addresses a set of CIDRs covers rather than
 * by the literal `0.0.0.0/0`: two `/1` halves, `0::/0`, `::0/0` and `0:0:0:0:0:0:0:0/0` all open everything.
 */

export type Family = "IPv4" | "IPv6";

export interface Range {
  family: Family;
  first: bigint;
  last: bigint;
  prefix: number;
}

const BITS: Record<Family, number> = { IPv4: 32, IPv6: 128 };

/**
 * The widest CIDR that is still a private range: 10.0.0.0/8 (RFC 1918) and fc00::/7 (RFC 4193). Anything wider
 * necessarily includes public addresses on the scale of the internet, so it counts as open by itself.
 */
export const WIDEST_PRIVATE_PREFIX: Record<Family, number> = { IPv4: 8, IPv6: 7 };

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n);
}

function parseV6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    v4Tail = parseV4(tail);
    if (v4Tail === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  // Without "::" all eight groups are written; "::" stands for at least one group of zeros (RFC 4291 2.2).
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array(missing).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  let value = all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

/** The address range of a CIDR (host bits ignored), or undefined when it is not a CIDR. */
export function parseCidr(cidr: unknown): Range | undefined {
  if (typeof cidr !== "string") return undefined;
  const m = /^\s*([^/\s]+)\/(\d{1,3})\s*$/.exec(cidr);
  if (!m) return undefined;
  const family: Family = m[1].includes(":") ? "IPv6" : "IPv4";
  const bits = BITS[family];
  const prefix = Number(m[2]);
  if (prefix > bits) return undefined;
  const addr = family === "IPv4" ? parseV4(m[1]) : parseV6(m[1]);
  if (addr === undefined) return undefined;
  const hostBits = BigInt(bits - prefix);
  const first = (addr >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n, prefix };
}

/** The families (IPv4, IPv6) whose whole address space the CIDRs cover together. */
export function coveredFamilies(cidrs: readonly unknown[]): Family[] {
  const out: Family[] = [];
  for (const family of ["IPv4", "IPv6"] as const) {
    const ranges = cidrs.map(parseCidr).filter((r): r is Range => r?.family === family).sort((a, b) => Number(a.first - b.first));
    // Sweep from address 0: `next` is the first address no range so far covers (0 while there is none).
    let next = 0n;
    for (const r of ranges) {
      if (r.first > next) break;
      if (r.last >= next) next = r.last + 1n;
    }
    if (next === 1n << BigInt(BITS[family])) out.push(family);
  }
  return out;
}

/**
 * Why a set of source CIDRs is open to the internet, or undefined: together they cover all of IPv4 or IPv6, or
 * one of them is wider than any private range (e.g. 0.0.0.0/1, 2000::/3).
 */
export function internetExposure(cidrs: readonly unknown[]): string | undefined {
  const covered = coveredFamilies(cidrs);
  if (covered.length > 0) {
    const listed = cidrs.filter((c) => covered.includes(parseCidr(c)?.family as Family));
    return `${listed.join(", ")} ${listed.length > 1 ? "together cover" : "covers"} all of ${covered.join(" and ")}`;
  }
  const wide = cidrs.filter((c) => {
    const r = parseCidr(c);
    return r !== undefined && r.prefix < WIDEST_PRIVATE_PREFIX[r.family];
  });
  if (wide.length > 0) return `${wide.join(", ")} ${wide.length > 1 ? "are" : "is"} wider than any private range (a large part of the internet)`;
  return undefined;
}

// Apart from the replica network component, so config validation reads it without loading the SDKs.

/** The `n`-th block of the same size after `cidr` (n >= 1): non-overlapping VPC ranges for other regions. */
export function siblingCidr(cidr: string, n: number): string {
  const [base, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const start = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const next = start + n * size;
  if (!Number.isInteger(n) || n < 1 || next + size > 2 ** 32) throw new Error(`siblingCidr: block ${n} after ${cidr} is outside the IPv4 space`);
  return `${[24, 16, 8, 0].map((s) => Math.floor(next / 2 ** s) % 256).join(".")}/${prefix}`;
}

/**
 * CIDR arithmetic, case by case (issue 19: every mutation of policy/cidr.ts must fail a test): addresses worked
 * out by hand, malformed CIDRs refused, and the coverage sweep and the private-range width at their boundaries.
 */
import { describe, expect, it } from "vitest";
import { WIDEST_PRIVATE_PREFIX, coveredFamilies, internetExposure, parseCidr } from "../policy/cidr";

describe("parseCidr: IPv4", () => {
  it("drops host bits: 192.168.1.77/24 is 192.168.1.0-192.168.1.255", () => {
    expect(parseCidr("192.168.1.77/24")).toEqual({ family: "IPv4", first: 0xc0a80100n, last: 0xc0a801ffn, prefix: 24 });
  });

  it("takes /0 and /32, 0 and 255, and spaces around the CIDR", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ family: "IPv4", first: 0n, last: 0xffffffffn, prefix: 0 });
    expect(parseCidr("255.255.255.255/32")).toEqual({ family: "IPv4", first: 0xffffffffn, last: 0xffffffffn, prefix: 32 });
    expect(parseCidr(" 10.0.0.1/32 ")).toEqual({ family: "IPv4", first: 0x0a000001n, last: 0x0a000001n, prefix: 32 });
  });

  it.each([
    "1.2.3.4/33", "256.0.0.0/8", "1.2.3/24", "1.2.3.4.5/24", "1.2.3.x/24", "1a.2.3.4/8", "a1.2.3.4/8", "1000.0.0.0/8",
    "10.0.0.0", "10.0.0.0/", "10.0.0.0/1234", "x 10.0.0.0/8", "10.0.0.0/8 x", "",
  ])("%j is not a CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("is undefined for anything but a string, even one that prints as a CIDR", () => {
    expect(parseCidr(["10.0.0.0/8"])).toBeUndefined();
    expect(parseCidr(undefined)).toBeUndefined();
    expect(parseCidr(8)).toBeUndefined();
  });
});

describe("parseCidr: IPv6", () => {
  it("expands :: in any position", () => {
    expect(parseCidr("2001:db8::/32")).toEqual({ family: "IPv6", first: 0x20010db8n << 96n, last: (0x20010db9n << 96n) - 1n, prefix: 32 });
    expect(parseCidr("::1/128")).toEqual({ family: "IPv6", first: 1n, last: 1n, prefix: 128 });
    expect(parseCidr("1:2:3:4:5:6:7::/128")?.first).toBe(0x0001000200030004000500060007_0000n);
    expect(parseCidr("1:2:3:4:5:6:7:8/128")?.first).toBe(0x0001000200030004000500060007_0008n);
    expect(parseCidr("FC00::/7")?.first).toBe(0xfcn << 120n);
  });

  it("reads an IPv4 tail as the last 32 bits", () => {
    expect(parseCidr("::ffff:192.0.2.1/128")).toEqual({ family: "IPv6", first: 0xffffc0000201n, last: 0xffffc0000201n, prefix: 128 });
    expect(parseCidr("64:ff9b::10.0.0.1/128")?.first).toBe((0x0064ff9bn << 96n) | 0x0a000001n);
  });

  it.each([
    "1::2::3/64", "1:2:3:4::5:6:7:8::9/64", "1:2:3:4:5:6:7/64", "1:2:3:4:5:6:7:8:9/64", "1:2:3:4:5::6:7:8:9/64", "1:2:3:4::5:6:7:8/64", "12345::/16", "g::/16",
    "::ffff:300.0.0.1/128", "::/129",
  ])("%j is not a CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("coveredFamilies", () => {
  it("sorts the ranges before the sweep, whatever order they are listed in", () => {
    expect(coveredFamilies(["128.0.0.0/1", "0.0.0.0/1"])).toEqual(["IPv4"]);
    expect(coveredFamilies(["192.0.0.0/2", "0.0.0.0/1", "128.0.0.0/2"])).toEqual(["IPv4"]);
    expect(coveredFamilies(["8000::/1", "::/1"])).toEqual(["IPv6"]);
  });

  it("counts a range that ends exactly where the covered part ends (single addresses, one after the other)", () => {
    // 0.0.0.0/32, then 2^i/(32-i) for i = 0..31: each block starts right after the last address of the one before.
    const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
    const chain = ["0.0.0.0/32", ...Array.from({ length: 32 }, (_, i) => `${dotted(2 ** i)}/${32 - i}`)];
    expect(chain.slice(0, 4)).toEqual(["0.0.0.0/32", "0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30"]);
    expect(chain[32]).toBe("128.0.0.0/1");
    expect(coveredFamilies(chain)).toEqual(["IPv4"]);
    expect(coveredFamilies(chain.filter((c) => c !== "0.0.0.1/32"))).toEqual([]);
  });

  it("overlapping and nested ranges still cover; a gap of one address does not", () => {
    expect(coveredFamilies(["0.0.0.0/1", "64.0.0.0/2", "10.0.0.0/8", "128.0.0.0/1", "200.0.0.0/8"])).toEqual(["IPv4"]);
    expect(coveredFamilies(["0.0.0.0/1", "128.0.0.1/32", "128.0.0.2/31", "128.0.0.4/30", "128.0.0.8/29", "128.0.0.16/28", "128.0.0.32/27", "128.0.0.64/26", "128.0.0.128/25", "128.0.1.0/24", "128.0.2.0/23", "128.0.4.0/22", "128.0.8.0/21", "128.0.16.0/20", "128.0.32.0/19", "128.0.64.0/18", "128.0.128.0/17", "128.1.0.0/16", "128.2.0.0/15", "128.4.0.0/14", "128.8.0.0/13", "128.16.0.0/12", "128.32.0.0/11", "128.64.0.0/10", "128.128.0.0/9", "129.0.0.0/8", "130.0.0.0/7", "132.0.0.0/6", "136.0.0.0/5", "144.0.0.0/4", "160.0.0.0/3", "192.0.0.0/2"])).toEqual([]); // 128.0.0.0 alone is missing
  });

  it("judges each family on its own ranges, lists them in IPv4, IPv6 order, and skips what does not parse", () => {
    expect(coveredFamilies(["::/0", "10.0.0.0/8"])).toEqual(["IPv6"]);
    expect(coveredFamilies(["::/0", "0.0.0.0/0"])).toEqual(["IPv4", "IPv6"]);
    expect(coveredFamilies(["bogus", 7, "0.0.0.0/0"])).toEqual(["IPv4"]);
    expect(coveredFamilies([])).toEqual([]);
    expect(coveredFamilies(["0.0.0.0/1"])).toEqual([]);
  });
});

describe("internetExposure", () => {
  it("lists the CIDRs of each covered family, singular or plural", () => {
    expect(internetExposure(["0.0.0.0/0", "::/0"])).toBe("0.0.0.0/0, ::/0 together cover all of IPv4 and IPv6");
    expect(internetExposure(["0.0.0.0/0", "fc00::/7", "bogus"])).toBe("0.0.0.0/0 covers all of IPv4");
    expect(internetExposure(["10.0.0.0/8", "0.0.0.0/0"])).toBe("10.0.0.0/8, 0.0.0.0/0 together cover all of IPv4");
  });

  it(`calls a CIDR wider than /${WIDEST_PRIVATE_PREFIX.IPv4} (IPv4) or /${WIDEST_PRIVATE_PREFIX.IPv6} (IPv6) open by itself; the private ranges themselves pass`, () => {
    expect(WIDEST_PRIVATE_PREFIX).toEqual({ IPv4: 8, IPv6: 7 });
    expect(internetExposure(["10.0.0.0/7"])).toBe("10.0.0.0/7 is wider than any private range (a large part of the internet)");
    expect(internetExposure(["10.0.0.0/8"])).toBeUndefined();
    expect(internetExposure(["fc00::/6"])).toBe("fc00::/6 is wider than any private range (a large part of the internet)");
    expect(internetExposure(["fc00::/7"])).toBeUndefined();
    expect(internetExposure(["0.0.0.0/1", "bogus", "2000::/3"])).toBe("0.0.0.0/1, 2000::/3 are wider than any private range (a large part of the internet)");
  });

  it("is undefined for nothing, or nothing that parses", () => {
    expect(internetExposure([])).toBeUndefined();
    expect(internetExposure(["bogus", undefined])).toBeUndefined();
  });
});

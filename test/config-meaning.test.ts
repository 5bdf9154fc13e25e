/**
 * Config checked for meaning, as a table: one broken value per row and the exact line the user reads. The
 * expectations are literals, written out by hand, not built from the code's own tables.
 */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../infra/config";
import { didYouMean, ourWords } from "../infra/config-messages";
import { cidrWithin, hasHostBits, isPrivateCidr, networkOf, parseCidr } from "../infra/config-checks";
import { problemsFor, rawConfigWith } from "./config-harness";


const PRIVATE = "inside a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)";

const TABLE: [string, Record<string, unknown>, string][] = [
  ["octet above 255", { vpcCidr: "300.0.0.0/16" }, 'finishthisidea:vpcCidr: got "300.0.0.0/16"; expected an IPv4 CIDR such as 10.0.0.0/16: four numbers 0-255 and a prefix from /16 to /20'],
  ["prefix too wide", { vpcCidr: "10.0.0.0/8" }, 'finishthisidea:vpcCidr: got "10.0.0.0/8"; expected an IPv4 CIDR such as 10.0.0.0/16: four numbers 0-255 and a prefix from /16 to /20'],
  ["host bits", { vpcCidr: "10.0.0.1/16" }, 'finishthisidea:vpcCidr: got "10.0.0.1/16"; expected a network address without host bits, such as 10.0.0.0/16'],
  ["public range", { vpcCidr: "255.255.0.0/16" }, `finishthisidea:vpcCidr: got "255.255.0.0/16"; expected a CIDR ${PRIVATE}`],
  ["replica VPC leaves the private range", { tier: "growth", vpcCidr: "10.255.0.0/16" },
    `finishthisidea:vpcCidr: got "10.255.0.0/16"; expected a CIDR with room after it, ${PRIVATE}, for 2 more blocks of its size: one replica VPC per database.replicaRegions entry (the one for us-west-2 would be 11.0.0.0/16)`],
  ["number instead of CIDR", { vpcCidr: 10 }, "finishthisidea:vpcCidr: got 10; expected an IPv4 CIDR such as 10.0.0.0/16"],
  ["public access CIDR with host bits", { clusterPublicAccessCidrs: ["203.0.113.7/24"] }, 'finishthisidea:clusterPublicAccessCidrs.0: got "203.0.113.7/24"; expected a network address without host bits, such as 203.0.113.0/24'],
  ["public access /0", { clusterPublicAccessCidrs: ["0.0.0.0/0"] }, 'finishthisidea:clusterPublicAccessCidrs.0: got "0.0.0.0/0"; expected a CIDR narrower than /0 (the whole internet)'],
  ["AZ of another region", { availabilityZones: ["us-east-1a", "us-west-2b", "us-east-1c"] }, 'finishthisidea:availabilityZones.1: got "us-west-2b"; expected an AZ of the primary region us-east-1 (us-east-1a, us-east-1b, ...)'],
  ["repeated AZ", { availabilityZones: ["us-east-1a", "us-east-1a", "us-east-1c"] }, 'finishthisidea:availabilityZones.1: got "us-east-1a"; expected each AZ once (three distinct AZs)'],
  ["two AZs", { availabilityZones: ["us-east-1a", "us-east-1b"] }, 'finishthisidea:availabilityZones: got ["us-east-1a","us-east-1b"]; expected exactly 3 AZs'],
  ["model on latest", { ollamaModels: ["codellama:latest"] }, 'finishthisidea:ollamaModels.0: got "codellama:latest"; expected a pinned tag such as codellama:7b, never `latest`'],
  ["model without a tag", { ollamaModels: ["codellama"] }, 'finishthisidea:ollamaModels.0: got "codellama"; expected a model with a pinned tag such as codellama:7b (without a tag Ollama pulls `latest`)'],
  ["model twice", { ollamaModels: ["codellama:7b", "codellama:7b"] }, 'finishthisidea:ollamaModels.1: got "codellama:7b"; expected each model once'],
  ["no models", { ollamaModels: [] }, "finishthisidea:ollamaModels: got []; expected at least one model such as codellama:7b"],
  ["waf.enable", { waf: { enable: true } }, "finishthisidea:waf.enable: unknown key; did you mean enabled? allowed keys here: enabled, requestsPer5Minutes"],
  ["surgemode", { surgemode: true }, expect.stringMatching(/^finishthisidea:surgemode: unknown key; did you mean surgeMode\? allowed keys here: tier, environment, primaryRegion, .*surgeMode, .*costCenter, overrides$/)],
  ["a number for a boolean", { waf: { enabled: 1 } }, "finishthisidea:waf.enabled: got 1; expected true or false"],
  ["a list for a mapping", { waf: [] }, "finishthisidea:waf: got []; expected a mapping with enabled and requestsPer5Minutes"],
  [".inf", { overrides: { redis: { shards: Infinity } } }, "finishthisidea:overrides.redis.shards: got .inf; expected an integer"],
  ["shards above the ElastiCache limit", { overrides: { redis: { shards: 501 } } }, "finishthisidea:overrides.redis.shards: got 501; expected an integer from 1 to 500 (ElastiCache limit)"],
  ["empty GPU type", { overrides: { gpu: { gpuType: "" } } }, 'finishthisidea:overrides.gpu.gpuType: got ""; expected a non-empty string such as nvidia-a10g'],
  ["override typo", { overrides: { api: { replicaz: 3 } } }, "finishthisidea:overrides.api.replicaz: unknown key; did you mean replicas? allowed keys here: instanceType, nodes, replicas"],
  ["empty cost centre", { costCenter: "" }, 'finishthisidea:costCenter: got ""; expected a non-empty string such as platform'],
];

describe("config checked for meaning", () => {
  it.each(TABLE)("%s", (_name, values, expected) => {
    expect(problemsFor(values)).toEqual([expected]);
  });

  it("refuses a GPU type the tier does not use and Ollama cannot size", () => {
    expect(problemsFor({ overrides: { gpu: { instanceType: "p3.2xlarge" } } })).toEqual([
      expect.stringMatching(/^finishthisidea:overrides\.gpu\.instanceType: got "p3\.2xlarge"; expected a GPU instance type Ollama can be sized for: g4dn\.xlarge, .*g5\.2xlarge/),
    ]);
  });

  it("bounds the model list", () => {
    const models = Array.from({ length: 21 }, (_, i) => `model${i}:1b`);
    expect(problemsFor({ ollamaModels: models })).toEqual([`finishthisidea:ollamaModels: got ${JSON.stringify(models).slice(0, 117)}...; expected at most 20 models (each is pulled onto every replica's volume)`]);
  });

  it("accepts what the rows refuse once corrected", () => {
    expect(() => resolveConfig(rawConfigWith({ vpcCidr: "172.16.0.0/16", tier: "growth", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1d"], ollamaModels: ["codellama:7b", "llama3.1:8b"], clusterPublicAccessCidrs: ["203.0.113.0/24"] }), "finishthisidea", "t")).not.toThrow();
  });

  it("counts replica VPCs from the regions the tier really has", () => {
    // The last /16 of 10.0.0.0/8 leaves room for nothing after it; one block before it leaves room for one.
    expect(() => resolveConfig(rawConfigWith({ vpcCidr: "10.255.0.0/16" }), "finishthisidea", "t")).not.toThrow(); // mvp: no replica regions
    expect(() => resolveConfig(rawConfigWith({ tier: "growth", vpcCidr: "10.254.0.0/16", overrides: { database: { replicaRegions: ["us-west-2"] } } }), "finishthisidea", "t")).not.toThrow();
    expect(problemsFor({ tier: "growth", vpcCidr: "10.254.0.0/16" })).toHaveLength(1);
  });

  it("names keys with the project's namespace", () => {
    expect(problemsFor({ vpcCidr: "10.0.0.1/16" }, {}, "otherproject")).toEqual(['otherproject:vpcCidr: got "10.0.0.1/16"; expected a network address without host bits, such as 10.0.0.0/16']);
  });

  it("never lets zod's own wording through", () => {
    const broken = { tier: 3, primaryRegion: [], domain: 5, alertEmail: false, imageTags: "1.0", ollamaModels: "codellama:7b", waf: { enabled: "yes", requestsPer5Minutes: "many" }, surgeMode: "on", costCenter: 4, r2LocationHint: 1, overrides: [] };
    const problems = problemsFor(broken);
    expect(problems.length).toBeGreaterThanOrEqual(10);
    for (const p of problems) expect(p).not.toMatch(/Invalid input|Too small|Too big|received|Unrecognized/);
  });
});

describe("the wording pieces", () => {
  it("suggests the nearest real key, or none", () => {
    expect(didYouMean("enable", ["enabled", "requestsPer5Minutes"])).toBe("enabled");
    expect(didYouMean("SURGEMODE", ["surgeMode"])).toBe("surgeMode");
    expect(didYouMean("colour", ["tier", "domain"])).toBeUndefined();
  });

  it("words issues zod would word itself", () => {
    expect(ourWords({ code: "too_small", origin: "array", minimum: 2, inclusive: true, input: [], path: [] } as never)).toBe("at least 2 entries");
    expect(ourWords({ code: "invalid_type", expected: "boolean", input: 1, path: [] } as never)).toBe("true or false");
  });

  it("does CIDR arithmetic on network addresses", () => {
    expect(parseCidr("010.0.0.0/16")).toBeUndefined();
    expect(networkOf(parseCidr("192.168.7.9/20")!)).toBe("192.168.0.0/20");
    expect(hasHostBits(parseCidr("10.1.0.0/16")!)).toBe(false);
    expect(isPrivateCidr(parseCidr("172.32.0.0/16")!)).toBe(false);
    expect(isPrivateCidr(parseCidr("172.31.0.0/16")!)).toBe(true);
    expect(cidrWithin(parseCidr("10.0.0.0/16")!, parseCidr("10.0.0.0/8")!)).toBe(true);
  });
});

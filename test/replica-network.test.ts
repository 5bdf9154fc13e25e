import { describe, expect, it } from "vitest";
import { planSubnets } from "../components/network/network";
import { siblingCidr } from "../components/network/replica-network";
import { TIERS } from "../infra/tiers";
import { named, ofType, runTier } from "./harness";

describe("siblingCidr", () => {
  it("numbers same-size blocks after the primary's, so VPCs never overlap", () => {
    expect(siblingCidr("10.0.0.0/16", 1)).toBe("10.1.0.0/16");
    expect(siblingCidr("10.0.0.0/16", 3)).toBe("10.3.0.0/16");
    expect(siblingCidr("10.20.16.0/20", 1)).toBe("10.20.32.0/20");
    expect(() => siblingCidr("255.255.0.0/16", 1)).toThrow(/outside the IPv4 space/);
    expect(() => siblingCidr("10.0.0.0/16", 0)).toThrow(/block 0 after 10.0.0.0\/16/);
  });
});

describe("cross-region replicas (growth)", () => {
  it("live in an isolated VPC of their own region, with its subnet group and a closed security group", async () => {
    const run = await runTier("growth", {}, { preview: false });
    const regions = TIERS.growth.database.replicaRegions;
    expect(regions.length).toBeGreaterThan(0);
    regions.forEach((region, i) => {
      const prefix = `replica-network-${region}`;
      const vpc = named(run, "aws:ec2/vpc:Vpc", `${prefix}-vpc`);
      expect(vpc.inputs.cidrBlock).toBe(`10.${i + 1}.0.0/16`);
      expect(vpc.options.provider).toBe(`aws-network-${region}`);
      const subnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`${prefix}-private-`));
      expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual([`${region}a`, `${region}b`, `${region}c`]);
      expect(subnets.map((s) => s.inputs.cidrBlock)).toEqual(planSubnets(`10.${i + 1}.0.0/16`, 3).private);
      // Nothing routes out: no internet gateway or NAT in a replica's VPC.
      expect(run.resources.filter((r) => r.name.startsWith(prefix) && /internetGateway|natGateway|routeTable/.test(r.type))).toEqual([]);
      expect(run.resources.filter((r) => r.type.includes("securityGroupIngressRule") && r.name.startsWith(prefix))).toEqual([]);

      const replica = ofType(run, "aws:rds/instance:Instance").find((r) => r.options.provider === `aws-database-${region}`)!;
      // The mock engine names a resource after its Pulumi name: the subnet group is this region's.
      expect(replica.inputs.dbSubnetGroupName).toMatch(new RegExp(`^${prefix}-db-subnets`));
      expect(replica.inputs.vpcSecurityGroupIds).toEqual([expect.stringMatching(new RegExp(`^${prefix}-db-sg`))]);
    });
  });

  it("are not built for a tier without cross-region replicas", async () => {
    const run = await runTier("mvp");
    expect(run.resources.filter((r) => r.name.startsWith("replica-network-"))).toEqual([]);
  });
});

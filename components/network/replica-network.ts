/**
 * The network a cross-region database replica lives in: a VPC with isolated private subnets (no internet
 * gateway, no NAT: a replica only receives replication from RDS), its DB subnet group and a security group
 * admitting nothing until a reader is placed there. Without it RDS falls back to the region's default VPC,
 * which many accounts delete and none should host a database in.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "./network";

export interface ReplicaNetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /20; must not overlap the primary VPC (so the two can be peered later). */
  cidrBlock: string;
  /** AZs of the replica's region: at least two, as a DB subnet group requires. */
  availabilityZones: string[];
}

export { siblingCidr } from "./sibling-cidr";

export class ReplicaNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string>[];
  readonly dbSubnetGroupName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: ReplicaNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.availabilityZones.length < 2) {
      throw new Error(`ReplicaNetwork ${name}: availabilityZones ${JSON.stringify(args.availabilityZones)} must name at least 2 AZs (a DB subnet group spans two)`);
    }
    super("finishthisidea:network:ReplicaNetwork", name, {}, opts);
    const child = { parent: this };
    const cidrs = planSubnets(args.cidrBlock, args.availabilityZones.length);

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } }, child);
    const subnets = args.availabilityZones.map((az, i) => new aws.ec2.Subnet(`${name}-private-${az}`, {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: cidrs.private[i],
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-private-${az}` },
    }, child));
    const subnetGroup = new aws.rds.SubnetGroup(`${name}-db-subnets`, { subnetIds: subnets.map((s) => s.id) }, child);
    const sg = new aws.ec2.SecurityGroup(`${name}-db-sg`, {
      vpcId: vpc.id,
      description: "Cross-region database replica: no client until a reader runs in this region",
      tags: { Name: `${name}-db-sg` },
    }, child);

    this.vpcId = vpc.id;
    this.subnetIds = subnets.map((s) => s.id);
    this.dbSubnetGroupName = subnetGroup.name;
    this.securityGroupId = sg.id;
    this.registerOutputs({ vpcId: this.vpcId, dbSubnetGroupName: this.dbSubnetGroupName, securityGroupId: this.securityGroupId });
  }
}

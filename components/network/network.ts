import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface NetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /20. */
  cidrBlock: string;
  /** Availability zones to spread subnets over (three for EKS and Multi-AZ data stores). */
  availabilityZones: string[];
  /** NAT gateways: 1 shares one AZ's egress (cheap), one per AZ survives an AZ outage. Default 1. */
  natGateways?: number;
  /** EKS cluster name, for the subnet discovery tags the load balancer controller and autoscaler read. */
  clusterName: string;
}

/** Subnet CIDRs carved from the VPC: private /(n+3) per AZ first (large, for pods), then public /(n+5). */
export function planSubnets(cidrBlock: string, azCount: number): { public: string[]; private: string[] } {
  const [base, prefixText] = cidrBlock.split("/");
  const prefix = Number(prefixText);
  const start = base.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const toCidr = (addr: number, bits: number) => `${[24, 16, 8, 0].map((s) => Math.floor(addr / 2 ** s) % 256).join(".")}/${bits}`;
  const privateBits = prefix + 3;
  const publicBits = prefix + 5;
  const privateSize = 2 ** (32 - privateBits);
  const publicSize = 2 ** (32 - publicBits);
  const privateCidrs = Array.from({ length: azCount }, (_, i) => toCidr(start + i * privateSize, privateBits));
  const publicStart = start + azCount * privateSize;
  const publicCidrs = Array.from({ length: azCount }, (_, i) => toCidr(publicStart + i * publicSize, publicBits));
  return { public: publicCidrs, private: privateCidrs };
}

/** VPC over the given AZs: public subnets behind an internet gateway, private subnets behind NAT. */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetCidrs: string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:network:Network", name, {}, opts);
    const natCount = args.natGateways ?? 1;
    if (natCount > args.availabilityZones.length) {
      throw new Error(`Network ${name}: natGateways (${natCount}) exceeds the number of AZs (${args.availabilityZones.length})`);
    }
    const cidrs = planSubnets(args.cidrBlock, args.availabilityZones.length);
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${name}-vpc` },
    }, { parent: this });
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, { parent: this });

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: `${name}-public` },
    }, { parent: this });

    const publicSubnets = args.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-public-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: cidrs.public[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${az}`, "kubernetes.io/role/elb": "1", ...clusterTag },
      }, { parent: this });
      new aws.ec2.RouteTableAssociation(`${name}-public-${az}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, { parent: this });
      return subnet;
    });

    const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const az = args.availabilityZones[i];
      const eip = new aws.ec2.Eip(`${name}-nat-${az}`, { domain: "vpc", tags: { Name: `${name}-nat-${az}` } }, { parent: this });
      return new aws.ec2.NatGateway(`${name}-nat-${az}`, {
        allocationId: eip.id,
        subnetId: subnet.id,
        tags: { Name: `${name}-nat-${az}` },
      }, { parent: this, dependsOn: [igw] });
    });

    const privateSubnets = args.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-private-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: cidrs.private[i],
        tags: {
          Name: `${name}-private-${az}`,
          "kubernetes.io/role/internal-elb": "1",
          "karpenter.sh/discovery": args.clusterName,
          ...clusterTag,
        },
      }, { parent: this });
      // Each AZ egresses through its own NAT when there is one per AZ, else through the shared one.
      const routes = new aws.ec2.RouteTable(`${name}-private-${az}`, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natCount].id }],
        tags: { Name: `${name}-private-${az}` },
      }, { parent: this });
      new aws.ec2.RouteTableAssociation(`${name}-private-${az}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this });
      return subnet;
    });

    this.vpcId = vpc.id;
    this.vpcCidr = args.cidrBlock;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnetCidrs = cidrs.private;
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}

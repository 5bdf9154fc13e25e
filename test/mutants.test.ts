/**
 * One-line changes to central properties that no other test noticed (issue 19), each asserted on what the real
 * program registers for the growth tier (3 AZs, 3 NAT gateways, cross-region replicas), whole objects where the
 * object is the contract. Non-preview, so the ingress annotations (built in an apply) are known.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { named, ofType, runTier, type ProgramRun } from "./harness";

let run: ProgramRun;
beforeAll(async () => {
  run = await runTier("growth", {}, { preview: false });
});

describe("cluster", () => {
  it("EKS: private endpoint on, public endpoint only from the configured CIDRs, nodes in the private subnets", () => {
    expect(named(run, "aws:eks/cluster:Cluster", "cluster-eks").inputs.vpcConfig).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
      subnetIds: ["network-private-us-east-1a-id", "network-private-us-east-1b-id", "network-private-us-east-1c-id"],
    });
  });

  it("every node launch template: one encrypted 100 GiB gp3 root volume and IMDSv2 with hop limit 1", () => {
    const templates = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      expect(t.inputs.blockDeviceMappings, t.name).toEqual([{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 100, volumeType: "gp3" } }]);
      expect(t.inputs.metadataOptions, t.name).toEqual({ httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
    }
  });
});

describe("network", () => {
  it("each private subnet routes through the NAT gateway of its own AZ (an AZ outage takes only its own egress)", () => {
    const nats = ofType(run, "aws:ec2/natGateway:NatGateway").map((n) => n.name).sort();
    expect(nats).toEqual(["network-nat-us-east-1a", "network-nat-us-east-1b", "network-nat-us-east-1c"]);
    for (const az of ["us-east-1a", "us-east-1b", "us-east-1c"]) {
      expect(named(run, "aws:ec2/routeTable:RouteTable", `network-private-${az}`).inputs.routes, az).toEqual([
        { cidrBlock: "0.0.0.0/0", natGatewayId: `network-nat-${az}-id` },
      ]);
      expect(named(run, "aws:ec2/natGateway:NatGateway", `network-nat-${az}`).inputs.subnetId, az).toBe(`network-public-${az}-id`);
    }
  });

  it("each cross-region replica's security group is closed: no inline rules and no rule resources", () => {
    const replicaGroups = ofType(run, "aws:ec2/securityGroup:SecurityGroup").filter((g) => g.name.endsWith("-db-sg"));
    expect(replicaGroups.map((g) => g.name).sort()).toEqual(["replica-network-eu-west-1-db-sg", "replica-network-us-west-2-db-sg"]);
    for (const g of replicaGroups) {
      const region = g.name.includes("eu-west-1") ? "eu-west-1" : "us-west-2";
      expect(g.inputs, g.name).toEqual({
        description: "Cross-region database replica: no client until a reader runs in this region",
        tags: { Name: `replica-network-${region}-db-sg` },
        vpcId: `replica-network-${region}-vpc-id`,
      });
    }
    const rules = run.resources.filter((r) => /securityGroup(Ingress|Egress)?Rule|IngressRule|EgressRule/.test(r.type));
    const onReplicas = rules.filter((r) => JSON.stringify(r.inputs).includes("-db-sg-id"));
    expect(onReplicas.map((r) => r.name)).toEqual([]);
  });
});

describe("database", () => {
  it("each cross-region replica, as a whole: encrypted with its region's key, private, in its region's closed network, protected", () => {
    for (const region of ["us-west-2", "eu-west-1"]) {
      const replica = named(run, "aws:rds/instance:Instance", `database-replica-${region}`);
      // kmsKeyId and the other ARNs/names come from tools/mock-outputs.ts (account 123456789012).
      expect(replica.inputs, region).toEqual({
        autoMinorVersionUpgrade: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        copyTagsToSnapshot: true,
        dbSubnetGroupName: `replica-network-${region}-db-subnets-mock`,
        deletionProtection: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        iamDatabaseAuthenticationEnabled: true,
        instanceClass: "db.r5.xlarge",
        kmsKeyId: `arn:aws:kms:us-east-1:123456789012:database-kms-${region}`,
        maintenanceWindow: "sun:04:30-sun:05:30",
        maxAllocatedStorage: 1000,
        multiAz: false,
        parameterGroupName: `database-params-${region}-mock`,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: `arn:aws:kms:us-east-1:123456789012:database-kms-${region}`,
        performanceInsightsRetentionPeriod: 7,
        port: 5432,
        publiclyAccessible: false,
        replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:database-primary",
        skipFinalSnapshot: true,
        storageEncrypted: true,
        storageType: "gp3",
        vpcSecurityGroupIds: [`replica-network-${region}-db-sg-id`],
      });
      expect(replica.options, region).toEqual({
        protect: true, aliases: [], dependsOn: [], provider: `aws-database-${region}`, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false,
      });
    }
  });
});

describe("API edge", () => {
  it("the ALB serves HTTPS 443 with the TLS 1.3/1.2 policy and redirects HTTP 80 to it", () => {
    const annotations = named(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs.metadata.annotations as Record<string, string>;
    expect(annotations["alb.ingress.kubernetes.io/ssl-policy"]).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"])).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(annotations["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
    expect(annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
  });
});

describe("Kubernetes network access", () => {
  it("PgBouncer admits the API and workers on 6432 and Prometheus (namespace monitoring) on 9127, nothing else", () => {
    const labels = (app: string) => ({ "app.kubernetes.io/instance": app, "app.kubernetes.io/name": app });
    const ns = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
    expect(named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-access-pgbouncer-clients").inputs.spec).toEqual({
      podSelector: { matchLabels: labels("pgbouncer") },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ namespaceSelector: ns("api"), podSelector: { matchLabels: labels("api") } }, { namespaceSelector: ns("workers"), podSelector: { matchLabels: labels("workers") } }], ports: [{ port: 6432, protocol: "TCP" }] },
        { from: [{ namespaceSelector: ns("monitoring") }], ports: [{ port: 9127, protocol: "TCP" }] },
      ],
    });
  });

  it("Ollama admits only the workers on 11434", () => {
    const spec = named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-access-ollama-clients").inputs.spec;
    expect(spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "workers" } }, podSelector: { matchLabels: { "app.kubernetes.io/instance": "workers", "app.kubernetes.io/name": "workers" } } }],
      ports: [{ port: 11434, protocol: "TCP" }],
    }]);
  });
});

/**
 * What the mock engine answers for cloud-computed attributes when the program runs outside preview, so that
 * `apply`s downstream of them run and tests can assert on derived values (kubeconfigs, policies, ARNs).
 * Values are shaped like the real ones but obviously fake (account 123456789012).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../infra/config";

export const MOCK_ACCOUNT_ID = "123456789012";

type Extra = (name: string, inputs: Record<string, any>, region: string) => Record<string, unknown>;

/** Per-type attributes beyond the inputs (the mock echoes inputs back as outputs). */
const EXTRA_OUTPUTS: Record<string, Extra> = {
  "aws:eks/cluster:Cluster": (name, inputs, region) => ({
    endpoint: `https://${name}.gr7.${region}.eks.amazonaws.com`,
    certificateAuthority: { data: "LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0=" },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/MOCK${name.toUpperCase()}` }] }],
    vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: `sg-${name}-cluster` },
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
  }),
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1 }),
  "aws:rds/instance:Instance": (name, inputs, region) => ({
    identifier: inputs.identifier ?? `${name}-mock`,
    address: `${name}.abc123.${region}.rds.amazonaws.com`,
    endpoint: `${name}.abc123.${region}.rds.amazonaws.com:5432`,
    port: 5432,
  }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (name, inputs, region) => ({
    replicationGroupId: inputs.replicationGroupId ?? `${name}-mock`,
    primaryEndpointAddress: `master.${name}.abc123.${region}.cache.amazonaws.com`,
    configurationEndpointAddress: `clustercfg.${name}.abc123.${region}.cache.amazonaws.com`,
    readerEndpointAddress: `replica.${name}.abc123.${region}.cache.amazonaws.com`,
  }),
  "aws:s3/bucket:Bucket": (name, inputs, region) => ({
    bucket: inputs.bucket ?? `${name}-mock`,
    arn: `arn:aws:s3:::${inputs.bucket ?? `${name}-mock`}`,
    bucketDomainName: `${inputs.bucket ?? `${name}-mock`}.s3.amazonaws.com`,
    bucketRegionalDomainName: `${inputs.bucket ?? `${name}-mock`}.s3.${region}.amazonaws.com`,
  }),
  "aws:cloudfront/distribution:Distribution": (name) => ({ domainName: `${name}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2" }),
  "aws:lb/loadBalancer:LoadBalancer": (name, _inputs, region) => ({ dnsName: `${name}.${region}.elb.amazonaws.com` }),
  "aws:acm/certificate:Certificate": () => ({ domainValidationOptions: [] }),
  "aws:sqs/queue:Queue": (name, _inputs, region) => ({ url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${name}` }),
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `mock-password-for-${name}` }),
  "cloudflare:index/r2Bucket:R2Bucket": (_name, inputs) => ({ name: inputs.name }),
  "cloudflare:index/accountToken:AccountToken": (name) => ({ value: `mock-token-value-for-${name}` }),
};

function regionOf(inputs: Record<string, any>, config: PlatformConfig): string {
  return typeof inputs.region === "string" ? inputs.region : config.primaryRegion;
}

export function mockOutputs(args: pulumi.runtime.MockResourceArgs, config: PlatformConfig): Record<string, unknown> {
  const region = regionOf(args.inputs, config);
  const [pkg, mod] = args.type.split(":");
  const service = (mod ?? "").split("/")[0];
  const generic: Record<string, unknown> = {};
  if (pkg === "aws") {
    generic.arn = `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${args.name}`;
    generic.id = `${args.name}-id`;
    if (args.inputs.name === undefined) generic.name = `${args.name}-mock`;
  }
  return { ...generic, ...(EXTRA_OUTPUTS[args.type]?.(args.name, args.inputs, region) ?? {}) };
}

/** Answers for data-source invokes the program makes. */
export function mockCall(args: pulumi.runtime.MockCallArgs, config: PlatformConfig): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`, userId: "MOCK" };
    case "aws:index/getRegion:getRegion":
      return { name: config.primaryRegion, region: config.primaryRegion };
    case "aws:lb/getLoadBalancer:getLoadBalancer": {
      const name = String(args.inputs.name ?? "mock-alb");
      const arnSuffix = `app/${name}/50dc6c495c0c9188`;
      return { name, arnSuffix, arn: `arn:aws:elasticloadbalancing:${config.primaryRegion}:${MOCK_ACCOUNT_ID}:loadbalancer/${arnSuffix}`, dnsName: `${name}-1234567890.${config.primaryRegion}.elb.amazonaws.com` };
    }
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com" };
    default:
      return {};
  }
}

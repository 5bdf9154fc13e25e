/**
 * Wires the components together from one resolved PlatformConfig. Tests, the plan and the benchmark call
 * createPlatform directly; infra/index.ts only reads the stack's config and exports what this returns.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster";
import type { ClusterOidc } from "../components/irsa";
import { Network } from "../components/network";
import type { PlatformConfig } from "./config";
import { AwsProviders } from "./providers";

/** What workloads need from the Kubernetes cluster, whether this stack created it or was handed one. */
export interface ClusterAccess {
  provider: k8s.Provider;
  /** Absent for an existing cluster: no IRSA roles are created then. */
  oidc?: ClusterOidc;
  /** Security group of the cluster's nodes, admitted by the data stores. Absent for an existing cluster. */
  securityGroupId?: pulumi.Output<string>;
}

export interface PlatformOutputs {
  tier: string;
  vpcId: pulumi.Output<string>;
  clusterName?: pulumi.Output<string>;
  kubeconfig?: pulumi.Output<string>;
}

/** Root of every resource the program registers, so one set of options (and a test's hooks) reaches all. */
export class Platform extends pulumi.ComponentResource {
  readonly outputs: PlatformOutputs;

  constructor(name: string, config: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:platform:Platform", name, {}, opts);
    const aws = new AwsProviders(config, this);
    const p = config.preset;
    const clusterName = `${config.project}-${config.stack}`;

    const network = new Network("network", {
      cidrBlock: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      natGateways: p.network.natGateways,
      clusterName,
    }, { parent: this, providers: [aws.get("network")] });

    let cluster: Cluster | undefined;
    let access: ClusterAccess;
    if (config.secrets.kubeconfig) {
      access = { provider: new k8s.Provider("existing-cluster", { kubeconfig: config.secrets.kubeconfig, enableServerSideApply: true }, { parent: this }) };
    } else {
      cluster = new Cluster("cluster", {
        clusterName,
        region: config.primaryRegion,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicAccessCidrs: config.clusterPublicAccessCidrs,
        system: { instanceTypes: [p.api.instanceType], ...p.api.nodes },
        workers: { instanceTypes: p.workers.spotInstanceTypes, ...p.workers.nodes },
        gpu: { instanceTypes: [p.gpu.instanceType], ...p.gpu.nodes },
      }, { parent: this, providers: [aws.get("cluster")] });
      access = { provider: cluster.provider, oidc: cluster.oidc, securityGroupId: cluster.clusterSecurityGroupId };
    }
    void access;

    this.outputs = {
      tier: config.tier,
      vpcId: network.vpcId,
      clusterName: cluster?.clusterName,
      kubeconfig: cluster?.kubeconfig,
    };
    this.registerOutputs(this.outputs);
  }
}

export function createPlatform(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): PlatformOutputs {
  return new Platform(config.project, config, opts).outputs;
}

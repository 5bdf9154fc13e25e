/**
 * Wires the components together from one resolved PlatformConfig. Tests, the plan and the benchmark call
 * createPlatform directly; infra/index.ts only reads the stack's config and exports what this returns.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster";
import { Network } from "../components/network";
import type { PlatformConfig } from "./config";
import type { ClusterAccess, PlatformContext, StackOutputs } from "./contracts";
import { createDataServices } from "./data";
import { createObservability } from "./observability";
import { createWorkloads } from "./workloads";
import { AwsProviders } from "./providers";

/** Root of every resource the program registers, so one set of options (and a test's hooks) reaches all. */
export class Platform extends pulumi.ComponentResource {
  readonly outputs: StackOutputs;

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

    let cluster: ClusterAccess;
    let kubeconfig: pulumi.Output<string> | undefined;
    if (config.secrets.kubeconfig) {
      const provider = new k8s.Provider("existing-cluster", { kubeconfig: config.secrets.kubeconfig, enableServerSideApply: true }, { parent: this });
      cluster = { provider };
    } else {
      const eks = new Cluster("cluster", {
        clusterName,
        region: config.primaryRegion,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicAccessCidrs: config.clusterPublicAccessCidrs,
        system: { instanceTypes: [p.api.instanceType], ...p.api.nodes },
        workers: { instanceTypes: p.workers.spotInstanceTypes, ...p.workers.nodes },
        gpu: { instanceTypes: [p.gpu.instanceType], ...p.gpu.nodes },
      }, { parent: this, providers: [aws.get("cluster")] });
      cluster = { provider: eks.provider, name: eks.clusterName, oidc: eks.oidc, securityGroupId: eks.clusterSecurityGroupId };
      kubeconfig = eks.kubeconfig;
    }

    const ctx: PlatformContext = { config, parent: this, aws, network, cluster };
    // Areas, in data-flow order; each returns what the next needs plus its stack outputs.
    const data = createDataServices(ctx);
    const workloads = createWorkloads(ctx, data.services);
    const observability = createObservability(ctx, data.services, workloads.services);

    this.outputs = {
      tier: config.tier,
      primaryRegion: config.primaryRegion,
      vpcId: network.vpcId,
      ...(cluster.name ? { clusterName: cluster.name, kubeconfig } : {}),
      ...data.outputs,
      ...workloads.outputs,
      ...observability.outputs,
    };
    this.registerOutputs(this.outputs);
  }
}

export function createPlatform(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): StackOutputs {
  return new Platform(config.project, config, opts).outputs;
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";

/** The cost-allocation tags every taggable AWS resource carries, set once per provider as default tags. */
export function costAllocationTags(config: PlatformConfig, component: string): Record<string, string> {
  return { stack: config.stack, tier: config.tier, component, "cost-center": config.costCenter };
}

/**
 * One explicit AWS provider per (component, region), each stamping the cost-allocation tags as default tags.
 * Components never tag by hand and never fall back to the ambient default provider.
 */
export class AwsProviders {
  private readonly cache = new Map<string, aws.Provider>();

  constructor(private readonly config: PlatformConfig, private readonly parent: pulumi.Resource) {}

  /** Provider for `component` in `region` (default: the primary region). */
  get(component: string, region: string = this.config.primaryRegion): aws.Provider {
    const key = `${component}-${region}`;
    let provider = this.cache.get(key);
    if (!provider) {
      provider = new aws.Provider(`aws-${key}`, {
        region: region as aws.Region,
        defaultTags: { tags: costAllocationTags(this.config, component) },
      }, { parent: this.parent });
      this.cache.set(key, provider);
    }
    return provider;
  }

  /** Lookup by region for a component that spans several (replicas, buckets). */
  forComponent(component: string): (region: string) => aws.Provider {
    return (region) => this.get(component, region);
  }
}

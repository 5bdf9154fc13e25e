import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The cluster's OIDC identity provider, which IAM Roles for Service Accounts (IRSA) trust. */
export interface ClusterOidc {
  providerArn: pulumi.Input<string>;
  /** Issuer URL as EKS reports it (https://oidc.eks...). */
  issuerUrl: pulumi.Input<string>;
}

/** Trust policy letting exactly one Kubernetes service account assume a role through the cluster's OIDC. */
export function irsaTrustPolicy(providerArn: string, issuerUrl: string, namespace: string, serviceAccount: string): string {
  const issuer = issuerUrl.replace(/^https:\/\//, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Federated: providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
          [`${issuer}:aud`]: "sts.amazonaws.com",
        },
      },
    }],
  });
}

/** An IAM role assumable by one service account; the caller attaches policies to it. */
export function irsaRole(
  name: string,
  oidc: ClusterOidc,
  namespace: string,
  serviceAccount: string,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(name, {
    assumeRolePolicy: pulumi
      .all([oidc.providerArn, oidc.issuerUrl])
      .apply(([arn, url]) => irsaTrustPolicy(arn, url, namespace, serviceAccount)),
  }, opts);
}

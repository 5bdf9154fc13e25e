/**
 * The project's name in Pulumi.yaml, the prefix of every config key, for code that names keys without reading it
 * (promotion); a test keeps them equal. Apart from infra/config so the promotion tool loads no SDK to know it.
 */
export const CONFIG_NAMESPACE = "finishthisidea";
